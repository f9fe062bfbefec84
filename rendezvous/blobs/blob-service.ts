// Server side of `/babacloud/blob/1.0.0`. Acts for the connection's authenticated PeerId: anyone
// may upload ciphertext for a recipient, held to the uploader's own plan (bytes waiting, uploads a
// minute) and the node's total blob budget, never to the recipient's mailbox; only the recipient
// may download, list or delete what waits for it.
import { CIPHERTEXT_CHUNK_SIZE, BLOB_PROTOCOL, ID_BYTES, STALE_UPLOAD_MS, TAG_BYTES } from '../../protocol/attachments/constants.ts'
import { readFrame, writeFrame } from '../../protocol/attachments/frames.ts'
import { BlobRequest, BlobResponse, Chunk } from '../../protocol/attachments/generated/wire.ts'
import { clockFrom } from '../../protocol/clock.ts'
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import type { FrameStream } from '../../protocol/attachments/frames.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import { quotaExceeded } from '../billing/errors.ts'
import type { ResolvedLimits } from '../billing/plans.ts'
import { sessionServer } from '../protocol-server.ts'
import type { ProtocolServer } from '../protocol-server.ts'
import type { Requester, RequestLimiter } from '../limits/request-limiter.ts'
import type { MailboxQuota } from '../mailbox/mailbox-service.ts'
import type { MailboxLimits } from '../storage/store.ts'
import type { BlobFilter, BlobStore } from './blob-store.ts'
import type { Connection } from '@libp2p/interface'

/** Chunks written per transaction: one fsync per MiB instead of one per 64 KiB. */
const CHUNKS_PER_WRITE = 16
/** Blobs per LIST page: about 100 bytes each, well inside one frame (MAX_CHUNK_FRAME). */
export const LIST_PAGE = 256

export interface BlobServiceInit {
  node: ChatNode
  blobs: BlobStore
  /** The node's ceiling (config `mailbox`): an uploader without a plan may have `maxBytes` waiting. */
  limits: MailboxLimits
  /**
   * Plans (billing): an uploader's own plan bounds the bytes it may have waiting here
   * (`mailbox.maxBytes`) and its uploads a minute (`depositsPerMinute`, shared with deposits).
   */
  quota?: Pick<MailboxQuota, 'mailboxLimits' | 'admitDeposit'>
  /** The sender's plan (billing): its `attachmentMaxBytes` bounds what it may upload. */
  limitsFor?: (peer: string) => Promise<ResolvedLimits>
  /** Requests per peer and network on this protocol; RATE_LIMITED beyond it. */
  rateLimit?: RequestLimiter
  /** Who a connection is for `rateLimit`; its PeerId and non-loopback network by default. */
  requester?: (connection: Connection) => Requester
  /** Largest blob accepted, ciphertext bytes (config `attachments.maxBytes`). */
  maxBytes: number
  /** Bytes all blobs together may hold (config `attachments.totalBytes`); STORAGE_FULL beyond it. */
  totalBytes: number
  /** How long an unclaimed blob waits (config `attachments.retention`), at most the mailbox's. */
  retentionMs: number
  sweepIntervalMs: number
  metrics?: RendezvousMetrics
  now?: () => number
  /** Times the expiry sweep; `now` alone means real timers. */
  clock?: Clock
  maxInboundStreams?: number
}

const empty: BlobResponse = { size: 0n, chunks: 0, expiresAt: 0n, blobs: [], more: false, deleted: 0, sender: '' }

export class BlobService {
  readonly #init: BlobServiceInit
  readonly #now: () => number
  readonly #server: ProtocolServer
  readonly #clock: Clock
  #sweeper?: TimerHandle

