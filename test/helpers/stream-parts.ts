// ChatClient parts over in-memory stream pairs (`streamPair` from @libp2p/utils): the real DM and
// mailbox wire exchange (length-prefixed protobuf, `request`/`serve`) without libp2p nodes, so a
// part can be tested on its own. The far end's behaviour is chosen per request.
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { MAX_REQUEST_BYTES } from '../../protocol/constants.ts'
import { envelopeIdToString, verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { request, serve, throwIfError } from '../../protocol/rpc/rpc.ts'
import { DirectRequest, DirectResponse, MailboxRequest, MailboxResponse } from '../../protocol/wire/generated/messages.ts'
import type { Depositor, LiveSender, RouterNode } from '../../protocol/delivery/router.ts'
import type { Envelope } from '../../protocol/wire/generated/messages.ts'
import type { AbortOptions, Connection, Libp2pEvents, PeerId } from '@libp2p/interface'

/** What the far end does with one request: answer, answer with an error, store and drop the ack, or never answer. */
export type FarEnd = 'ack' | 'hang' | 'drop-ack' | ErrorCode

const emptyMailbox = (): MailboxResponse => ({ envelopes: [], cursor: 0n, more: false, count: 0 })

/** Resolves when the test ends (so a hanging handler does not outlive it). */
const forever = async (signal: AbortSignal): Promise<never> => await new Promise((_resolve, reject) => {
  signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
})

/** The recipient's DM handler over a fresh stream pair per send; `received` counts stored ids. */
export class PairedRecipient implements LiveSender {
  readonly received: string[] = []
  readonly targets: Array<PeerId | string> = []
  behaviour: FarEnd[] = []
  remoteAddr = multiaddr('/ip4/127.0.0.1/tcp/4001')
  limits?: Connection['limits']

  async send (target: PeerId | { toString(): string }, envelope: Envelope, options: AbortOptions): Promise<Pick<Connection, 'remoteAddr' | 'limits'>> {
    this.targets.push(target.toString())
    const what = this.behaviour.shift() ?? 'ack'
    const [outbound, inbound] = await streamPair()
    void serve<DirectRequest, DirectResponse>(inbound, {
      request: DirectRequest,
      response: DirectResponse,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: 30_000,
      errorResponse: error => ({ error }),
      handle: async (req, opts) => {
        if (what === 'hang') return await forever(options.signal ?? opts.signal ?? AbortSignal.timeout(30_000))
        if (what !== 'ack' && what !== 'drop-ack') throw new ProtocolError(what, `far end says ${what}`)
        this.received.push(verifyEnvelope(req.envelope as Envelope).id)
        // Stored, and then the stream dies before the ack leaves (a data channel reset).
        if (what === 'drop-ack') inbound.abort(new Error('ack lost'))
        return {}
      }
    })
    const res = await request(outbound, { envelope }, { request: DirectRequest, response: DirectResponse }, { signal: options.signal, maxResponseBytes: 4096 })
    throwIfError(res.error)
    return { remoteAddr: this.remoteAddr, limits: this.limits }
  }
}

/** A mailbox that keeps what it is given, deduplicated by envelope id like the real one. */
export class PairedMailbox implements Depositor {
  readonly stored = new Map<string, Envelope>()
  /** Deposits answered, in order (also those whose ack was dropped). */
  readonly deposits: string[] = []
  behaviour: FarEnd[] = []

  async deposit (envelope: Envelope, options: AbortOptions): Promise<void> {
    const what = this.behaviour.shift() ?? 'ack'
    const [outbound, inbound] = await streamPair()
    void serve<MailboxRequest, MailboxResponse>(inbound, {
      request: MailboxRequest,
      response: MailboxResponse,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: 30_000,
      errorResponse: error => ({ ...emptyMailbox(), error }),
      handle: async (req, opts) => {
        if (what === 'hang') return await forever(options.signal ?? opts.signal ?? AbortSignal.timeout(30_000))
        if (what !== 'ack' && what !== 'drop-ack') throw new ProtocolError(what, `far end says ${what}`)
        const id = envelopeIdToString((req.envelope as Envelope).id)
        this.deposits.push(id)
        if (this.stored.has(id)) throw new ProtocolError(ErrorCode.REPLAY, 'already stored')
        this.stored.set(id, req.envelope as Envelope)
        // Committed, and then the answer never leaves: the sender sees its stream die.
        if (what === 'drop-ack') inbound.abort(new Error('ack lost'))
        return emptyMailbox()
      }
    })
    const res = await request(outbound, { type: MailboxRequest.Type.DEPOSIT, envelope, limit: 0, after: 0n, ids: [] }, { request: MailboxRequest, response: MailboxResponse }, { signal: options.signal, maxResponseBytes: 64 * 1024 })
    throwIfError(res.error)
  }
}

type Conn = Pick<Connection, 'remoteAddr' | 'limits' | 'status'> & { remotePeer: PeerId }

/** The connections the router sees, with the events libp2p would send when they open and close. */
export class FakeConnections extends TypedEventEmitter<Pick<Libp2pEvents, 'peer:connect' | 'peer:disconnect' | 'connection:open' | 'connection:close'>> implements RouterNode {
  readonly #connections: Conn[] = []

  getConnections (peer?: PeerId): Conn[] {
    return this.#connections.filter(c => peer == null || c.remotePeer.equals(peer))
  }

  open (peer: PeerId, addr: string, limits?: Connection['limits']): Conn {
    const c: Conn = { remotePeer: peer, remoteAddr: multiaddr(addr), limits, status: 'open' }
    this.#connections.push(c)
    this.safeDispatchEvent('connection:open', { detail: c as unknown as Connection })
    this.safeDispatchEvent('peer:connect', { detail: peer })
    return c
  }

  close (c: Conn): void {
    c.status = 'closed'
    this.#connections.splice(this.#connections.indexOf(c), 1)
    this.safeDispatchEvent('connection:close', { detail: c as unknown as Connection })
    if (this.getConnections(c.remotePeer).length === 0) this.safeDispatchEvent('peer:disconnect', { detail: c.remotePeer })
  }
}
