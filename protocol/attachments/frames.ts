// Frame helpers shared by the direct transfer and the blob protocol: bounded reads with an idle
// timeout, typed errors on the wire and back.
import { lpStream } from '@libp2p/utils'
import { ErrorCode, ProtocolError, errorMessage } from '../errors.ts'
import { AttachmentError, AttachmentErrorCode, IDLE_TIMEOUT_MS, MAX_CHUNK_FRAME } from './constants.ts'
import { Chunk } from './generated/wire.ts'
import type { TransferError } from './generated/wire.ts'
import type { AbortOptions, Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

export type FrameStream = LengthPrefixedStream<Stream>

/** Every frame on these protocols fits in one chunk frame; requests are far smaller. */
export function frameStream (stream: Stream): FrameStream {
  return lpStream(stream, { maxDataLength: MAX_CHUNK_FRAME })
}

/** The caller's signal (whole transfer) combined with a fresh idle timeout (this frame). */
export function frameSignal (options: AbortOptions, idleMs = IDLE_TIMEOUT_MS): AbortSignal {
  const idle = AbortSignal.timeout(idleMs)
  return options.signal == null ? idle : AbortSignal.any([options.signal, idle])
}

export async function readFrame<T> (lp: FrameStream, decode: (bytes: Uint8ArrayList) => T, options: AbortOptions, idleMs?: number): Promise<T> {
  const signal = frameSignal(options, idleMs)
  let bytes: Uint8ArrayList
  try {
    bytes = await lp.read({ signal })
  } catch (err) {
    if (signal.aborted && options.signal?.aborted !== true) throw new AttachmentError(AttachmentErrorCode.TIMEOUT, 'the peer went silent during an attachment transfer', { cause: err })
    if (['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'].includes((err as Error).name)) {
      throw new ProtocolError(ErrorCode.TOO_LARGE, `frame over ${MAX_CHUNK_FRAME} bytes`)
    }
    throw err
  }
  try {
    return decode(bytes)
  } catch (err) {
    throw new ProtocolError(ErrorCode.MALFORMED, `malformed frame: ${errorMessage(err)}`)
  }
}

export async function writeFrame (lp: FrameStream, bytes: Uint8Array, options: AbortOptions): Promise<void> {
  await lp.write(bytes, { signal: frameSignal(options) })
}

/** Reads `count` chunk frames in order; the consumer checks indexes and contents. */
export async function * readChunks (lp: FrameStream, count: number, options: AbortOptions): AsyncGenerator<Chunk> {
  for (let i = 0; i < count; i++) {
    yield await readFrame(lp, bytes => Chunk.decode(bytes), options)
  }
}

const ATTACHMENT_CODES = new Set<string>(Object.values(AttachmentErrorCode))
const WIRE_CODES = new Set<unknown>(Object.values(ErrorCode).filter(v => typeof v === 'string'))

/** What we tell the peer: our typed code and message, never internals of other failures. */
export function toTransferError (err: unknown): TransferError {
  if (AttachmentError.is(err) || ProtocolError.is(err)) return { code: err.code, message: err.message }
  return { code: ErrorCode.INTERNAL, message: 'internal error' }
}

/** Turns a peer's error frame back into the typed error it stands for. */
export function throwIfTransferError (error: TransferError | undefined): void {
  if (error == null) return
  // Codes both enums share (TOO_LARGE, MALFORMED) come back as ProtocolError, like every refusal on the wire.
  if (WIRE_CODES.has(error.code)) throw new ProtocolError(error.code as ErrorCode, error.message)
  if (ATTACHMENT_CODES.has(error.code)) throw new AttachmentError(error.code as AttachmentErrorCode, error.message)
  throw new ProtocolError(ErrorCode.UNKNOWN, error.message)
}

/** Ends a stream after a failure without letting the abort itself throw. */
export function abortStream (stream: Stream, err: unknown): void {
  try {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  } catch {}
}
