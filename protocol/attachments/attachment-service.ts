// AttachmentService: files and images between devices, end-to-end encrypted. Register it on a
// client before `client.start()` so offers waiting in the mailbox find their handler.
import { bytesToHex } from '@noble/hashes/utils.js'
import { TypedEventEmitter } from 'main-event'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { parsePeerId } from '../identity.ts'
import { AttachmentSender } from './attachment-sender.ts'
import { BlobClient } from './blob-client.ts'
import { AttachmentOpener, sealAttachment, validateKeys } from './cipher.ts'
import { ATTACHMENT_CONTROL_TYPE, ATTACHMENT_PROTOCOL, AttachmentError, AttachmentErrorCode, DEFAULT_MAX_ATTACHMENT_BYTES, DIRECT_OFFER_TTL_MS, MAX_CAPTION_BYTES, MAX_MIME_CHARS, MAX_NAME_CHARS } from './constants.ts'
import { serveDirect } from './direct-transfer.ts'
import { OCTET_STREAM, normalizeMediaType } from './mime.ts'
import { AttachmentOffer } from './generated/wire.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { ControlMessage } from '../control/types.ts'
import type { DeliveryPath } from '../delivery/path.ts'
import type { AttachmentDeviceResult, OutgoingAttachment, SendAttachmentOptions } from './attachment-sender.ts'
import type { AttachmentKeys } from './cipher.ts'
import type { ChunkConsumer } from './direct-transfer.ts'
import type { AttachmentSink, IncomingAttachment } from './sink.ts'
import type { Chunk, TransferHeader } from './generated/wire.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export interface AttachmentSendResult {
  /** Hex attachment id, the same on every device. */
  id: string
  status: 'delivered' | 'stored'
  path: DeliveryPath
  devices: AttachmentDeviceResult[]
  /** Sent to a list of devices (a group): those it could not reach; the others have it. */
  failures: Array<{ peerId: string, error: string }>
}

export interface ReceivedAttachment extends IncomingAttachment {
  caption: string
  /** The group it was sent to (its sender is a member here), or unset for a 1:1 file. */
  group?: string
  sentAt: number
  /** Where the sink put it. */
  location: string
  path: DeliveryPath
}

export interface AttachmentServiceEvents {
  attachment: CustomEvent<ReceivedAttachment>
  /** Plaintext bytes verified so far of an attachment being received (for progress displays). */
  progress: CustomEvent<IncomingAttachment & { received: number }>
  /** An offer that could not be received; nothing of it was kept. */
  failed: CustomEvent<{ id: string, from: string, name: string, error: Error }>
  /** Receiving was cancelled here (`cancel`); what was received is dropped, `retry` fetches it again. */
  cancelled: CustomEvent<IncomingAttachment>
  /**
   * A direct transfer that its sender stopped (cancelled, or its connection dropped, after which the
   * sender parks it on the rendezvous and a new offer follows); nothing of it was kept.
   */
  stopped: CustomEvent<IncomingAttachment>
}

export interface AttachmentServiceInit {
  client: ControlHost
  sink: AttachmentSink
  /** Largest attachment sent or accepted, plaintext bytes. */
  maxBytes?: number
  random?: (n: number) => Uint8Array
  /**
   * Whether `peer` is a member of `group` on this device: an offer naming a group is taken only
   * then. Without it, offers naming a group are refused.
   */
  isGroupMember?: (group: string, peer: string) => Promise<boolean>
  /** The time DIRECT offers expire by; the client's clock by default. */
  now?: () => number
}

interface Expected {
  meta: IncomingAttachment
  offer: AttachmentOffer
  keys: AttachmentKeys
  sentAt: number
  expiresAt: number
  /** Why a DIRECT offer was refused: the push is answered with this, so the sender stops for good. */
  refused?: Error
  /** Set while it is being received: `cancel` aborts it. */
  receiving?: AbortController
}

/** Attachments already stored, so a second path for the same file (a retry) is not saved twice. */
const REMEMBERED = 1_000
/** DIRECT offers waiting for their push, and downloads waiting for a retry: bounded per device. */
const MAX_WAITING = 256
/**
 * Chat-store key prefix naming who an attachment id belongs to on this device (the sender's PeerId,
 * or our own for what we sent). Ids are chosen by senders: the first owner keeps its id for good.
 */
