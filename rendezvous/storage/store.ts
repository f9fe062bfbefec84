// The rendezvous's storage interface. SQLite is the embedded default; other adapters implement the
// same contract (test/compliance runs one suite against each).

export interface NewEnvelope {
  /** 16-byte envelope id. */
  id: Uint8Array
  sender: string
  recipient: string
  sentAt: number
  /** The whole encoded envelope (ciphertext, never plaintext). */
  bytes: Uint8Array
}

export interface StoredEnvelope extends NewEnvelope {
  seq: bigint
  receivedAt: number
  expiresAt: number
}

export interface MailboxLimits {
  maxMessages: number
  maxBytes: number
  /** How long an undelivered envelope is kept, ms. */
  retentionMs: number
}

export interface MailboxUsage {
  count: number
  bytes: number
}

export interface FetchResult {
  envelopes: StoredEnvelope[]
  more: boolean
}

export interface StoreStats {
  envelopes: number
  bytes: number
  recipients: number
}

export interface RendezvousStore {
  /**
   * Stores an envelope for its recipient and resolves only once it is durably committed. Rejects
   * with ProtocolError REPLAY for an id seen before, MAILBOX_FULL when a cap would be exceeded.
   */
  deposit(envelope: NewEnvelope, limits: MailboxLimits, now?: number): Promise<StoredEnvelope>
  /** Unexpired envelopes for `recipient` with seq > `after`, oldest first. */
  fetch(recipient: string, after: bigint, limit: number, now?: number): Promise<FetchResult>
  /** Deletes the recipient's envelopes with these ids; returns how many were deleted. */
  ack(recipient: string, ids: Uint8Array[]): Promise<number>
  usage(recipient: string, now?: number): Promise<MailboxUsage>
  /** Deletes expired envelopes and replay records; returns the envelopes removed. */
  purgeExpired(now?: number): Promise<number>
  stats(): Promise<StoreStats>
  close(): Promise<void>
}
