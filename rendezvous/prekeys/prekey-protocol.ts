// Server side of `/babacloud/prekeys/1.0.0`: decodes requests, calls PrekeyService for the
// connection's authenticated PeerId, encodes answers.
import { DEFAULT_TIMEOUT_MS, MAX_REQUEST_BYTES, PREKEYS_PROTOCOL } from '../../protocol/constants.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { PrekeyRequest, PrekeyResponse } from '../../protocol/wire/generated/messages.ts'
import type { PrekeyService } from './prekey-service.ts'
import type { PrekeyCounts } from './prekey-store.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import { requesterOf } from '../limits/requester.ts'
import { rpcServer } from '../protocol-server.ts'
import type { ProtocolServer } from '../protocol-server.ts'
import type { Requester } from '../limits/request-limiter.ts'
import type { Connection } from '@libp2p/interface'

const empty = (): PrekeyResponse => ({ bundle: new Uint8Array(0), oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })

const withCounts = (c: PrekeyCounts): PrekeyResponse => ({ ...empty(), oneTimeRemaining: c.oneTime, pqOneTimeRemaining: c.pqOneTime, hasBundle: c.hasBundle })

export class PrekeyProtocol {
  readonly #service: PrekeyService
  readonly #requester: (connection: Connection) => Requester
  readonly #server: ProtocolServer

  /** `requester`: who a connection is for the fetch limits (its PeerId and non-loopback network by default). */
  constructor (node: ChatNode, service: PrekeyService, metrics?: RendezvousMetrics, requester: (connection: Connection) => Requester = requesterOf) {
    this.#requester = requester
    this.#service = service
    const limits = service.limits
    this.#server = rpcServer<PrekeyRequest, PrekeyResponse>({
      node,
      protocol: PREKEYS_PROTOCOL,
      label: 'prekeys',
      log: node.logger.forComponent('babacloud:prekeys'),
      maxInboundStreams: 16,
      metrics,
      // Repeated fields are bounded while decoding, before anything proportional to them is allocated.
      request: {
        encode: PrekeyRequest.encode,
        decode: bytes => PrekeyRequest.decode(bytes, {
          limits: { oneTimePrekeys: limits.maxOneTimePerPublish, pqOneTimePrekeys: limits.maxPqOneTimePerPublish }
        })
      },
      response: PrekeyResponse,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      errorType: 'any',
      typeOf: req => req.type,
      errorResponse: error => ({ ...empty(), error }),
      handle: async (req, connection) => await this.#handle(req, connection)
    })
  }

  async start (): Promise<void> {
    await this.#server.start()
  }

  async stop (): Promise<void> {
    await this.#server.stop()
  }

  async #handle (req: PrekeyRequest, connection: Connection): Promise<PrekeyResponse> {
    const peer = connection.remotePeer
    switch (req.type) {
      case PrekeyRequest.Type.PUBLISH:
        return withCounts(await this.#service.publish(peer, {
          signedPrekey: req.signedPrekey,
          pqLastResort: req.pqLastResort,
          oneTime: req.oneTimePrekeys,
          pqOneTime: req.pqOneTimePrekeys,
          replaceOneTime: req.replaceOneTime
        }))
      case PrekeyRequest.Type.FETCH:
        return { ...empty(), bundle: await this.#service.fetch(peer, req.peerId, this.#requester(connection).network) as Uint8Array<ArrayBuffer> }
      case PrekeyRequest.Type.STATUS:
        return withCounts(await this.#service.status(peer))
      case PrekeyRequest.Type.WITHDRAW:
        // The caller's own keys only (the connection's PeerId): a device leaving this node.
        await this.#service.deleteDevice(peer.toString())
        return withCounts(await this.#service.status(peer))
      default: throw new ProtocolError(ErrorCode.MALFORMED, 'unknown prekey request type')
    }
  }
}
