// Length-prefixed protobuf request/response over libp2p streams. Every read is bounded in size and
// time; bad input is answered with a typed error frame instead of a silently dropped stream.
import { lpStream } from '@libp2p/utils'
import { ErrorCode, ProtocolError, errorMessage } from '../errors.ts'
import { deadline } from './deadline.ts'
import type { WireError } from '../wire/generated/messages.ts'
import type { AbortOptions, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Codec<T> {
  encode(value: T): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList): T
}

export interface RequestOptions extends AbortOptions {
  /** Largest response frame accepted. */
  maxResponseBytes: number
}

/** Sends one request on a fresh stream and reads one response; closes the stream either way. */
export async function request<Req, Res> (stream: Stream, req: Req, codecs: { request: Codec<Req>, response: Codec<Res> }, options: RequestOptions): Promise<Res> {
  const lp = lpStream(stream, { maxDataLength: options.maxResponseBytes })
  try {
    await lp.write(codecs.request.encode(req), options)
    const bytes = await lp.read(options)
    const res = decodeFrame(codecs.response, bytes)
    await stream.close(options).catch(() => {})
    return res
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    // A timeout or an abort is what it is (TimeoutError / AbortError), not the peer's internal error:
    // callers retry the one and stop on the other.
    if (options.signal?.aborted === true) throw options.signal.reason
    throw err
  }
}

export interface CallTarget {
  node: Pick<Libp2p, 'dialProtocol'>
  peer: PeerId | Multiaddr | Multiaddr[]
  protocol: string
  /** Used when the caller passes no signal. */
  timeoutMs: number
  maxResponseBytes: number
}

/**
 * One request to `target` on a fresh stream: dial, send, read the answer; an `error` in the answer
 * is thrown as a ProtocolError. The shared core of every client of a request/response protocol.
 */
export async function call<Req, Res extends { error?: WireError }> (target: CallTarget, req: Req, codecs: { request: Codec<Req>, response: Codec<Res> }, options: AbortOptions = {}): Promise<Res> {
  const signal = options.signal ?? AbortSignal.timeout(target.timeoutMs)
  const stream = await target.node.dialProtocol(target.peer, target.protocol, { signal })
  const res = await request<Req, Res>(stream, req, codecs, { signal, maxResponseBytes: target.maxResponseBytes })
  throwIfError(res.error)
  return res
}

/** Decodes a frame, turning decoder failures (protons throws RangeError on truncation) into MALFORMED. */
export function decodeFrame<T> (codec: Codec<T>, bytes: Uint8Array | Uint8ArrayList): T {
  try {
    return codec.decode(bytes)
  } catch (err) {
    throw new ProtocolError(ErrorCode.MALFORMED, `malformed frame: ${errorMessage(err)}`)
  }
}

/** Turns an `error` field of a response into a thrown ProtocolError. */
export function throwIfError (error: WireError | undefined): void {
  if (error != null) throw new ProtocolError(error.code, error.message)
}

export interface ServeOptions<Req, Res> {
  request: Codec<Req>
  response: Codec<Res>
  maxRequestBytes: number
  /** How long a peer may stay silent between requests, and the bound on writing a response. */
  timeoutMs: number
  handle(req: Req, options: AbortOptions): Promise<Res>
  /** Runs before each request is decoded; throw a ProtocolError (e.g. RATE_LIMITED) to refuse it. */
  admit?(): void
  errorResponse(error: WireError): Res
  log?: Logger
  /**
   * Requests of one stream handled at once (default 1: each read after the previous answer). With
   * more, the next frames are read and handled while earlier ones are still being handled (a
   * client's pipelined deposits join one group commit); answers still go out in request order,
   * each only after its own handler finished. Bounds the frames held per stream.
   */
  pipeline?: number
}

/** An answer being prepared, in request order; `done` once its handler finished. */
interface Answer<Res> {
  promise: Promise<Res>
  done: boolean
  value: Res | undefined
}

/** Answers written together at most (each still within the peer's frame size limit). */
const MAX_ANSWERS_PER_WRITE = 64

export const LENGTH_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'])

/**
 * Serves requests on an inbound stream until the peer closes it. A bad frame gets an error response;
 * an oversize one also ends the stream (its body is never read). Handler failures that are not
 * ProtocolErrors are answered INTERNAL without leaking details.
 */
