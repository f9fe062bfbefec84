// `/babacloud/dm/1.0.0`: live delivery of one envelope from its sender, answered by an ack once the
// recipient has stored it. Runs on limited (relayed) connections too: envelopes are small.
import { DEFAULT_TIMEOUT_MS, DM_PROTOCOL, MAX_REQUEST_BYTES } from '../constants.ts'
import { verifyEnvelope } from '../crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { request, serve, throwIfError } from '../rpc/rpc.ts'
import { DirectRequest, DirectResponse } from '../wire/generated/messages.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/generated/messages.ts'
import { isPeerId } from '@libp2p/interface'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type EnvelopeHandler = (envelope: Envelope, header: EnvelopeHeader, connection: Connection) => Promise<void>

export interface DirectMessagesInit {
  onEnvelope: EnvelopeHandler
  timeoutMs?: number
  maxInboundStreams?: number
}

export class DirectMessages {
  readonly #node: ChatNode
  readonly #init: DirectMessagesInit
  readonly #log: Logger

  constructor (node: ChatNode, init: DirectMessagesInit) {
    this.#node = node
    this.#init = init
    this.#log = node.logger.forComponent('babacloud:dm')
  }

  async start (): Promise<void> {
    await this.#node.handle(DM_PROTOCOL, (stream, connection) => {
      void serve<DirectRequest, DirectResponse>(stream, {
        request: DirectRequest,
        response: DirectResponse,
        maxRequestBytes: MAX_REQUEST_BYTES,
        timeoutMs: this.#init.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        log: this.#log,
        errorResponse: error => ({ error }),
        handle: async req => {
          await this.#receive(req, connection)
          return {}
        }
      })
    }, { runOnLimitedConnection: true, maxInboundStreams: this.#init.maxInboundStreams ?? 64 })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(DM_PROTOCOL)
  }

  async #receive (req: DirectRequest, connection: Connection): Promise<void> {
    if (req.envelope == null) throw new ProtocolError(ErrorCode.MALFORMED, 'request has no envelope')
    const header = verifyEnvelope(req.envelope)
    if (!header.to.equals(this.#node.peerId)) throw new ProtocolError(ErrorCode.WRONG_RECIPIENT, 'envelope is addressed to another peer')
    // Only the author delivers live: a third party replaying someone's envelope is refused.
    if (!header.from.equals(connection.remotePeer)) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'envelope sender is not the connected peer')
    await this.#init.onEnvelope(req.envelope, header, connection)
  }

  /**
   * An open connection to the target peer, direct ones first. dial() would try for an unlimited
   * connection when only a relayed one exists, stalling a chat that works fine over the relay.
   */
  #openConnection (target: PeerId | Multiaddr | Multiaddr[]): Connection | undefined {
    if (Array.isArray(target) || !isPeerId(target)) return undefined
    const open = this.#node.getConnections(target).filter(c => c.status === 'open')
    return open.find(c => c.limits == null) ?? open[0]
  }

  /**
   * Delivers an envelope and waits for the ack. Resolves with the connection used, so callers can
   * tell a direct path from a relayed one.
   */
  async send (target: PeerId | Multiaddr | Multiaddr[], envelope: Envelope, options: AbortOptions = {}): Promise<Connection> {
    const signal = options.signal ?? AbortSignal.timeout(this.#init.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const connection = this.#openConnection(target) ?? await this.#node.dial(target, { signal })
    const stream = await connection.newStream(DM_PROTOCOL, { signal, runOnLimitedConnection: true })
    const res = await request<DirectRequest, DirectResponse>(stream, { envelope }, { request: DirectRequest, response: DirectResponse }, { signal, maxResponseBytes: 4096 })
    throwIfError(res.error)
    return connection
  }
}
