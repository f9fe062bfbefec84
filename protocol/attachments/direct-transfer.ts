// `/babacloud/attachment/1.0.0`: the sender pushes an attachment's ciphertext straight to the
// recipient after the E2EE offer was delivered live. The recipient answers with one verdict frame;
// the sender listens for it while still sending, so a refusal or a failed chunk stops it early.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { ATTACHMENT_PROTOCOL, MAX_CONTROL_FRAME } from './constants.ts'
import { abortStream, frameStream, readChunks, readFrame, throwIfTransferError, toTransferError, writeFrame } from './frames.ts'
import { Chunk, TransferHeader, TransferResult } from './generated/wire.ts'
import type { SealedAttachment } from './cipher.ts'
import type { TransferOptions } from './blob-client.ts'
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'

/** Consumes the chunks of an accepted transfer; throws to refuse or reject them. */
export type ChunkConsumer = (chunks: AsyncIterable<Chunk>) => Promise<void>

/** Looks up the offer a transfer belongs to; throws a typed error when there is none. */
export type AcceptTransfer = (from: PeerId, header: TransferHeader) => ChunkConsumer

/**
 * Opens the transfer stream before the offer is sent: if the recipient does not serve the
 * protocol (offline, or an old client), the sender goes to the rendezvous without a stale offer.
 */
export async function openDirect (connection: Connection, options: AbortOptions = {}): Promise<Stream> {
  return await connection.newStream(ATTACHMENT_PROTOCOL, { signal: options.signal ?? AbortSignal.timeout(10_000), runOnLimitedConnection: true })
}

/** Sends the ciphertext on a stream from openDirect and waits for the recipient's verdict. */
export async function pushDirect (stream: Stream, sealed: SealedAttachment, options: TransferOptions = {}): Promise<void> {
  const signal = options.signal ?? AbortSignal.timeout(60_000)
  const lp = frameStream(stream)
  const total = sealed.ciphertext.reduce((n, c) => n + c.length, 0)
  try {
    await writeFrame(lp, TransferHeader.encode({ id: sealed.id as Uint8Array<ArrayBuffer>, size: BigInt(total), chunks: sealed.chunks }), { signal })
    // Only the overall signal bounds the verdict: it comes after the last chunk is stored.
    const verdict = readFrame(lp, bytes => TransferResult.decode(bytes), { signal }, 2 ** 31 - 1)
    let answered = false
    // An early verdict (a refusal) also cancels a write stuck waiting for a window the recipient
    // will never open again.
    const early = new AbortController()
    verdict.then(() => { answered = true; early.abort() }, () => { answered = true; early.abort() })
    const writeSignal = AbortSignal.any([signal, early.signal])
    let sent = 0
    try {
      for (const [index, data] of sealed.ciphertext.entries()) {
        if (answered) break
        await writeFrame(lp, Chunk.encode({ index, data: data as Uint8Array<ArrayBuffer>, final: index === sealed.chunks - 1 }), { signal: writeSignal })
        sent += data.length
        options.onProgress?.(sent, total)
      }
    } catch (err) {
      // The recipient may have refused and closed: its verdict says why better than a reset does.
      if (!answered) throw err
    }
    throwIfTransferError((await verdict).error)
    await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => {})
  } catch (err) {
    abortStream(stream, err)
    throw err
  }
}

/** Serves one inbound transfer: header, chunks into the consumer, then the verdict. */
export async function serveDirect (stream: Stream, connection: Connection, accept: AcceptTransfer, log: Logger, options: AbortOptions = {}): Promise<void> {
  const lp = frameStream(stream)
  let result: TransferResult = {}
  try {
    const header = await readFrame(lp, bytes => {
      if (bytes.byteLength > MAX_CONTROL_FRAME) throw new ProtocolError(ErrorCode.TOO_LARGE, 'header too large')
      return TransferHeader.decode(bytes)
    }, options)
    const consume = accept(connection.remotePeer, header)
    await consume(readChunks(lp, header.chunks, options))
  } catch (err) {
    log('attachment transfer from %p failed - %e', connection.remotePeer, err)
    result = { error: toTransferError(err) }
  }
  try {
    await writeFrame(lp, TransferResult.encode(result), options)
    await stream.close({ signal: AbortSignal.timeout(5_000) })
  } catch (err) {
    abortStream(stream, err)
  }
}
