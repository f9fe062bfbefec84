// History on a newly linked device. The old device serves `/babacloud/history/1.0.0` while it runs;
// the new device opens it to each other device of the account, directly or through the rendezvous
// relay (Noise end to end: the node relays ciphertext and keeps nothing). The server answers only a
// device the node lists in the same account that also proves it holds the whole link code.
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { bestConnection } from '../delivery/path.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { HistoryFrame, HistoryRequest } from './generated/history.ts'
import { BATCH_BYTES, HISTORY_ATTEMPTS, HISTORY_IDLE_TIMEOUT_MS, HISTORY_PROTOCOL, MAX_HISTORY_FRAME, MAX_HISTORY_STREAMS, MAX_REQUEST_FRAME } from './constants.ts'
import { MAX_CURSOR_CHARS, applyHistory, checkHistoryValue, countHistory, historyItems, itemBytes, parseCursor, parseHistoryMessage } from './history-items.ts'
import { LinkSecrets, historyProof, splitLinkCode } from './link-secret.ts'
import type { CursorItem, HistoryValueItem } from './history-items.ts'
import type { AccountClient } from '../account/account-client.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface HistoryServiceComponents {
  node: ChatNode
  store: ChatStore
  accounts?: AccountClient
  rendezvous?: Multiaddr
  log: Logger
  now?: () => number
  /** Messages written into the store as they arrived. */
  onMessages?: (messages: ChatMessage[]) => void
  /** A device of the account was linked (served, or this one linked): the account's device list changed. */
  onLinked?: () => void
  /** This device sent its whole history to `peer`, a newly linked device of the account. */
  onServed?: (peer: string) => void
}

export interface HistoryProgress {
  /** The device sending. */
  from: string
  /** Items (messages and records) received so far, and in the whole history. */
  received: number
  total: number
}

export interface HistorySummary {
  from: string
  /** Messages received, and how many of them were new here (a repeated transfer adds none). */
  messages: number
  added: number
  /** 1:1 and group conversations the messages belong to. */
  conversations: number
  groups: number
  contacts: number
  timers: number
  /** Streams it took: more than one when a connection broke (a relay's data limit) and it resumed. */
  streams: number
}

export interface ReceiveOptions extends AbortOptions {
  /** How long to keep trying while no device of the account serves (default: one round). */
  waitMs?: number
  onProgress?: (progress: HistoryProgress) => void
}

type FrameStream = LengthPrefixedStream<Stream>

function frameSignal (options: AbortOptions): AbortSignal {
  const idle = AbortSignal.timeout(HISTORY_IDLE_TIMEOUT_MS)
  return options.signal == null ? idle : AbortSignal.any([options.signal, idle])
}

async function readFrame<T> (lp: FrameStream, max: number, decode: (bytes: Uint8ArrayList) => T, options: AbortOptions): Promise<T> {
  let bytes: Uint8ArrayList
  try {
    bytes = await lp.read({ signal: frameSignal(options) })
  } catch (err) {
    options.signal?.throwIfAborted()
    if (['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'].includes((err as Error).name)) throw new ProtocolError(ErrorCode.TOO_LARGE, 'history frame over its limit')
    throw err
  }
  if (bytes.byteLength > max) throw new ProtocolError(ErrorCode.TOO_LARGE, `history frame over ${max} bytes`)
  try {
    return decode(bytes)
  } catch (err) {
    throw new ProtocolError(ErrorCode.MALFORMED, `malformed history frame: ${errorMessage(err)}`)
  }
}

async function writeFrame (lp: FrameStream, frame: Partial<HistoryFrame>, options: AbortOptions = {}): Promise<void> {
  await lp.write(HistoryFrame.encode({ kind: HistoryFrame.Kind.ITEMS, total: 0, sent: 0, values: [], messages: [], errorCode: '', error: '', ...frame }), { signal: frameSignal(options) })
}

