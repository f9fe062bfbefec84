// Client side of `/babacloud/blob/1.0.0`: upload an attachment's ciphertext for an offline
// recipient; as that recipient, download it chunk by chunk and delete it once it is safely stored,
// list what waits, and clear what nobody should have sent.
import { BLOB_PROTOCOL } from './constants.ts'
import { abortStream, frameStream, readChunks, readFrame, throwIfTransferError, writeFrame } from './frames.ts'
import { BlobRequest, BlobResponse, Chunk } from './generated/wire.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { SealedAttachment } from './cipher.ts'
import type { FrameStream } from './frames.ts'
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type Progress = (done: number, total: number) => void

export interface TransferOptions extends AbortOptions {
  onProgress?: Progress
}

export interface BlobFilterOptions extends AbortOptions {
  /** Only a blob this PeerId uploaded: an offer's blob is bound to the offer's sender. */
  sender?: string
}

/** A blob waiting on the rendezvous for this peer. */
export interface WaitingBlob {
  id: Uint8Array
  /** The uploader's PeerId, as the rendezvous authenticated it. */
  sender: string
  /** Ciphertext bytes. */
  size: number
  createdAt: number
  expiresAt: number
}

/** Listing stops here even if the node says more follow: a node cannot make a client loop forever. */
const MAX_LISTED = 100_000

function request (req: Partial<BlobRequest>): Uint8Array {
  return BlobRequest.encode({ type: BlobRequest.Type.UPLOAD, id: new Uint8Array(), recipient: '', size: 0n, chunks: 0, sender: '', ...req })
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
  async download (id: Uint8Array, onChunk: (chunk: Chunk) => Promise<void>, options: TransferOptions & BlobFilterOptions = {}): Promise<void> {
    await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.DOWNLOAD, id: id as Uint8Array<ArrayBuffer>, sender: options.sender ?? '' }), options)
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

  /** Deletes a blob addressed to this peer (after it is stored, or when it proved corrupt); true if it was there. */
  async delete (id: Uint8Array, options: BlobFilterOptions = {}): Promise<boolean> {
    return await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.DELETE, id: id as Uint8Array<ArrayBuffer>, sender: options.sender ?? '' }), options)
      return (await response(lp, options)).deleted > 0
    })
  }

  /** Every blob waiting for this peer, by id. */
  async list (options: AbortOptions = {}): Promise<WaitingBlob[]> {
    return await this.#session(options, async lp => {
      const out: WaitingBlob[] = []
      let after = new Uint8Array()
      while (out.length < MAX_LISTED) {
        await writeFrame(lp, request({ type: BlobRequest.Type.LIST, id: after }), options)
        const page = await response(lp, options)
        for (const b of page.blobs) out.push({ id: new Uint8Array(b.id), sender: b.sender, size: Number(b.size), createdAt: Number(b.createdAt), expiresAt: Number(b.expiresAt) })
        if (!page.more || page.blobs.length === 0) break
        after = page.blobs[page.blobs.length - 1].id
      }
      return out
    })
  }

  /** Deletes everything waiting for this peer, or only what `sender` uploaded; resolves to how many. */
  async clear (options: BlobFilterOptions = {}): Promise<number> {
    return await this.#session(options, async lp => {
      await writeFrame(lp, request({ type: BlobRequest.Type.CLEAR, sender: options.sender ?? '' }), options)
      return (await response(lp, options)).deleted
    })
  }
}
