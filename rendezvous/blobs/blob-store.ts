// Storage for attachment ciphertext waiting for an offline recipient. Blobs count against their
// uploader's allowance and the node's total blob budget, never against the recipient's mailbox; they
// expire after the (shorter) attachment retention. Only ciphertext is stored.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'

export interface NewBlob {
  /** 16-byte attachment id; unique per recipient. */
  id: Uint8Array
  sender: string
  recipient: string
  /** Ciphertext bytes, reserved against the limits before the first chunk arrives. */
  size: number
  chunks: number
}

export interface StoredBlob extends NewBlob {
  createdAt: number
  expiresAt: number
}

export interface BlobStats {
  blobs: number
  bytes: number
}

/** What an upload is held to when it begins. */
export interface BlobLimits {
  /** Bytes the uploader may have waiting on this node, over all recipients (its plan). */
  senderBytes: number
  /** Bytes all blobs on this node may hold together (config `attachments.totalBytes`). */
  totalBytes: number
}

/** Narrows which blobs of a recipient a request touches. */
export interface BlobFilter {
  /** Only blobs this peer uploaded. */
  sender?: string
}

export interface BlobStore {
  /**
   * Reserves room for an upload, in one atomic step across every instance sharing the storage, so
   * concurrent uploads never overshoot a limit. Rejects ProtocolError QUOTA_EXCEEDED past the
   * uploader's allowance, STORAGE_FULL past the node's budget, ALREADY_EXISTS for a known id. The
   * reservation is discarded unless completed by `staleAt`.
   */
  begin(blob: NewBlob, limits: BlobLimits, now: number, staleAt: number): Promise<void>
  /** Appends chunks of an upload in progress, in one durable write. */
  putChunks(recipient: string, id: Uint8Array, chunks: Array<{ index: number, data: Uint8Array }>): Promise<void>
  /** Makes an upload downloadable until `expiresAt`. */
  complete(recipient: string, id: Uint8Array, expiresAt: number): Promise<void>
  /** A complete, unexpired blob for this recipient, or nothing (also for anyone else's blob). */
  get(recipient: string, id: Uint8Array, now: number, filter?: BlobFilter): Promise<StoredBlob | undefined>
  chunk(recipient: string, id: Uint8Array, index: number): Promise<Uint8Array | undefined>
  /** Complete, unexpired blobs waiting for the recipient, by id, those after `after` (a page). */
  list(recipient: string, now: number, after: Uint8Array | undefined, limit: number): Promise<StoredBlob[]>
  /** Deletes one blob (complete or not); true if it existed (and matched the filter). */
  delete(recipient: string, id: Uint8Array, filter?: BlobFilter): Promise<boolean>
  /** Deletes every blob waiting for the recipient (matching the filter); returns how many. */
  clear(recipient: string, filter?: BlobFilter): Promise<number>
  /** Bytes reserved or stored by this uploader, unexpired, over all recipients. */
  senderUsage(sender: string, now: number): Promise<number>
  /** Bytes reserved or stored on this node, unexpired: what counts against the budget. */
  totalUsage(now: number): Promise<number>
  /** Account deletion and device unlinking: blobs a peer received and/or sent. */
  deleteFor(peer: string, which?: { received: boolean, sent: boolean }): Promise<number>
  /** Expired blobs and stale uploads; returns how many were removed. */
  purgeExpired(now: number): Promise<number>
  stats(): Promise<BlobStats>
  close(): Promise<void>
}

/**
 * The admission rule both adapters apply inside their reservation step. The node's budget is
 * checked first: when the disk is full, the honest uploader learns it is the node, not its plan.
 */
export function refuseOverLimits (blob: NewBlob, limits: BlobLimits, senderUsed: number, totalUsed: number): void {
  if (totalUsed + blob.size > limits.totalBytes) {
    throw new ProtocolError(ErrorCode.STORAGE_FULL, 'this node has no room for more attachments; try again later')
  }
  if (senderUsed + blob.size > limits.senderBytes) {
    throw new ProtocolError(ErrorCode.QUOTA_EXCEEDED, `attachments you uploaded and nobody fetched yet hold ${senderUsed} bytes; ${Math.max(0, limits.senderBytes - senderUsed)} more fit`)
  }
}
