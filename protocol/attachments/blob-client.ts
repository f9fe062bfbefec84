// Client side of `/babacloud/blob/1.0.0`: upload an attachment's ciphertext for an offline
// recipient; as that recipient, download it chunk by chunk and delete it once it is safely stored.
import { BLOB_PROTOCOL } from './constants.ts'
import { abortStream, frameStream, readChunks, readFrame, throwIfTransferError, writeFrame } from './frames.ts'
import { BlobRequest, BlobResponse, Chunk } from './wire.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { SealedAttachment } from './cipher.ts'
import type { FrameStream } from './frames.ts'
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type Progress = (done: number, total: number) => void

export interface TransferOptions extends AbortOptions {
  onProgress?: Progress
}

function request (req: Partial<BlobRequest>): Uint8Array {
  return BlobRequest.encode({ type: BlobRequest.Type.UPLOAD, id: new Uint8Array(), recipient: '', size: 0n, chunks: 0, ...req })
}

async function response (lp: FrameStream, options: AbortOptions, idleMs?: number): Promise<BlobResponse> {
  const res = await readFrame(lp, bytes => BlobResponse.decode(bytes), options, idleMs)
  throwIfTransferError(res.error)
  return res
}

export class BlobClient {
  readonly #node: ChatNode
  readonly #rendezvous: Multiaddr | PeerId

  constructor (node: ChatNode, rendezvous: Multiaddr | PeerId) {
    this.#node = node
    this.#rendezvous = rendezvous
  }

  async #session<T> (options: AbortOptions, body: (lp: FrameStream) => Promise<T>): Promise<T> {
    let stream: Stream | undefined
    try {
      stream = await this.#node.dialProtocol(this.#rendezvous, BLOB_PROTOCOL, { signal: options.signal ?? AbortSignal.timeout(10_000) })
      const result = await body(frameStream(stream))
      await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => {})
      return result
    } catch (err) {
      if (stream != null) abortStream(stream, err)
      throw err
    }
  }

  /**
   * Uploads every ciphertext chunk for `recipient`; resolves once the rendezvous has committed the
   * whole blob, with when it will expire if nobody downloads it.
   */
  async upload (recipient: PeerId, sealed: SealedAttachment, options: TransferOptions = {}): Promise<{ expiresAt: number }> {
    const total = sealed.ciphertext.reduce((n, c) => n + c.length, 0)
    return await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.UPLOAD, id: sealed.id as Uint8Array<ArrayBuffer>, recipient: recipient.toString(), size: BigInt(total), chunks: sealed.chunks }), options)
      // Refusals (size, quota) come before a single chunk is sent.
      await response(lp, options)
      let sent = 0
      for (const [index, data] of sealed.ciphertext.entries()) {
        await writeFrame(lp, Chunk.encode({ index, data: data as Uint8Array<ArrayBuffer>, final: index === sealed.chunks - 1 }), options)
        sent += data.length
        options.onProgress?.(sent, total)
      }
      // The final commit is durable storage of the whole blob; allow it more than one frame's time.
      const done = await response(lp, options, 30_000)
      return { expiresAt: Number(done.expiresAt) }
    })
  }

  /** Streams the chunks of a blob addressed to this peer to `onChunk`, in order. */
  async download (id: Uint8Array, onChunk: (chunk: Chunk) => Promise<void>, options: TransferOptions = {}): Promise<void> {
    await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.DOWNLOAD, id: id as Uint8Array<ArrayBuffer> }), options)
      const head = await response(lp, options)
      const total = Number(head.size)
      let got = 0
      for await (const chunk of readChunks(lp, head.chunks, options)) {
        await onChunk(chunk)
        got += chunk.data.length
        options.onProgress?.(got, total)
      }
    })
  }

  /** Deletes a blob addressed to this peer (after it is stored, or when it proved corrupt). */
  async delete (id: Uint8Array, options: AbortOptions = {}): Promise<void> {
    await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.DELETE, id: id as Uint8Array<ArrayBuffer> }), options)
      await response(lp, options)
    })
  }
}