  constructor (init: BlobServiceInit) {
    this.#init = init
    this.#clock = clockFrom(init)
    this.#now = () => this.#clock.now()
    this.#server = sessionServer<BlobRequest>({
      node: init.node,
      protocol: BLOB_PROTOCOL,
      label: 'blob',
      log: init.node.logger.forComponent('babacloud:blobs'),
      maxInboundStreams: init.maxInboundStreams ?? 16,
      metrics: init.metrics,
      rateLimit: init.rateLimit,
      requester: init.requester,
      rateLimitWhat: 'attachment requests',
      decode: bytes => BlobRequest.decode(bytes),
      typeOf: req => req.type.toLowerCase(),
      errorFrame: error => BlobResponse.encode({ ...empty, error }),
      handle: async (req, lp, connection) => { await this.#handle(req, lp, connection.remotePeer.toString()) }
    })
  }

  async start (): Promise<void> {
    await this.#server.start()
    this.#sweeper = this.#clock.setInterval(() => { this.#init.blobs.purgeExpired(this.#now()).catch(() => {}) }, this.#init.sweepIntervalMs)
    this.#sweeper.unref?.()
  }

  async stop (): Promise<void> {
    this.#clock.clearInterval(this.#sweeper)
    await this.#server.stop()
  }

  async #handle (req: BlobRequest, lp: FrameStream, peer: string): Promise<void> {
    if (req.type === BlobRequest.Type.LIST) {
      if (req.id.length !== 0 && req.id.length !== ID_BYTES) throw new ProtocolError(ErrorCode.MALFORMED, 'a list cursor is a 16-byte blob id')
    } else if (req.type !== BlobRequest.Type.CLEAR && req.id.length !== ID_BYTES) throw new ProtocolError(ErrorCode.MALFORMED, 'blob id must be 16 bytes')
    if (req.type === BlobRequest.Type.UPLOAD) await this.#upload(lp, req, peer)
    else if (req.type === BlobRequest.Type.DOWNLOAD) await this.#download(lp, req, peer)
    else if (req.type === BlobRequest.Type.DELETE) await this.#delete(lp, req, peer)
    else if (req.type === BlobRequest.Type.LIST) await this.#list(lp, req, peer)
    else if (req.type === BlobRequest.Type.CLEAR) await this.#clear(lp, req, peer)
    else throw new ProtocolError(ErrorCode.MALFORMED, 'unknown request type')
  }

  async #upload (lp: FrameStream, req: BlobRequest, sender: string): Promise<void> {
    let recipient: string
    try {
      recipient = parsePeerId(req.recipient).toString()
    } catch {
      throw new ProtocolError(ErrorCode.INVALID, 'recipient is not a valid PeerId')
    }
    const size = Number(req.size)
    if (size > this.#init.maxBytes) throw new ProtocolError(ErrorCode.TOO_LARGE, `attachment of ${size} bytes is over this node's limit of ${this.#init.maxBytes}`)
    const plan = await this.#init.limitsFor?.(sender)
    if (plan != null && size > plan.attachmentMaxBytes) throw quotaExceeded(plan, 'attachments.maxBytes', `${size} bytes, at most ${plan.attachmentMaxBytes}`)
    const chunks = Math.max(1, Math.ceil(size / CIPHERTEXT_CHUNK_SIZE))
    if (req.chunks !== chunks || size < TAG_BYTES) throw new ProtocolError(ErrorCode.MALFORMED, 'chunk count does not match the size')
    const now = this.#now()
    // The uploader pays: its plan's rate and byte allowance, whoever the recipient is.
    await this.#init.quota?.admitDeposit(sender, now)
    const own = await this.#init.quota?.mailboxLimits(sender) ?? this.#init.limits
    // Unclaimed blobs go sooner than messages, and never outlive the recipient's own retention.
    const recipientLimits = await this.#init.quota?.mailboxLimits(recipient) ?? this.#init.limits
    const retentionMs = Math.min(this.#init.retentionMs, recipientLimits.retentionMs)
    try {
      await this.#init.blobs.begin({ id: req.id, sender, recipient, size, chunks }, { senderBytes: own.maxBytes, totalBytes: this.#init.totalBytes }, now, now + STALE_UPLOAD_MS)
    } catch (err) {
      if (ProtocolError.is(err, ErrorCode.STORAGE_FULL)) this.#init.metrics?.limitHit('attachments_total_bytes')
      if (ProtocolError.is(err, ErrorCode.QUOTA_EXCEEDED)) {
        this.#init.metrics?.limitHit('attachments_sender_bytes')
        if (plan != null) throw quotaExceeded(plan, 'mailbox.maxBytes', err.message)
      }
      throw err
    }
    try {
      await writeFrame(lp, BlobResponse.encode(empty), {})
      let received = 0
      let batch: Array<{ index: number, data: Uint8Array }> = []
      for (let index = 0; index < chunks; index++) {
        const chunk = await readFrame(lp, bytes => Chunk.decode(bytes), {})
        const final = index === chunks - 1
        const length = chunk.data.length
        if (chunk.index !== index || chunk.final !== final) throw new ProtocolError(ErrorCode.MALFORMED, `expected chunk ${index}`)
        if (final ? length < TAG_BYTES || length > CIPHERTEXT_CHUNK_SIZE : length !== CIPHERTEXT_CHUNK_SIZE) throw new ProtocolError(ErrorCode.MALFORMED, `chunk ${index} has a wrong length`)
        received += length
        batch.push({ index, data: chunk.data })
        if (batch.length === CHUNKS_PER_WRITE || final) {
          await this.#init.blobs.putChunks(recipient, req.id, batch)
          batch = []
        }
      }
      if (received !== size) throw new ProtocolError(ErrorCode.MALFORMED, `received ${received} bytes, announced ${size}`)
      const expiresAt = this.#now() + retentionMs
      await this.#init.blobs.complete(recipient, req.id, expiresAt)
      await writeFrame(lp, BlobResponse.encode({ ...empty, size: BigInt(size), chunks, expiresAt: BigInt(expiresAt) }), {})
    } catch (err) {
      // Nothing partial stays behind, and the reserved quota is released at once.
      await this.#init.blobs.delete(recipient, req.id, { sender }).catch(() => {})
      throw err
    }
  }

  /** Only blobs from `sender` when the request names one: an offer binds its blob to its sender. */
  #filter (req: BlobRequest): BlobFilter {
    return req.sender === '' ? {} : { sender: req.sender }
  }

  async #download (lp: FrameStream, req: BlobRequest, recipient: string): Promise<void> {
    // Someone else's blob looks exactly like a missing one.
    const blob = await this.#init.blobs.get(recipient, req.id, this.#now(), this.#filter(req))
    if (blob == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'no such attachment for this peer')
    await writeFrame(lp, BlobResponse.encode({ ...empty, size: BigInt(blob.size), chunks: blob.chunks, expiresAt: BigInt(blob.expiresAt), sender: blob.sender }), {})
    for (let index = 0; index < blob.chunks; index++) {
      const data = await this.#init.blobs.chunk(recipient, req.id, index)
      // Deleted mid-download (expiry, account deletion): the client sees a cut stream, keeps nothing.
      if (data == null) throw new Error('blob vanished during download')
      await writeFrame(lp, Chunk.encode({ index, data: data as Uint8Array<ArrayBuffer>, final: index === blob.chunks - 1 }), {})
    }
  }

  async #delete (lp: FrameStream, req: BlobRequest, recipient: string): Promise<void> {
    const deleted = await this.#init.blobs.delete(recipient, req.id, this.#filter(req))
    await writeFrame(lp, BlobResponse.encode({ ...empty, deleted: deleted ? 1 : 0 }), {})
  }

  async #list (lp: FrameStream, req: BlobRequest, recipient: string): Promise<void> {
    const page = await this.#init.blobs.list(recipient, this.#now(), req.id.length === 0 ? undefined : req.id, LIST_PAGE + 1)
    const blobs = page.slice(0, LIST_PAGE).map(b => ({ id: b.id as Uint8Array<ArrayBuffer>, sender: b.sender, size: BigInt(b.size), createdAt: BigInt(b.createdAt), expiresAt: BigInt(b.expiresAt) }))
    await writeFrame(lp, BlobResponse.encode({ ...empty, blobs, more: page.length > LIST_PAGE }), {})
  }

  async #clear (lp: FrameStream, req: BlobRequest, recipient: string): Promise<void> {
    const deleted = await this.#init.blobs.clear(recipient, this.#filter(req))
    await writeFrame(lp, BlobResponse.encode({ ...empty, deleted }), {})
  }
}