function abortStream (stream: Stream, err: unknown): void {
  try { stream.abort(err instanceof Error ? err : new Error(String(err))) } catch {}
}

const WIRE_CODES = new Set<unknown>(Object.values(ErrorCode).filter(v => typeof v === 'string'))
/** Refusals no retry can change. */
const FINAL = new Set<ErrorCode>([ErrorCode.UNAUTHORIZED, ErrorCode.MALFORMED, ErrorCode.TOO_LARGE, ErrorCode.INVALID])

export class HistoryService {
  readonly #c: HistoryServiceComponents
  readonly secrets: LinkSecrets
  #started = false

  constructor (components: HistoryServiceComponents) {
    this.#c = components
    this.secrets = new LinkSecrets(components.store, components.now)
  }

  /** Serves this device's history to the account's new devices while the client runs. */
  async start (): Promise<void> {
    if (this.#started) return
    this.#started = true
    await this.#c.node.handle(HISTORY_PROTOCOL, (stream, connection) => { void this.#serve(stream, connection) },
      { runOnLimitedConnection: true, maxInboundStreams: MAX_HISTORY_STREAMS })
  }

  async stop (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    await this.#c.node.unhandle(HISTORY_PROTOCOL).catch(() => {})
  }

  /** A new link code from the node, with its device-only part remembered here: show the result whole. */
  async createLinkCode (): Promise<{ code: string, expiresAt: number }> {
    const accounts = this.#accounts()
    const { code, expiresAt } = await accounts.createLinkCode()
    return { code: await this.secrets.remember(code), expiresAt }
  }

  #accounts (): AccountClient {
    if (this.#c.accounts == null) throw new UnreachableError('no rendezvous configured')
    return this.#c.accounts
  }

