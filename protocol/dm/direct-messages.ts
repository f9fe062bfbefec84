// `/babacloud/dm/1.0.0`: live delivery of envelopes from their sender, each answered by an ack once
// the recipient has stored it. A sender keeps one stream per connection open and writes the next
// envelopes on it (answers come in request order); a stream that breaks is reopened and the
// unanswered envelope sent again, which the recipient deduplicates by envelope id. Runs on limited
// (relayed) connections too: envelopes are small.
import { DEFAULT_TIMEOUT_MS, DM_PROTOCOL, MAX_REQUEST_BYTES } from '../constants.ts'
import { verifyEnvelope } from '../crypto/envelope.ts'
import { bestConnection } from '../delivery/path.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { LENGTH_ERRORS, serve } from '../rpc/rpc.ts'
import { RequestStream } from '../rpc/request-stream.ts'
import { DirectRequest, DirectResponse } from '../wire/generated/messages.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/generated/messages.ts'
import { isPeerId } from '@libp2p/interface'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type EnvelopeHandler = (envelope: Envelope, header: EnvelopeHeader, connection: Connection) => Promise<void>

/** Envelopes written on one stream and not yet acked; more wait for a free slot. */
export const DM_MAX_IN_FLIGHT = 8
/**
 * DM streams one connection may hold open to us. A sender keeps one (plus one being replaced
 * after a break); older senders open one per envelope, one after another.
 */
export const DM_MAX_INBOUND_STREAMS = 8
/** An ack frame is a few bytes; anything near this is not an ack. */
const MAX_ACK_BYTES = 4096

export interface DirectMessagesInit {
  onEnvelope: EnvelopeHandler
  timeoutMs?: number
  maxInboundStreams?: number
  maxInFlight?: number
}

type DmStream = RequestStream<DirectRequest, DirectResponse>

export class DirectMessages {
  readonly #node: ChatNode
  readonly #init: DirectMessagesInit
  readonly #log: Logger
  readonly #timeoutMs: number
  /** The sender's open stream per connection id. */
  readonly #streams = new Map<string, { connection: Connection, stream: DmStream }>()
  /** Envelopes being stored now, by sender and id: a resent copy waits for the first one's outcome. */
  readonly #receiving = new Map<string, Promise<void>>()
  /** Counters for logs and tests: envelopes sent again on a reopened stream, copies that joined one being stored. */
  readonly stats = { resent: 0, joined: 0 }

  constructor (node: ChatNode, init: DirectMessagesInit) {
    this.#node = node
    this.#init = init
    this.#log = node.logger.forComponent('babacloud:dm')
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  async start (): Promise<void> {
    await this.#node.handle(DM_PROTOCOL, (stream, connection) => {
      // One request at a time per stream: frames a sender writes ahead wait in the muxer's
      // bounded window, and every read has its size limit and idle timeout.
      void serve<DirectRequest, DirectResponse>(stream, {
        request: DirectRequest,
        response: DirectResponse,
        maxRequestBytes: MAX_REQUEST_BYTES,
        timeoutMs: this.#timeoutMs,
        log: this.#log,
        errorResponse: error => ({ error }),
        handle: async req => {
          await this.#receive(req, connection)
          return {}
        }
      })
    }, { runOnLimitedConnection: true, maxInboundStreams: this.#init.maxInboundStreams ?? DM_MAX_INBOUND_STREAMS })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(DM_PROTOCOL)
    const open = [...this.#streams.values()]
    this.#streams.clear()
    await Promise.all(open.map(async ({ stream }) => { await stream.close() }))
  }

  async #receive (req: DirectRequest, connection: Connection): Promise<void> {
    if (req.envelope == null) throw new ProtocolError(ErrorCode.MALFORMED, 'request has no envelope')
    const header = verifyEnvelope(req.envelope)
    if (!header.to.equals(this.#node.peerId)) throw new ProtocolError(ErrorCode.WRONG_RECIPIENT, 'envelope is addressed to another peer')
    // Only the author delivers live: a third party replaying someone's envelope is refused.
    if (!header.from.equals(connection.remotePeer)) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'envelope sender is not the connected peer')
    const key = `${header.from.toString()}/${header.id}`
    const running = this.#receiving.get(key)
    // The same envelope resent on a new stream while the first copy is still being stored: its ack
    // must wait for that copy, and opening it twice at once would race the session state.
    if (running != null) {
      this.stats.joined++
      return await running
    }
    const receiving = this.#init.onEnvelope(req.envelope, header, connection).finally(() => { this.#receiving.delete(key) })
    this.#receiving.set(key, receiving)
    await receiving
  }

  /**
   * The open connection to the target peer on the best path: a relay without limits gives an
   * unlimited connection too, and it must not win over WebRTC. dial() would try for an unlimited
   * connection when only a relayed one exists, stalling a chat that works fine over the relay.
   */
  #openConnection (target: PeerId | Multiaddr | Multiaddr[]): Connection | undefined {
    if (Array.isArray(target) || !isPeerId(target)) return undefined
    return bestConnection(this.#node.getConnections(target))
  }

  /** The long-lived DM stream on `connection`; streams of closed connections are dropped. */
  #streamOn (connection: Connection): DmStream {
    const held = this.#streams.get(connection.id)
    if (held != null) return held.stream
    for (const [id, s] of this.#streams) {
      if (s.connection.status !== 'open') {
        this.#streams.delete(id)
        void s.stream.close().catch(() => {})
      }
    }
    const stream: DmStream = new RequestStream({
      node: { dialProtocol: async (_peer, protocol, options) => await connection.newStream(protocol, { ...options, runOnLimitedConnection: true }) },
      peer: connection.remotePeer,
      protocol: DM_PROTOCOL,
      timeoutMs: this.#timeoutMs,
      maxResponseBytes: MAX_ACK_BYTES
    }, { request: DirectRequest, response: DirectResponse }, { maxInFlight: this.#init.maxInFlight ?? DM_MAX_IN_FLIGHT })
    this.#streams.set(connection.id, { connection, stream })
    return stream
  }

  /**
   * Delivers an envelope and waits for the ack. Resolves with the connection used, so callers can
   * tell a direct path from a relayed one.
   */
  async send (target: PeerId | Multiaddr | Multiaddr[], envelope: Envelope, options: AbortOptions = {}): Promise<Connection> {
    const signal = options.signal ?? AbortSignal.timeout(this.#timeoutMs)
    const connection = this.#openConnection(target) ?? await this.#node.dial(target, { signal })
    const req: DirectRequest = { envelope }
    try {
      await this.#streamOn(connection).call(req, { signal })
    } catch (err) {
      // An answer (an error frame) is final, and so is the caller's deadline. Anything else broke
      // the stream under this envelope, perhaps after the recipient stored it: send it again on a
      // new stream; the recipient acks a copy it holds without storing it twice.
      if (ProtocolError.is(err) || signal.aborted || connection.status !== 'open') throw err
      if (LENGTH_ERRORS.has((err as Error).name)) throw new ProtocolError(ErrorCode.TOO_LARGE, `ack frame over ${MAX_ACK_BYTES} bytes`)
      this.#log('dm stream to %p broke, sending the envelope again - %e', connection.remotePeer, err)
      this.stats.resent++
      await this.#streamOn(connection).call(req, { signal })
    }
    return connection
  }
}
