// Many request/response exchanges on one long-lived libp2p stream, instead of a new stream (dial,
// protocol negotiation, close) per request. Requests may be pipelined: frames are written in call
// order and answers read in the same order, as a server using `serve` answers them. Every read keeps
// its frame size limit and the request's own timeout.
import { lpStream } from '@libp2p/utils'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { deadline } from './deadline.ts'
import { decodeFrame, throwIfError } from './rpc.ts'
import type { CallTarget, Codec } from './rpc.ts'
import type { WireError } from '../wire/generated/messages.ts'
import type { AbortOptions, Stream } from '@libp2p/interface'

/** Requests written on one stream and not yet answered; more wait for a free slot. */
export const DEFAULT_MAX_IN_FLIGHT = 8

export interface RequestStreamOptions {
  /**
   * A stream idle this long is closed by this end, before the server's own idle timeout (the
   * server's `timeoutMs`) can cut it under a request being written. Half the call timeout by default.
   */
  idleMs?: number
  maxInFlight?: number
}

interface OpenStream {
  stream: Stream
  lp: ReturnType<typeof lpStream>
  /** The last write and the last read queued on this stream: the next ones chain behind them. */
  written: Promise<void>
  read: Promise<void>
  /** Frames of calls made in this turn, not yet handed to the stream: they go in one write. */
  batch?: { frames: Uint8Array[], written: Promise<void> }
  inFlight: number
  broken: boolean
}

/**
 * A client's one stream to a request/response protocol, opened on first use and reopened after it
 * broke or idled out. A failure (timeout, reset, bad frame) aborts the stream: the requests queued
 * on it fail too, since their answers can no longer be matched, and the next call opens a new one.
 * Requests are never retried here: a deposit whose answer was lost may have been stored.
 */
export class RequestStream<Req, Res extends { error?: WireError }> {
  readonly #target: CallTarget
  readonly #codecs: { request: Codec<Req>, response: Codec<Res> }
  readonly #idleMs: number
  readonly #maxInFlight: number
  #current?: Promise<OpenStream>
  #idleTimer?: ReturnType<typeof setTimeout>
  #waiting: Array<() => void> = []
  #closed = false

  constructor (target: CallTarget, codecs: { request: Codec<Req>, response: Codec<Res> }, options: RequestStreamOptions = {}) {
    this.#target = target
    this.#codecs = codecs
    this.#idleMs = options.idleMs ?? Math.floor(target.timeoutMs / 2)
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  }