export const ATTACHMENT_OWNER_PREFIX = 'attachment-owner/'

/** Names come from the other end: keep them printable and short; sinks still sanitise for their platform. */
function clean (text: string, max: number, fallback: string): string {
  const t = text.replace(/\p{Cc}/gu, '').trim().slice(0, max)
  return t === '' ? fallback : t
}

export class AttachmentService extends TypedEventEmitter<AttachmentServiceEvents> {
  readonly #init: AttachmentServiceInit
  readonly #now: () => number
  readonly #maxBytes: number
  readonly #log: Logger
  readonly #blobs?: BlobClient
  readonly #sender: AttachmentSender
  readonly #expected = new Map<string, Expected>()
  readonly #done = new Set<string>()
  /** Blobs whose download failed for a reason a later sync may not have (the node was unreachable). */
  readonly #retry = new Map<string, Expected>()
  /** Ids being received right now, by sender: two offers racing for one id cannot both win. */
  readonly #binding = new Map<string, string>()
  /** Transfers being received now, by `from/id`, so a person can cancel one. */
  readonly #active = new Map<string, Expected>()
  /** Cancelled here: a later offer for it (the sender's fallback to the rendezvous) waits for `retry`. */
  readonly #cancelled = new Map<string, Expected>()

  constructor (init: AttachmentServiceInit) {
    super()
    this.#init = init
    const clock = init.client.clock
    this.#now = init.now ?? (clock != null ? () => clock.now() : Date.now)
    this.#maxBytes = init.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES
    this.#log = init.client.node.logger.forComponent('babacloud:attachments')
    if (init.client.rendezvous != null) this.#blobs = new BlobClient(init.client.node, init.client.rendezvous)
    this.#sender = new AttachmentSender(init.client, this.#blobs, this.#log)
  }

