// Storage for attachment ciphertext waiting for an offline recipient. Blobs count against the
// recipient's mailbox byte quota and expire with the mailbox retention; only ciphertext is stored.
import type { RendezvousStore } from '../storage/store.ts'

export interface NewBlob {
  /** 16-byte attachment id; unique per recipient. */
  id: Uint8Array
  sender: string
  recipient: string
  /** Ciphertext bytes, reserved against the quota before the first chunk arrives. */
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

export interface BlobStore {
  /**
   * Reserves room for an upload. `room` is what the recipient's quota leaves after its pending
   * envelopes; rejects ProtocolError MAILBOX_FULL past it, ALREADY_EXISTS for a known id. The
   * reservation is discarded unless completed by `staleAt`.
   */
  begin(blob: NewBlob, room: number, now: number, staleAt: number): Promise<void>
  /** Appends chunks of an upload in progress, in one durable write. */
  putChunks(recipient: string, id: Uint8Array, chunks: Array<{ index: number, data: Uint8Array }>): Promise<void>
  /** Makes an upload downloadable until `expiresAt`. */
  complete(recipient: string, id: Uint8Array, expiresAt: number): Promise<void>
  /** A complete, unexpired blob for this recipient, or nothing (also for anyone else's blob). */
  get(recipient: string, id: Uint8Array, now: number): Promise<StoredBlob | undefined>
  chunk(recipient: string, id: Uint8Array, index: number): Promise<Uint8Array | undefined>
  /** Deletes one blob (complete or not); true if it existed. */
  delete(recipient: string, id: Uint8Array): Promise<boolean>
  /** Bytes reserved or stored for the recipient, unexpired. */
  usage(recipient: string, now: number): Promise<number>
  /** Account deletion and device unlinking: blobs a peer received and/or sent. */
  deleteFor(peer: string, which?: { received: boolean, sent: boolean }): Promise<number>
  /** Expired blobs and stale uploads; returns how many were removed. */
  purgeExpired(now: number): Promise<number>
  stats(): Promise<BlobStats>
  close(): Promise<void>
}

/**
 * Makes the mailbox count attachment blobs: a recipient's byte quota covers its pending envelopes
 * and its pending blobs together. Wraps the mailbox store for MailboxService only.
 */
export function withBlobQuota (store: RendezvousStore, blobs: BlobStore, clock: () => number = Date.now): RendezvousStore {
  const wrapped: RendezvousStore = {
    deposit: async (envelope, limits, now) => {
      // Best effort across the two stores: a blob reserved between this read and the deposit can
      // overshoot the quota by one envelope (64 KiB at most).
      const used = await blobs.usage(envelope.recipient, now ?? clock())
      return await store.deposit(envelope, { ...limits, maxBytes: Math.max(0, limits.maxBytes - used) }, now)
    },
    fetch: async (recipient, after, limit, now) => await store.fetch(recipient, after, limit, now),
    ack: async (recipient, ids) => await store.ack(recipient, ids),
    usage: async (recipient, now) => {
      const usage = await store.usage(recipient, now)
      return { count: usage.count, bytes: usage.bytes + await blobs.usage(recipient, now ?? clock()) }
    },
    deleteMailbox: async (peer, which) => await store.deleteMailbox(peer, which),
    purgeExpired: async now => await store.purgeExpired(now),
    stats: async () => await store.stats(),
    close: async () => { await store.close() }
  }
  const subscribe = store.subscribeDeposits?.bind(store)
  // MailboxService notifies on its own only when the store cannot: keep that distinction.
  if (subscribe != null) wrapped.subscribeDeposits = async listener => await subscribe(listener)
  return wrapped
}
