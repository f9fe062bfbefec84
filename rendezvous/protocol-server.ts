// One shape for the node's request/response protocols (mailbox, prekeys, account, blob): the
// handler registration and its inbound stream bound, framing with a size limit and a timeout on
// every read, the per-requester rate limit, the request counter and the mapping of failures to typed
// error frames live here once; each service keeps only what its requests mean.
import { abortStream, frameStream, readFrame, toTransferError, writeFrame } from '../protocol/attachments/frames.ts'
import { ErrorCode } from '../protocol/errors.ts'
import { serve } from '../protocol/rpc/rpc.ts'
import { requesterOf } from './limits/requester.ts'
import type { FrameStream } from '../protocol/attachments/frames.ts'
import type { ChatNode } from '../protocol/mesh/create-node.ts'
import type { Codec } from '../protocol/rpc/rpc.ts'
import type { TransferError } from '../protocol/attachments/generated/wire.ts'
import type { WireError } from '../protocol/wire/generated/messages.ts'
import type { Requester, RequestLimiter } from './limits/request-limiter.ts'
import type { RendezvousMetrics } from './metrics.ts'
import type { AbortOptions, Connection, Logger, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ProtocolServerInit {
  node: ChatNode
  protocol: string
  /** The `protocol` label on babacloud_requests_total. */
  label: string
  log: Logger
  /** Concurrent inbound streams per connection on this protocol. */
  maxInboundStreams: number
  metrics?: RendezvousMetrics
  /** Requests per peer and network; refused with RATE_LIMITED beyond it (it counts its own hits). */
  rateLimit?: RequestLimiter
  /** Who a connection is for `rateLimit`; its PeerId and non-loopback network by default. */
  requester?: (connection: Connection) => Requester
  /** What `rateLimit` counts, for its refusal message ("mailbox requests"). */
  rateLimitWhat?: string
}

/** One request, one response, any number of them on one stream (protocol/rpc `serve`). */
export interface RpcServerInit<Req, Res, S = undefined> extends ProtocolServerInit {
  request: Codec<Req>
  response: Codec<Res>
  maxRequestBytes: number
  /** Idle time allowed between requests, and the bound on handling and answering one. */
  timeoutMs: number
  /** The `type` label of refused requests (their type may be unknown: refused before decoding). */
  errorType: string
  typeOf(req: Req): string
  errorResponse(error: WireError): Res
  /** Requests of one stream handled at once (serve's `pipeline`; default 1). */
  pipeline?: number
  /** State shared by the requests of one stream (e.g. the order of pipelined requests). */
  openStream?(): S
  handle(req: Req, connection: Connection, options: AbortOptions, stream: S): Promise<Res>
}

/**
 * A request opens an exchange of several frames on the stream (the blob protocol's uploads and
 * downloads). Every frame is bounded by MAX_CHUNK_FRAME and the idle timeout; after a refusal the
 * stream's state is unknown (chunks may be in flight), so the error frame ends it.
 */
export interface SessionServerInit<Req> extends ProtocolServerInit {
  decode(bytes: Uint8ArrayList): Req
  typeOf(req: Req): string
  errorFrame(error: TransferError): Uint8Array
  handle(req: Req, frames: FrameStream, connection: Connection): Promise<void>
}

/** Starts and stops one protocol handler; build it with `rpcServer` or `sessionServer`. */
export class ProtocolServer {
  readonly #init: ProtocolServerInit
  readonly #serve: (stream: Stream, connection: Connection) => Promise<void>

  constructor (init: ProtocolServerInit, serveStream: (stream: Stream, connection: Connection) => Promise<void>) {
    this.#init = init
    this.#serve = serveStream
  }

  async start (): Promise<void> {
    await this.#init.node.handle(this.#init.protocol, (stream, connection) => { void this.#serve(stream, connection) },
      { maxInboundStreams: this.#init.maxInboundStreams })
  }

  async stop (): Promise<void> {
    await this.#init.node.unhandle(this.#init.protocol)
  }
}

function counter (init: ProtocolServerInit): (type: string, outcome: string) => void {
  return (type, outcome) => { init.metrics?.requests.inc({ protocol: init.label, type, outcome }) }
}

function admitter (init: ProtocolServerInit): (connection: Connection) => void {
  return connection => {
    init.rateLimit?.admit((init.requester ?? requesterOf)(connection), init.rateLimitWhat ?? `${init.label} requests`)
  }
}

export function rpcServer<Req, Res, S = undefined> (init: RpcServerInit<Req, Res, S>): ProtocolServer {
  const count = counter(init)
  const admit = admitter(init)
  return new ProtocolServer(init, async (stream, connection) => {
    const state = init.openStream?.() as S
    await serve<Req, Res>(stream, {
      request: init.request,
      response: init.response,
      maxRequestBytes: init.maxRequestBytes,
      timeoutMs: init.timeoutMs,
      log: init.log,
      pipeline: init.pipeline,
      admit: () => { admit(connection) },
      errorResponse: error => {
        count(init.errorType, error.code)
        return init.errorResponse(error)
      },
      handle: async (req, options) => {
        const res = await init.handle(req, connection, options, state)
        count(init.typeOf(req), 'ok')
        return res
      }
    })
  })
}

export function sessionServer<Req> (init: SessionServerInit<Req>): ProtocolServer {
  const count = counter(init)
  const admit = admitter(init)
  return new ProtocolServer(init, async (stream, connection) => {
    const frames = frameStream(stream)
    try {
      while (true) {
        let type = 'invalid'
        try {
          const req = await readFrame(frames, init.decode, {})
          type = init.typeOf(req)
          admit(connection)
          await init.handle(req, frames, connection)
          count(type, 'ok')
        } catch (err) {
          if ((err as Error).name === 'UnexpectedEOFError') break
          const error = toTransferError(err)
          count(type, error.code)
          if (error.code === ErrorCode.INTERNAL) init.log.error('%s request failed - %e', init.label, err)
          await writeFrame(frames, init.errorFrame(error), {})
          break
        }
      }
      await stream.close({ signal: AbortSignal.timeout(5_000) })
    } catch (err) {
      init.log('%s stream from %p ended with error - %e', init.label, connection.remotePeer, err)
      abortStream(stream, err)
    }
  })
}