  async start (): Promise<void> {
    this.#init.client.handleControl(ATTACHMENT_CONTROL_TYPE, async message => { await this.#onOffer(message) })
    this.#init.client.addEventListener('synced', this.#onSynced)
    await this.#init.client.node.handle(ATTACHMENT_PROTOCOL, (stream, connection) => {
      void serveDirect(stream, connection, (from, header) => this.#accept(from, header), this.#log)
    }, { runOnLimitedConnection: true, maxInboundStreams: 8 })
  }

  async stop (): Promise<void> {
    await this.#init.client.node.unhandle(ATTACHMENT_PROTOCOL).catch(() => {})
    this.#init.client.removeEventListener('synced', this.#onSynced)
    this.#expected.clear()
  }

  /** The largest file (plaintext bytes) this service sends or accepts. */
  get maxBytes (): number {
    return this.#maxBytes
  }

  /**
   * Encrypts once and sends to a PeerId, to every device of an @username, or to a list of devices
   * (a group's members, with `file.group` set). Aborting `options.signal` stops the transfer: an
   * offer goes to a device only with a complete copy on its way, so nobody gets a broken file.
   */
  async send (to: PeerId | string | PeerId[], file: OutgoingAttachment, options: SendAttachmentOptions = {}): Promise<AttachmentSendResult> {
    if (file.bytes.length > this.#maxBytes) throw new AttachmentError(AttachmentErrorCode.TOO_LARGE, `attachment of ${file.bytes.length} bytes is over the limit of ${this.#maxBytes}`)
    if (new TextEncoder().encode(file.caption ?? '').length > MAX_CAPTION_BYTES) throw new AttachmentError(AttachmentErrorCode.TOO_LARGE, `the caption is over ${MAX_CAPTION_BYTES} bytes`)
    const devices = Array.isArray(to) ? to : await this.#resolve(to)
    if (devices.length === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, 'nobody to send the attachment to')
    options.signal?.throwIfAborted()
    const sealed = sealAttachment(file.bytes, this.#init.random)
    // Ours from now on: an offer that reuses the id (a recipient echoing it back) is refused.
    await this.#init.client.store.setValue(ATTACHMENT_OWNER_PREFIX + bytesToHex(sealed.id), new TextEncoder().encode(this.#init.client.node.peerId.toString()))
    const results: AttachmentDeviceResult[] = []
    const failures: AttachmentSendResult['failures'] = []
    // Progress over all devices together: each device's copy is one share of the total.
    const each = sealed.ciphertext.reduce((n, c) => n + c.length, 0)
    for (const [i, device] of devices.entries()) {
      const onProgress = options.onProgress == null ? undefined : (done: number): void => { options.onProgress?.(i * each + done, devices.length * each) }
      try {
        results.push(await this.#sender.send(device, sealed, file, { ...options, onProgress }))
      } catch (err) {
        // One member out of reach does not keep the file from the others (a group's fan-out).
        if (!Array.isArray(to) || options.signal?.aborted === true) throw err
        failures.push({ peerId: device.toString(), error: errorMessage(err) })
        if (failures.length === devices.length) throw err
      }
    }
    const best = results.find(r => r.status === 'delivered') ?? results[0]
    return { id: bytesToHex(sealed.id), status: best.status, path: best.path, devices: results, failures }
  }

  async #resolve (to: PeerId | string): Promise<PeerId[]> {
    if (typeof to !== 'string') return [to]
    if (!to.startsWith('@')) return [parsePeerId(to)]
    const accounts = this.#init.client.accounts
    if (accounts == null) throw new UnreachableError(`cannot resolve ${to} without a rendezvous`)
    const devices = (await accounts.resolve(to)).map(parsePeerId)
    if (devices.length === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, `${to} has no devices`)
    return devices
  }

  async #onOffer (message: ControlMessage): Promise<void> {
    let offer: AttachmentOffer
    try {
      offer = AttachmentOffer.decode(message.body)
    } catch {
      this.#log('undecodable attachment offer from %p; dropped', message.from)
      return
    }
    const from = message.from.toString()
    const keys: AttachmentKeys = { id: offer.id, key: offer.key, digest: offer.digest, size: Number(offer.size), chunks: offer.chunks }
    const meta: IncomingAttachment = {
      id: bytesToHex(offer.id),
      from,
      name: clean(offer.name, MAX_NAME_CHARS, 'attachment'),
      mime: normalizeMediaType(clean(offer.mime, MAX_MIME_CHARS, OCTET_STREAM)),
      size: keys.size
    }
    if (offer.group !== '') meta.group = offer.group
    const key = `${from}/${meta.id}`
    const rendezvous = offer.source === AttachmentOffer.Source.RENDEZVOUS
    const expected: Expected = { meta, offer, keys, sentAt: message.sentAt, expiresAt: this.#now() + DIRECT_OFFER_TTL_MS }
    try {
      validateKeys(keys, this.#maxBytes)
      await this.#checkOwner(meta)
      if (offer.group !== '' && await this.#init.isGroupMember?.(offer.group, from) !== true) {
        throw new ProtocolError(ErrorCode.UNAUTHORIZED, `the sender is not a member of group ${offer.group} on this device`)
      }
    } catch (err) {
      this.#fail(meta, err as Error)
      expected.refused = err as Error
    }
    if (this.#done.has(key) || (rendezvous && expected.refused != null)) {
      // Stored already, or refused for good: free the quota instead of waiting for expiry. Only a
      // blob this sender uploaded goes: an id borrowed from someone else's attachment deletes nothing.
      if (rendezvous) await this.#blobs?.delete(offer.id, { sender: from }).catch(() => {})
      return
    }
    if (!rendezvous) {
      this.#prune()
      remember(this.#expected, key, expected)
      return
    }
    // Cancelled here while it came directly; the sender parked it on the rendezvous: it waits there
    // until the person asks for it again.
    if (this.#cancelled.has(key)) {
      remember(this.#cancelled, key, expected)
      this.safeDispatchEvent('cancelled', { detail: meta })
      return
    }
    const download = this.#download(expected).catch(err => {
      if (isCancel(err)) return
      this.#fail(meta, err as Error)
      // Refusals and bad bytes stay bad; an unreachable node or a stalled stream may not.
      if (!ProtocolError.is(err) && !AttachmentError.is(err, AttachmentErrorCode.INTEGRITY) && !AttachmentError.is(err, AttachmentErrorCode.CONFLICT)) remember(this.#retry, key, expected)
    })
    // From the mailbox, the envelope is acked after this handler: fetch before that. Delivered
    // live, the sender is waiting for the ack: fetch in the background.
    if (message.path === 'mailbox') await download
  }

  async #download (expected: Expected): Promise<void> {
    const blobs = this.#blobs
    if (blobs == null) throw new UnreachableError('attachment waits on a rendezvous, but none is configured')
    const { id } = expected.offer
    try {
      await this.#receive(expected, 'mailbox', async (write, signal) => {
        await blobs.download(id, write, { sender: expected.meta.from, signal: AbortSignal.any([signal, AbortSignal.timeout(30_000 + Math.ceil(expected.keys.size / 64))]) })
      })
    } catch (err) {
      // Cancelled: the blob stays on the rendezvous for a retry.
      if (isCancel(err)) throw err
      // A tampered blob will never verify, a conflicting id never becomes acceptable: delete the
      // offerer's blob (never anyone else's). Anything else is retried after the next sync.
      if (AttachmentError.is(err, AttachmentErrorCode.INTEGRITY) || AttachmentError.is(err, AttachmentErrorCode.CONFLICT)) await blobs.delete(id, { sender: expected.meta.from }).catch(() => {})
      throw err
    }
    await blobs.delete(id, { sender: expected.meta.from }).catch(err => { this.#log('could not delete a downloaded blob - %e', err) })
  }

  #accept (from: PeerId, header: TransferHeader): ChunkConsumer {
    const key = `${from.toString()}/${bytesToHex(header.id)}`
    const expected = this.#expected.get(key)
    if (expected == null || expected.expiresAt < this.#now()) throw new ProtocolError(ErrorCode.NOT_FOUND, 'no offer for this attachment')
    // One push per offer: a second stream for the same id is refused above.
    this.#expected.delete(key)
    if (expected.refused != null) throw expected.refused
    if (header.chunks !== expected.keys.chunks) throw new AttachmentError(AttachmentErrorCode.MALFORMED, 'transfer does not match its offer')
    return async chunks => {
      try {
        await this.#receive(expected, 'direct', async (write, signal) => {
          for await (const chunk of chunks) {
            signal.throwIfAborted()
            await write(chunk)
          }
          signal.throwIfAborted()
        })
      } catch (err) {
        if (isCancel(err)) throw err
        // Our own refusals and bad bytes are failures; the stream ending under us is the sender's doing.
        if (AttachmentError.is(err) || ProtocolError.is(err)) this.#fail(expected.meta, err as Error)
        else this.safeDispatchEvent('stopped', { detail: expected.meta })
        throw err
      }
    }
  }

  /**
   * Refuses (AttachmentError CONFLICT) an incoming attachment whose id already names another
   * sender's attachment, one of our own, or a message with anyone else: ids are chosen by senders,
   * and a chosen id must never replace what is stored under it.
   */
  async #checkOwner (meta: IncomingAttachment): Promise<void> {
    const conflict = new AttachmentError(AttachmentErrorCode.CONFLICT, `attachment id ${meta.id} already belongs to another sender or message`)
    const racing = this.#binding.get(meta.id)
    if (racing != null && racing !== meta.from) throw conflict
    const store = this.#init.client.store
    const message = await store.getMessage(meta.id)
    if (message != null && (message.peer !== meta.from || message.direction !== 'in')) throw conflict
    const owner = await store.getValue(ATTACHMENT_OWNER_PREFIX + meta.id)
    if (owner != null && new TextDecoder().decode(owner) !== meta.from) throw conflict
  }

  /** Streams verified plaintext into the sink; on any failure the sink drops what it got. */
  async #receive (expected: Expected, path: DeliveryPath, feed: (write: (chunk: Chunk) => Promise<void>, signal: AbortSignal) => Promise<void>): Promise<void> {
    const { meta } = expected
    const key = `${meta.from}/${meta.id}`
    // Only an attachment that arrives whole claims its id: a bogus offer that fails squats nothing.
    // While this one is being received, no other sender's can claim the same id.
    await this.#checkOwner(meta)
    const racing = this.#binding.get(meta.id)
    if (racing != null && racing !== meta.from) throw new AttachmentError(AttachmentErrorCode.CONFLICT, `attachment id ${meta.id} is being received from another sender`)
    this.#binding.set(meta.id, meta.from)
    const receiving = new AbortController()
    expected.receiving = receiving
    this.#active.set(key, expected)
    try {
      const opener = new AttachmentOpener(expected.keys)
      const writer = await this.#init.sink.open(meta)
      let location: string
      try {
        await feed(async chunk => {
          await writer.write(opener.open(chunk.index, chunk.data))
          this.safeDispatchEvent('progress', { detail: { ...meta, received: opener.received } })
        }, receiving.signal)
        opener.finish()
        location = await writer.commit()
      } catch (err) {
        await writer.abort().catch(e => { this.#log.error('could not discard a partial attachment - %e', e) })
        throw err
      }
      await this.#init.client.store.setValue(ATTACHMENT_OWNER_PREFIX + meta.id, new TextEncoder().encode(meta.from))
      this.#done.add(key)
      if (this.#done.size > REMEMBERED) this.#done.delete(this.#done.values().next().value as string)
      this.safeDispatchEvent('attachment', { detail: { ...meta, caption: expected.offer.caption, sentAt: expected.sentAt, location, path } })
    } catch (err) {
      if (receiving.signal.aborted) {
        remember(this.#cancelled, key, expected)
        this.safeDispatchEvent('cancelled', { detail: meta })
        throw new AttachmentError(AttachmentErrorCode.CANCELLED, `receiving ${meta.name} was cancelled`, { cause: err })
      }
      throw err
    } finally {
      expected.receiving = undefined
      this.#active.delete(key)
      if (racing == null) this.#binding.delete(meta.id)
    }
  }

  /**
   * Stops receiving an attachment now; nothing of it is kept. A file parked on the rendezvous stays
   * there for `retry`; one pushed directly is answered with an error, so its sender parks it there.
   * False when it is not being received.
   */
  cancel (from: string, id: string): boolean {
    const expected = this.#active.get(`${from}/${id}`)
    if (expected?.receiving == null) return false
    expected.receiving.abort(new AttachmentError(AttachmentErrorCode.CANCELLED, 'cancelled by the recipient'))
    return true
  }

  /** Fetches a cancelled attachment again from the rendezvous; rejects when it is not (or no longer) there. */
  async retry (from: string, id: string): Promise<void> {
    const key = `${from}/${id}`
    const expected = this.#cancelled.get(key) ?? this.#retry.get(key)
    if (expected == null || expected.offer.source !== AttachmentOffer.Source.RENDEZVOUS) {
      throw new ProtocolError(ErrorCode.NOT_FOUND, 'this attachment is not waiting on the rendezvous (yet); ask the sender to send it again if it does not come')
    }
    this.#cancelled.delete(key)
    this.#retry.delete(key)
    await this.#download(expected).catch(err => {
      if (!isCancel(err)) {
        this.#fail(expected.meta, err as Error)
        if (!ProtocolError.is(err)) remember(this.#retry, key, expected)
      }
      throw err
    })
  }

  #fail (meta: IncomingAttachment, error: Error): void {
    this.#log('attachment %s from %s failed - %e', meta.id, meta.from, error)
    this.safeDispatchEvent('failed', { detail: { id: meta.id, from: meta.from, name: meta.name, error } })
  }

  /** Connected to the rendezvous again: downloads that failed get another try. */
  readonly #onSynced = (): void => {
    for (const [key, expected] of this.#retry) {
      this.#retry.delete(key)
      this.#download(expected).catch(err => { if (!isCancel(err)) this.#fail(expected.meta, err as Error) })
    }
  }

  #prune (): void {
    const now = this.#now()
    for (const [key, e] of this.#expected) if (e.expiresAt < now) this.#expected.delete(key)
  }
}

function isCancel (err: unknown): boolean {
  return AttachmentError.is(err, AttachmentErrorCode.CANCELLED)
}

/** Adds to a bounded map, dropping the oldest entry: a chatty peer cannot grow it without end. */
function remember (map: Map<string, Expected>, key: string, value: Expected): void {
  map.set(key, value)
  if (map.size > MAX_WAITING) map.delete(map.keys().next().value as string)
}