export async function serve<Req, Res> (stream: Stream, options: ServeOptions<Req, Res>): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: options.maxRequestBytes })
  // Every handling and answer has its own deadline, dropped when it is done (deadline.ts).
  const bounded = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const limit = deadline(options.timeoutMs)
    try {
      return await work(limit.signal)
    } finally {
      limit.clear()
    }
  }
  const depth = Math.max(1, Math.floor(options.pipeline ?? 1))
  const answer = async (bytes: Uint8ArrayList): Promise<Res> => {
    try {
      options.admit?.()
      const req = decodeFrame(options.request, bytes)
      return await bounded(async signal => await options.handle(req, { signal }))
    } catch (err) {
      if (ProtocolError.is(err)) return options.errorResponse({ code: err.code, message: err.message })
      options.log?.error('request failed - %e', err)
      return options.errorResponse({ code: ErrorCode.INTERNAL, message: 'internal error' })
    }
  }
  // Answers in request order; the reader waits for a free slot, the writer for the oldest answer.
  const answers: Array<Answer<Res>> = []
  let wake: (() => void) | undefined
  const notify = (): void => { const w = wake; wake = undefined; w?.() }
  const changed = async (): Promise<void> => { await new Promise<void>(resolve => { wake = resolve }) }
  let reading = true
  let failure: unknown
  // The peer's silence counts only while it has no answer due: from the last answer written (or
  // the read's start when none is pending), as it did when each read followed the previous answer.
  let pendingRead: AbortController | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  const armIdle = (): void => {
    const read = pendingRead
    if (read === undefined || answers.length > 0 || idleTimer !== undefined) return
    idleTimer = setTimeout(() => { read.abort(new DOMException('no request within the read timeout', 'TimeoutError')) }, options.timeoutMs)
    // A waiting stream must not keep a process alive (as AbortSignal.timeout's timers do not).
    ;(idleTimer as { unref?: () => void }).unref?.()
  }
  const reader = async (): Promise<void> => {
    try {
      while (true) {
        while (answers.length >= depth) await changed()
        let bytes: Uint8ArrayList
        pendingRead = new AbortController()
        armIdle()
        try {
          bytes = await lp.read({ signal: pendingRead.signal })
        } catch (err) {
          const name = (err as Error).name
          if (name === 'UnexpectedEOFError') return
          if (LENGTH_ERRORS.has(name)) {
            const value = options.errorResponse({ code: ErrorCode.TOO_LARGE, message: `frame over ${options.maxRequestBytes} bytes` })
            answers.push({ done: true, value, promise: Promise.resolve(value) })
            return
          }
          throw err
        } finally {
          clearTimeout(idleTimer)
          idleTimer = undefined
          pendingRead = undefined
        }
        const slot: Answer<Res> = { done: false, value: undefined, promise: undefined as unknown as Promise<Res> }
        slot.promise = answer(bytes).then(value => { slot.value = value; slot.done = true; return value })
        answers.push(slot)
        notify()
      }
    } catch (err) {
      failure = err
    } finally {
      reading = false
      notify()
    }
  }
  const readerDone = reader()
  try {
    while (true) {
      while (answers.length === 0 && reading) await changed()
      if (failure !== undefined) throw failure
      const next = answers[0]
      if (next === undefined) break
      await next.promise
      // The answers behind it that are ready too go out in the same write: one muxer frame (and
      // one window update back) instead of one per answer, e.g. a group commit's deposits.
      const frames: Uint8Array[] = []
      while (frames.length < answers.length && frames.length < MAX_ANSWERS_PER_WRITE) {
        const ready = answers[frames.length]
        if (!ready.done) break
        frames.push(options.response.encode(ready.value as Res))
      }
      await bounded(async signal => { await (frames.length === 1 ? lp.write(frames[0], { signal }) : lp.writeV(frames, { signal })) })
      answers.splice(0, frames.length)
      armIdle()
      notify()
    }
    await readerDone
    await stream.close({ signal: AbortSignal.timeout(options.timeoutMs) })
  } catch (err) {
    options.log?.('stream ended with error - %e', err)
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}
