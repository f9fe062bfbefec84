// Embedded SQLite store (better-sqlite3, WAL). Deposits are acked only after a synchronous=FULL
// commit; concurrent deposits share one transaction (group commit) so durability stays cheap.
import type Database from 'better-sqlite3'
import { openDurableSqlite, walScrubber } from './sqlite-support.ts'
import { migrateSqliteStore } from './migrations.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { replayDigest } from './replay-digest.ts'
import { settleBatch } from './group-commit.ts'
import type { PendingDeposit } from './group-commit.ts'
import { envelopeExpiry } from './store.ts'
import type { AckedEnvelope, DepositListener, ExpiredEnvelope, FetchResult, GroupCommitStats, MailboxLimits, MailboxUsage, NewEnvelope, RendezvousStore, StoreStats, StoredEnvelope } from './store.ts'

// Kept as an export of this module for existing importers; the adapters share ./replay-digest.ts.
export { replayDigest }

const MIGRATIONS: string[] = [
  `CREATE TABLE envelopes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id BLOB NOT NULL,
     sender TEXT NOT NULL,
     recipient TEXT NOT NULL,
     sent_at INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     size INTEGER NOT NULL,
     envelope BLOB NOT NULL,
     UNIQUE (recipient, id)
   );
   CREATE INDEX envelopes_by_recipient ON envelopes (recipient, seq);
   CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);
   -- Replay protection outlives delivery: a digest of sender and id, never the id itself.
   CREATE TABLE seen_envelopes (digest BLOB PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX seen_by_expiry ON seen_envelopes (expires_at);`,
  // Every deposit checks its recipient's usage: answered from this index alone, without reading
  // each pending envelope's row (and its bytes).
  'CREATE INDEX envelopes_usage ON envelopes (recipient, expires_at, size);'
]

interface Row {
  seq: number | bigint
  id: Uint8Array
  sender: string
  recipient: string
  sent_at: number
  received_at: number
  expires_at: number
  envelope: Uint8Array
}

interface DepositStatements {
  usage: Database.Statement
  seen: Database.Statement
  pending: Database.Statement
  insert: Database.Statement
}

function toStored (row: Row): StoredEnvelope {
  return {
    seq: BigInt(row.seq),
    id: new Uint8Array(row.id),
    sender: row.sender,
    recipient: row.recipient,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    expiresAt: row.expires_at,
    bytes: new Uint8Array(row.envelope)
  }
}

export class SqliteStore implements RendezvousStore {
  readonly db: Database.Database
  #pending: PendingDeposit[] = []
  #flushScheduled = false
  readonly #commits: GroupCommitStats = { commits: 0, deposits: 0, largest: 0 }
  // One process owns an embedded database, so deposit events never need to cross processes.
  readonly #listeners = new Set<DepositListener>()

  constructor (path: string) {
    this.db = openDurableSqlite(path)
    // Versions were in user_version before store_migrations; the mailbox had that counter to itself.
    migrateSqliteStore(this.db, { store: 'mailbox', steps: MIGRATIONS, legacy: { userVersion: v => v } })
  }

  async deposit (envelope: NewEnvelope, limits: MailboxLimits, now = Date.now()): Promise<StoredEnvelope> {
    return await new Promise((resolve, reject) => {
      this.#pending.push({ envelope, limits, now, resolve, reject })
      if (!this.#flushScheduled) {
        this.#flushScheduled = true
        setImmediate(() => { this.#flush() })
      }
    })
  }

  /**
   * Commits every queued deposit in one transaction, then settles each caller. better-sqlite3 is
   * synchronous, so a commit blocks the event loop: deposits whose frames arrive meanwhile wait in
   * the socket buffers and are all queued in the next turn, and the next flush commits them together.
   * The group grows with the load, without a timer delaying a lone deposit.
   */
  #flush (): void {
    const batch = this.#pending
    this.#pending = []
    this.#flushScheduled = false
    const outcomes: Array<StoredEnvelope | Error> = []
    const sql = this.#statements()
    // Usage read once per recipient and now, then kept up to date with this batch's own inserts.
    const usage = new Map<string, MailboxUsage>()
    try {
      this.db.transaction(() => {
        for (const { envelope: e, limits, now } of batch) {
          const key = `${now}\0${e.recipient}`
          const current = usage.get(key) ?? { ...sql.usage.get(e.recipient, now) as MailboxUsage }
          usage.set(key, current)
          if (current.count + 1 > limits.maxMessages || current.bytes + e.bytes.length > limits.maxBytes) {
            outcomes.push(new ProtocolError(ErrorCode.MAILBOX_FULL, `recipient's mailbox is full (${limits.maxMessages} messages, ${limits.maxBytes} bytes)`))
            continue
          }
          // The replay record lasts the whole retention; the envelope may go sooner (its own expiry).
          const seenUntil = now + limits.retentionMs
          const expiresAt = envelopeExpiry(e, now, limits)
          // Another sender reusing an id still pending here; checked first so one bad deposit
          // cannot fail the whole group commit on the unique constraint.
          if (sql.pending.get(e.recipient, e.id) != null) {
            outcomes.push(new ProtocolError(ErrorCode.REPLAY, 'envelope id is already pending for this recipient'))
            continue
          }
          if (sql.seen.run(replayDigest(e.sender, e.recipient, e.id), seenUntil).changes === 0) {
            outcomes.push(new ProtocolError(ErrorCode.REPLAY, 'envelope id was already deposited'))
            continue
          }
          const { seq } = sql.insert.get(e.id, e.sender, e.recipient, e.sentAt, now, expiresAt, e.bytes.length, e.bytes) as { seq: number | bigint }
          // Counts for later deposits in this batch with the same now (this one expires after it).
          current.count++
          current.bytes += e.bytes.length
          outcomes.push({ ...e, seq: BigInt(seq), receivedAt: now, expiresAt })
        }
      })()
    } catch (err) {
      for (const p of batch) p.reject(err as Error)
      return
    }
    settleBatch(batch, outcomes, this.#commits)
    for (const outcome of outcomes) {
      if (!(outcome instanceof Error)) this.#emit(outcome.recipient)
    }
  }

  #sql?: DepositStatements
  #ackStatement?: Database.Statement
  #countFromStatement?: Database.Statement
  #statements (): DepositStatements {
    this.#sql ??= {
      usage: this.db.prepare('SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM envelopes WHERE recipient = ? AND expires_at > ?'),
      seen: this.db.prepare('INSERT INTO seen_envelopes (digest, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      pending: this.db.prepare('SELECT 1 FROM envelopes WHERE recipient = ? AND id = ?'),
      insert: this.db.prepare(`INSERT INTO envelopes (id, sender, recipient, sent_at, received_at, expires_at, size, envelope)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`)
    }
    return this.#sql
  }

  #emit (recipient: string): void {
    for (const listener of this.#listeners) {
      // A throwing listener must not break the deposit path or starve the other listeners.
      try { listener(recipient) } catch {}
    }
  }