  /** Sends one request and resolves with its answer; an `error` in the answer is thrown. */
  async call (req: Req, options: AbortOptions = {}): Promise<Res> {
    if (this.#closed) throw new ProtocolError(ErrorCode.INTERNAL, 'request stream is closed')
    if (options.signal != null) return await this.#call(req, options.signal)
    // Dropped once answered, instead of AbortSignal.timeout's timer living out its full term.
    const own = deadline(this.#target.timeoutMs)
    try {
      return await this.#call(req, own.signal)
    } finally {
      own.clear()
    }
  }

  async #call (req: Req, signal: AbortSignal): Promise<Res> {
    clearTimeout(this.#idleTimer)
    let open: OpenStream
    try {
      open = await this.#slot(signal)
    } catch (err) {
      // A timeout is reported the same way whether it hit while opening the stream or reading.
      if (signal.aborted) throw new ProtocolError(ErrorCode.INTERNAL, 'request timed out or was aborted')
      throw err
    }
    const write = this.#write(open, this.#codecs.request.encode(req), signal)
    const read = open.read.then(async () => {
      await write
      return await open.lp.read({ signal })
    })
    open.read = read.then(() => {}, () => {})
    try {
      let frame: Awaited<typeof read>
      try {
        frame = await read
      } catch (err) {
        // Without this answer the stream is out of step: later answers could not be matched.
        this.#break(open, err)
        if (signal.aborted) throw new ProtocolError(ErrorCode.INTERNAL, 'request timed out or was aborted')
        throw err
      }
      const res = decodeFrame(this.#codecs.response, frame)
      throwIfError(res.error)
      return res
    } finally {
      open.inFlight--
      this.#waiting.shift()?.()
      if (open.inFlight === 0 && !open.broken) this.#armIdle(open)
    }
  }

  /**
   * Queues a request frame behind the ones before it. Calls made in the same turn (a sender's
   * queued deposits, the next requests once a batch of answers is in) share one write, so one muxer
   * frame instead of one each; the first of them bounds the wait for the stream to drain.
   */
  #write (open: OpenStream, frame: Uint8Array, signal: AbortSignal): Promise<void> {
    if (open.batch != null) {
      open.batch.frames.push(frame)
      return open.batch.written
    }
    const frames = [frame]
    const written = open.written.then(async () => {
      if (open.batch?.frames === frames) open.batch = undefined
      await (frames.length === 1 ? open.lp.write(frames[0], { signal }) : open.lp.writeV(frames, { signal }))
    })
    open.batch = { frames, written }
    open.written = written.catch(() => {})
    return written
  }

  /** Closes the stream (flushing what was written); later calls fail. */
  async close (options: AbortOptions = {}): Promise<void> {
    this.#closed = true
    clearTimeout(this.#idleTimer)
    const current = this.#current
    this.#current = undefined
    if (current == null) return
    const open = await current.catch(() => undefined)
    await open?.stream.close({ signal: options.signal ?? AbortSignal.timeout(this.#target.timeoutMs) }).catch(() => { open.stream.abort(new Error('closed')) })
  }

  /** A stream with room for one more request, opened (or reopened) as needed. */
  async #slot (signal: AbortSignal): Promise<OpenStream> {
    while (true) {
      const open = await this.#stream(signal)
      if (open.inFlight < this.#maxInFlight) {
        open.inFlight++
        return open
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { reject(new ProtocolError(ErrorCode.INTERNAL, 'request timed out or was aborted')) }
        signal.addEventListener('abort', onAbort, { once: true })
        this.#waiting.push(() => { signal.removeEventListener('abort', onAbort); resolve() })
      })
    }
  }

  async #stream (signal: AbortSignal): Promise<OpenStream> {
    const current = this.#current == null ? undefined : await this.#current.catch(() => undefined)
    if (current != null && !current.broken && current.stream.status === 'open' && current.stream.writeStatus === 'writable') return current
    const opening = (async (): Promise<OpenStream> => {
      let stream: Stream
      try {
        stream = await this.#target.node.dialProtocol(this.#target.peer, this.#target.protocol, { signal })
      } catch (err) {
        // Nothing was sent on a stream that failed to open, so one more try is safe for any
        // request (e.g. the connection under it was closed while negotiating); within the same signal.
        if (signal.aborted) throw err
        stream = await this.#target.node.dialProtocol(this.#target.peer, this.#target.protocol, { signal })
      }
      const lp = lpStream(stream, { maxDataLength: this.#target.maxResponseBytes })
      return { stream, lp, written: Promise.resolve(), read: Promise.resolve(), inFlight: 0, broken: false }
    })()
    this.#current = opening
    try {
      return await opening
    } catch (err) {
      if (this.#current === opening) this.#current = undefined
      throw err
    }
  }

  #break (open: OpenStream, err: unknown): void {
    if (open.broken) return
    open.broken = true
    open.stream.abort(err instanceof Error ? err : new Error(String(err)))
    // Waiters get a fresh stream.
    for (const wake of this.#waiting.splice(0)) wake()
  }

  #armIdle (open: OpenStream): void {
    clearTimeout(this.#idleTimer)
    this.#idleTimer = setTimeout(() => {
      if (open.inFlight > 0 || open.broken) return
      open.broken = true
      void open.stream.close({ signal: AbortSignal.timeout(this.#target.timeoutMs) }).catch(() => { open.stream.abort(new Error('idle')) })
    }, this.#idleMs)
    // An idle stream must not keep a process alive.
    ;(this.#idleTimer as { unref?: () => void }).unref?.()
  }
}
