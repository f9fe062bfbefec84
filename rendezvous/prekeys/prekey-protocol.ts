// Server side of `/babacloud/prekeys/1.0.0`: decodes requests, calls PrekeyService for the
// connection's authenticated PeerId, encodes answers.
import { DEFAULT_TIMEOUT_MS, MAX_REQUEST_BYTES, PREKEYS_PROTOCOL } from '../../protocol/constants.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { serve } from '../../protocol/rpc/rpc.ts'
import { PrekeyRequest, PrekeyResponse } from '../../protocol/wire/generated/messages.ts'
import type { PrekeyService } from './prekey-service.ts'
import type { PrekeyCounts } from './prekey-store.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import { requesterOf } from '../limits/requester.ts'
import type { Requester } from '../limits/request-limiter.ts'
import type { Connection, Logger } from '@libp2p/interface'

const empty = (): PrekeyResponse => ({ bundle: new Uint8Array(0), oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })

const withCounts = (c: PrekeyCounts): PrekeyResponse => ({ ...empty(), oneTimeRemaining: c.oneTime, pqOneTimeRemaining: c.pqOneTime, hasBundle: c.hasBundle })

export class PrekeyProtocol {
  readonly #node: ChatNode
  readonly #service: PrekeyService
  readonly #metrics?: RendezvousMetrics
  readonly #log: Logger
  readonly #requester: (connection: Connection) => Requester

  /** `requester`: who a connection is for the fetch limits (its PeerId and non-loopback network by default). */
  constructor (node: ChatNode, service: PrekeyService, metrics?: RendezvousMetrics, requester: (connection: Connection) => Requester = requesterOf) {
    this.#node = node
    this.#requester = requester
    this.#service = service
    this.#metrics = metrics
    this.#log = node.logger.forComponent('babacloud:prekeys')
  }

  async start (): Promise<void> {
    const limits = this.#service.limits
    // Repeated fields are bounded while decoding, before anything proportional to them is allocated.
    const request = {
      encode: PrekeyRequest.encode,
      decode: (bytes: Parameters<typeof PrekeyRequest.decode>[0]) => PrekeyRequest.decode(bytes, {
        limits: { oneTimePrekeys: limits.maxOneTimePerPublish, pqOneTimePrekeys: limits.maxPqOneTimePerPublish }
      })
    }
    await this.#node.handle(PREKEYS_PROTOCOL, (stream, connection) => {
      void serve<PrekeyRequest, PrekeyResponse>(stream, {
        request,
        response: PrekeyResponse,
        maxRequestBytes: MAX_REQUEST_BYTES,
        timeoutMs: DEFAULT_TIMEOUT_MS,
        log: this.#log,
        errorResponse: error => {
          this.#metrics?.requests.inc({ protocol: 'prekeys', type: 'any', outcome: error.code })
          return { ...empty(), error }
        },
        handle: async req => {
          const res = await this.#handle(req, connection)
          this.#metrics?.requests.inc({ protocol: 'prekeys', type: req.type, outcome: 'ok' })
          return res
        }
      })
    }, { maxInboundStreams: 16 })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(PREKEYS_PROTOCOL)
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
      default: throw new ProtocolError(ErrorCode.MALFORMED, 'unknown prekey request type')
    }
  }
}
