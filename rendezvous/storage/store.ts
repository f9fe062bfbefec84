// The rendezvous's storage interface. SQLite is the embedded default; other adapters implement the
// same contract (test/compliance runs one suite against each).

export interface NewEnvelope {
  /** 16-byte envelope id. */
  id: Uint8Array
  sender: string
  recipient: string
  sentAt: number
  /**
   * The sender's disappearing-message expiry (signed in the envelope): the envelope is kept until
   * then or for the retention, whichever ends first; it never extends the retention.
   */
  expiresAt?: number
  /** The whole encoded envelope (ciphertext, never plaintext). */
  bytes: Uint8Array
}

export interface StoredEnvelope extends NewEnvelope {
  seq: bigint
  receivedAt: number
  expiresAt: number
}

export interface AckedEnvelope {
  id: Uint8Array
  sender: string
}

/** An envelope deleted unread because it expired: whom to tell (`sender`) about whose copy. */
export interface ExpiredEnvelope extends AckedEnvelope {
  recipient: string
}

export interface MailboxLimits {
  maxMessages: number
  maxBytes: number
  /** How long an undelivered envelope is kept, ms. */
  retentionMs: number
}

/** When a deposited envelope leaves the mailbox: its own expiry can only shorten the retention. */
export function envelopeExpiry (envelope: Pick<NewEnvelope, 'expiresAt'>, now: number, limits: MailboxLimits): number {
  const retained = now + limits.retentionMs
  return envelope.expiresAt != null && envelope.expiresAt > 0 ? Math.min(retained, envelope.expiresAt) : retained
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

/** How deposits were grouped into commits since the store opened (refused deposits included). */
export interface GroupCommitStats {
  /** Transactions that committed deposits. */
  commits: number
  deposits: number
  /** The most deposits one commit held. */
  largest: number
}

/** Receives the recipient of each committed deposit. */
export type DepositListener = (recipient: string) => void

export interface RendezvousStore {
  /**
   * Stores an envelope for its recipient and resolves only once it is durably committed. Rejects
   * with ProtocolError REPLAY for an id seen before, MAILBOX_FULL when a cap would be exceeded.
   * Concurrent deposits may share one transaction (group commit); each is still checked on its
   * own, and one refused deposit never fails the others committed with it.
   */
  deposit(envelope: NewEnvelope, limits: MailboxLimits, now?: number): Promise<StoredEnvelope>
  /** Unexpired envelopes for `recipient` with seq > `after`, oldest first. */
  fetch(recipient: string, after: bigint, limit: number, now?: number): Promise<FetchResult>
  /** Deletes the recipient's envelopes with these ids in one transaction; returns how many were deleted. */
  ack(recipient: string, ids: Uint8Array[]): Promise<number>
  /**
   * As `ack`, and says what was deleted: each envelope's id and sender (for purge receipts). One
   * transaction; ids not pending for `recipient` are left out.
   */
  ackWithSenders(recipient: string, ids: Uint8Array[]): Promise<AckedEnvelope[]>
  usage(recipient: string, now?: number): Promise<MailboxUsage>
  /** How many unexpired envelopes from `sender` wait for `recipient` (the per-sender receipt cap). */
  countFrom(recipient: string, sender: string, now?: number): Promise<number>
  /**
   * Deletes envelopes a device received and/or sent (account deletion, device unlinking);
   * returns how many. Both by default.
   */
  deleteMailbox(peer: string, which?: { received: boolean, sent: boolean }): Promise<number>
  /** Deletes expired envelopes and replay records; returns the envelopes removed. */
  purgeExpired(now?: number): Promise<number>
  /**
   * Deletes at most `limit` expired envelopes (earliest expiry first) in one transaction and says
   * which: a sweep takes them in bounded steps and tells their senders (expiry notices).
   */
  takeExpired(now: number, limit: number): Promise<ExpiredEnvelope[]>
  stats(): Promise<StoreStats>
  /**
   * Calls `listener` after each committed deposit, including deposits made by other instances
   * sharing the same storage where the adapter can see them, so the instance holding the
   * recipient's connection can wake it. Best effort: a missed call only delays delivery until the
   * recipient's next sync. Resolves to an unsubscribe function.
   */
  /** Group commit counters (for the bench and tests). */
  commitStats?(): GroupCommitStats
  subscribeDeposits?(listener: DepositListener): Promise<() => Promise<void>>
  close(): Promise<void>
}