  async #authorize (requester: PeerId, proof: Uint8Array): Promise<void> {
    const self = this.#c.node.peerId.toString()
    const who = requester.toString()
    if (who === self || this.#c.accounts == null) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'not a device of this account')
    // The node's word that both devices are in one account; the link code proves it was the user's doing.
    const account = await this.#c.accounts.get().catch(() => undefined)
    if (account?.devices.some(d => d.peerId === who) !== true) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'not a device of this account')
    await this.secrets.check(proof, who, self)
  }

  async #serve (stream: Stream, connection: Connection): Promise<void> {
    const { log } = this.#c
    const lp = lpStream(stream, { maxDataLength: MAX_HISTORY_FRAME })
    try {
      const req = await readFrame(lp, MAX_REQUEST_FRAME, bytes => HistoryRequest.decode(bytes), {})
      await this.#authorize(connection.remotePeer, req.proof)
      this.#c.onLinked?.()
      const from = parseCursor(req.cursor)
      await writeFrame(lp, { kind: HistoryFrame.Kind.START, total: await countHistory(this.#c.store) })
      let sent = 0
      let batch: CursorItem[] = []
      let bytes = 0
      const flush = async (): Promise<void> => {
        sent += batch.length
        await writeFrame(lp, {
          kind: HistoryFrame.Kind.ITEMS,
          sent,
          cursor: batch[batch.length - 1].cursor,
          values: batch.flatMap(({ item: i }) => i.value != null ? [{ key: i.value.key, value: i.value.value as Uint8Array<ArrayBuffer> }] : []),
          messages: batch.flatMap(({ item: i }) => i.message != null ? [i.message as Uint8Array<ArrayBuffer>] : [])
        })
        batch = []
        bytes = 0
      }
      // Read a page at a time and sent as it is read: the store, not memory, holds the history.
      for await (const next of historyItems(this.#c.store, from)) {
        batch.push(next)
        bytes += itemBytes(next.item)
        if (bytes >= BATCH_BYTES) await flush()
      }
      if (batch.length > 0) await flush()
      await writeFrame(lp, { kind: HistoryFrame.Kind.END, sent })
      log('sent %d history items to %p', sent, connection.remotePeer)
      await stream.close({ signal: AbortSignal.timeout(HISTORY_IDLE_TIMEOUT_MS) })
      this.#c.onServed?.(connection.remotePeer.toString())
    } catch (err) {
      log('history for %p refused or broken - %e', connection.remotePeer, err)
      const typed = ProtocolError.is(err)
      try {
        await writeFrame(lp, { kind: HistoryFrame.Kind.ERROR, errorCode: typed ? err.code : ErrorCode.INTERNAL, error: typed ? err.message : 'internal error' })
        await stream.close({ signal: AbortSignal.timeout(5_000) })
      } catch (e) {
        abortStream(stream, e)
      }
    }
  }

  /**
   * Links this device with a whole code from another device of `@username` (the node checks the
   * digits), then pulls the history from a device of the account (see `receive`).
   */
  async link (username: string, code: string, device?: Parameters<AccountClient['linkDevice']>[2]): Promise<Awaited<ReturnType<AccountClient['linkDevice']>>> {
    const account = await this.#accounts().linkDevice(username, splitLinkCode(code).nodeCode, device)
    this.#c.onLinked?.()
    return account
  }

  /**
   * Pulls the history from the first device of this account that serves it for `code`, trying
   * them in turn until one does or `waitMs` ran out. UNAUTHORIZED when every device that answered
   * refused; UnreachableError when none answered.
   */
  async receive (code: string, options: ReceiveOptions = {}): Promise<HistorySummary> {
    const parts = splitLinkCode(code)
    const self = this.#c.node.peerId.toString()
    const deadline = Date.now() + (options.waitMs ?? 0)
    let lastRefusal: Error | undefined
    let lastFailure: Error | undefined
    while (true) {
      options.signal?.throwIfAborted()
      const devices = (await this.#accounts().get()).devices.map(d => d.peerId).filter(p => p !== self)
      for (const device of devices) {
        try {
          return await this.#pull(device, historyProof(parts, self, device), options)
        } catch (err) {
          options.signal?.throwIfAborted()
          if (ProtocolError.is(err) && FINAL.has(err.code)) lastRefusal = err
          else lastFailure = err as Error
          this.#c.log('no history from %s - %e', device, err)
        }
      }
      const left = deadline - Date.now()
      if (left <= 0) break
      // Nobody served yet: a device of the account may come online.
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, Math.min(1_000, left))
        options.signal?.addEventListener('abort', () => { clearTimeout(t); reject(options.signal?.reason) }, { once: true })
      })
    }
    if (lastRefusal != null) throw lastRefusal
    throw new UnreachableError(`no other device of this account sent its history${lastFailure != null ? `: ${errorMessage(lastFailure)}` : ' (it has no other device)'}`, { cause: lastFailure })
  }

  async #open (device: string, options: AbortOptions): Promise<Stream> {
    const { node, rendezvous } = this.#c
    const signal = AbortSignal.any([AbortSignal.timeout(HISTORY_IDLE_TIMEOUT_MS), ...(options.signal != null ? [options.signal] : [])])
    // An open connection (direct, WebRTC or relayed) is used as it is: dialling the PeerId again
    // may try addresses that lead nowhere first.
    const open = bestConnection(node.getConnections().filter(c => c.remotePeer.toString() === device))
    if (open != null) return await open.newStream(HISTORY_PROTOCOL, { signal, runOnLimitedConnection: true })
    if (rendezvous == null) throw new UnreachableError(`no way to reach ${device}`)
    return await node.dialProtocol(multiaddr(`${rendezvous.toString()}/p2p-circuit/p2p/${device}`), HISTORY_PROTOCOL, { signal, runOnLimitedConnection: true })
  }

  /**
   * One device's history, resuming on a new stream where a broken one stopped (a relay's data
   * limit): from the cursor of the last frame written here, so nothing is missed or sent twice.
   */
  async #pull (device: string, proof: Uint8Array, options: ReceiveOptions): Promise<HistorySummary> {
    const summary: HistorySummary = { from: device, messages: 0, added: 0, conversations: 0, groups: 0, contacts: 0, timers: 0, streams: 0 }
    const conversations = new Set<string>()
    let received = 0
    let cursor = ''
    let lastError: unknown
    for (let attempt = 0; attempt < HISTORY_ATTEMPTS; attempt++) {
      const before = received
      let stream: Stream | undefined
      try {
        stream = await this.#open(device, options)
        summary.streams++
        const lp = lpStream(stream, { maxDataLength: MAX_HISTORY_FRAME })
        await lp.write(HistoryRequest.encode({ proof: proof as Uint8Array<ArrayBuffer>, skip: 0, cursor }), { signal: frameSignal(options) })
        const start = await this.#frame(lp, options)
        if (start.kind !== HistoryFrame.Kind.START) throw new ProtocolError(ErrorCode.MALFORMED, 'history did not start with its total')
        // The whole history as it was when this stream began; what is written meanwhile comes too.
        const total = (): number => Math.max(start.total, received)
        options.onProgress?.({ from: device, received, total: total() })
        let sent = 0
        while (true) {
          const frame = await this.#frame(lp, options)
          if (frame.kind === HistoryFrame.Kind.END) {
            if (frame.sent !== sent) throw new ProtocolError(ErrorCode.MALFORMED, 'history ended out of step')
            break
          }
          if (frame.kind !== HistoryFrame.Kind.ITEMS) throw new ProtocolError(ErrorCode.MALFORMED, 'unexpected history frame')
          const count = frame.values.length + frame.messages.length
          if (count === 0 || frame.sent !== sent + count) throw new ProtocolError(ErrorCode.MALFORMED, 'history items out of step')
          if (frame.cursor === '' || frame.cursor.length > MAX_CURSOR_CHARS) throw new ProtocolError(ErrorCode.MALFORMED, 'history frame without a cursor')
          const values: HistoryValueItem[] = frame.values.map(v => checkHistoryValue({ key: v.key, value: v.value }))
          const messages = frame.messages.map(parseHistoryMessage)
          const applied = await applyHistory(this.#c.store, messages, values)
          // Only once written here: a break after this resumes after these items.
          sent = frame.sent
          received += count
          cursor = frame.cursor
          summary.messages += applied.messages
          summary.added += applied.added
          for (const m of messages) conversations.add(m.group != null ? `group:${m.group}` : `peer:${m.peer}`)
          for (const v of values) {
            if (v.key.startsWith('groups/state/')) summary.groups++
            else if (v.key.startsWith('trust/contact/')) summary.contacts++
            else if (v.key.startsWith('disappearing/timer/')) summary.timers++
          }
          if (applied.added > 0) this.#c.onMessages?.(messages)
          options.onProgress?.({ from: device, received, total: total() })
        }
        await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => {})
        summary.conversations = conversations.size
        return summary
      } catch (err) {
        if (stream != null) abortStream(stream, err)
        options.signal?.throwIfAborted()
        if (ProtocolError.is(err) && FINAL.has(err.code)) throw err
        lastError = err
        // Only a transfer that moved on is worth another connection; an absent device is not.
        if (received === before) break
      }
    }
    throw lastError
  }

  async #frame (lp: FrameStream, options: AbortOptions): Promise<HistoryFrame> {
    const frame = await readFrame(lp, MAX_HISTORY_FRAME, bytes => HistoryFrame.decode(bytes), options)
    if (frame.kind === HistoryFrame.Kind.ERROR) {
      const code = WIRE_CODES.has(frame.errorCode) ? frame.errorCode as ErrorCode : ErrorCode.UNKNOWN
      throw new ProtocolError(code, frame.error.slice(0, 500))
    }
    return frame
  }
}