  commitStats (): GroupCommitStats {
    return { ...this.#commits }
  }

  async subscribeDeposits (listener: DepositListener): Promise<() => Promise<void>> {
    // Wrapped so the same function may be subscribed twice and unsubscribed independently.
    const entry: DepositListener = recipient => { listener(recipient) }
    this.#listeners.add(entry)
    return async () => { this.#listeners.delete(entry) }
  }

  async fetch (recipient: string, after: bigint, limit: number, now = Date.now()): Promise<FetchResult> {
    const rows = this.db.prepare(`SELECT seq, id, sender, recipient, sent_at, received_at, expires_at, envelope FROM envelopes
      WHERE recipient = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?`).all(recipient, after, now, limit + 1) as Row[]
    return { envelopes: rows.slice(0, limit).map(toStored), more: rows.length > limit }
  }

  async ack (recipient: string, ids: Uint8Array[]): Promise<number> {
    return (await this.ackWithSenders(recipient, ids)).length
  }

  async ackWithSenders (recipient: string, ids: Uint8Array[]): Promise<AckedEnvelope[]> {
    if (ids.length === 0) return []
    this.#ackStatement ??= this.db.prepare('DELETE FROM envelopes WHERE recipient = ? AND id = ? RETURNING sender')
    const del = this.#ackStatement
    // All ids of one request in one transaction: one commit however many were delivered.
    const acked = this.db.transaction(() => {
      const out: AckedEnvelope[] = []
      for (const id of ids) {
        const row = del.get(recipient, id) as { sender: string } | undefined
        if (row != null) out.push({ id, sender: row.sender })
      }
      return out
    })()
    // Acks are the hot path: the delivered bytes leave the WAL within WAL_SCRUB_DELAY_MS.
    if (acked.length > 0) walScrubber(this.db).schedule()
    return acked
  }

  async countFrom (recipient: string, sender: string, now = Date.now()): Promise<number> {
    this.#countFromStatement ??= this.db.prepare('SELECT count(*) AS n FROM envelopes WHERE recipient = ? AND sender = ? AND expires_at > ?')
    return (this.#countFromStatement.get(recipient, sender, now) as { n: number }).n
  }

  async deleteMailbox (peer: string, which = { received: true, sent: true }): Promise<number> {
    const n = this.db.transaction(() => {
      let n = 0
      if (which.received) n += this.db.prepare('DELETE FROM envelopes WHERE recipient = ?').run(peer).changes
      if (which.sent) n += this.db.prepare('DELETE FROM envelopes WHERE sender = ?').run(peer).changes
      return n
    })()
    // Erasure (account deletion, unlinking): no trace left by the time the caller answers.
    walScrubber(this.db).now()
    return n
  }

  async usage (recipient: string, now = Date.now()): Promise<MailboxUsage> {
    return this.db.prepare('SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM envelopes WHERE recipient = ? AND expires_at > ?')
      .get(recipient, now) as MailboxUsage
  }

  async purgeExpired (now = Date.now()): Promise<number> {
    const { seen, envelopes } = this.db.transaction(() => ({
      seen: this.db.prepare('DELETE FROM seen_envelopes WHERE expires_at <= ?').run(now).changes,
      envelopes: this.db.prepare('DELETE FROM envelopes WHERE expires_at <= ?').run(now).changes
    }))()
    if (seen + envelopes > 0) walScrubber(this.db).schedule()
    return envelopes
  }

  async takeExpired (now: number, limit: number): Promise<ExpiredEnvelope[]> {
    const rows = this.db.prepare(`DELETE FROM envelopes WHERE seq IN (SELECT seq FROM envelopes WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
      RETURNING id, sender, recipient`).all(now, limit) as Array<{ id: Uint8Array, sender: string, recipient: string }>
    if (rows.length > 0) walScrubber(this.db).schedule()
    return rows.map(r => ({ id: new Uint8Array(r.id), sender: r.sender, recipient: r.recipient }))
  }

  async stats (): Promise<StoreStats> {
    return this.db.prepare('SELECT count(*) AS envelopes, coalesce(sum(size), 0) AS bytes, count(DISTINCT recipient) AS recipients FROM envelopes')
      .get() as StoreStats
  }

  async close (): Promise<void> {
    if (this.#pending.length > 0) this.#flush()
    this.#listeners.clear()
    walScrubber(this.db).flush()
    this.db.close()
  }
}
