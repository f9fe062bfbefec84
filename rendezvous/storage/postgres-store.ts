// PostgreSQL store for deployments where several rendezvous instances share one database. Same
// contract as SqliteStore; per-recipient advisory locks keep caps exact across instances, and
// LISTEN/NOTIFY tells every instance about deposits made through the others.
import pg from 'pg'
import { depositBatch } from './postgres-deposit-batch.ts'
import { DepositChannel } from './postgres-listener.ts'
import { migrate, migratedPool, transaction } from './postgres-support.ts'
import { settleBatch } from './group-commit.ts'
import type { PendingDeposit } from './group-commit.ts'
import type { AckedEnvelope, DepositListener, ExpiredEnvelope, FetchResult, GroupCommitStats, MailboxLimits, MailboxUsage, NewEnvelope, RendezvousStore, StoreStats, StoredEnvelope } from './store.ts'

/** Applied in order, each once (migrations.ts; schema_migrations before). Never edit one that has shipped. */
const MIGRATIONS: string[] = [
  `CREATE TABLE envelopes (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id BYTEA NOT NULL,
     sender TEXT NOT NULL,
     recipient TEXT NOT NULL,
     sent_at BIGINT NOT NULL,
     received_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     size INTEGER NOT NULL,
     envelope BYTEA NOT NULL,
     UNIQUE (recipient, id)
   );
   CREATE INDEX envelopes_by_recipient ON envelopes (recipient, seq);
   CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);
   -- Account deletion removes what a device sent without scanning every instance's mail.
   CREATE INDEX envelopes_by_sender ON envelopes (sender);
   -- Replay protection outlives delivery: a digest of sender and id, never the id itself.
   CREATE TABLE seen_envelopes (digest BYTEA PRIMARY KEY, expires_at BIGINT NOT NULL);
   CREATE INDEX seen_by_expiry ON seen_envelopes (expires_at);`,
  // Every deposit checks its recipient's usage: an index-only scan where the visibility map allows.
  'CREATE INDEX envelopes_usage ON envelopes (recipient, expires_at, size);'
]

const MAILBOX_MIGRATIONS = { store: 'mailbox', steps: MIGRATIONS, legacy: { table: 'schema_migrations' } }

export interface PostgresStoreOptions {
  /** `postgres://…` connection string, or full pool settings. */
  connection: string | pg.PoolConfig
}

interface Row {
  seq: string
  id: Uint8Array
  sender: string
  recipient: string
  sent_at: string
  received_at: string
  expires_at: string
  envelope: Uint8Array
}

function toStored (row: Row): StoredEnvelope {
  return {
    seq: BigInt(row.seq),
    id: new Uint8Array(row.id),
    sender: row.sender,
    recipient: row.recipient,
    sentAt: Number(row.sent_at),
    receivedAt: Number(row.received_at),
    expiresAt: Number(row.expires_at),
    bytes: new Uint8Array(row.envelope)
  }
}

/** Deposits one group commit holds at most (bounds the arrays sent as statement parameters). */
const MAX_BATCH = 500

/**
 * Group commit, as SqliteStore: deposits queued while a batch transaction runs share the next one
 * (one commit, one WAL flush, a few statements for the whole batch). Per-recipient advisory locks,
 * taken in one order by every instance, keep caps exact across instances; each deposit is still
 * checked on its own (./postgres-deposit-batch.ts).
 */
export class PostgresStore implements RendezvousStore {
  readonly pool: pg.Pool
  readonly #channel: DepositChannel
  #closed = false
  #pending: PendingDeposit[] = []
  /** The batch transaction in flight, if any: at most one per instance. */
  #flushing?: Promise<void>
  readonly #commits: GroupCommitStats = { commits: 0, deposits: 0, largest: 0 }

  private constructor (pool: pg.Pool, connection: string | pg.PoolConfig) {
    this.pool = pool
    this.#channel = new DepositChannel(connection)
  }

  /** Connects, brings the schema up to date, and returns a ready store. */
  static async open (options: PostgresStoreOptions): Promise<PostgresStore> {
    const { pool } = await migratedPool(options.connection, MAILBOX_MIGRATIONS)
    return new PostgresStore(pool, options.connection)
  }

  /**
   * Applies missing migrations in one transaction under an advisory lock, so instances starting
   * together take turns: the second finds the work done.
   */
  static async migrate (pool: pg.Pool): Promise<void> {
    await migrate(pool, MAILBOX_MIGRATIONS)
  }

  async deposit (envelope: NewEnvelope, limits: MailboxLimits, now = Date.now()): Promise<StoredEnvelope> {
    this.#assertOpen()
    return await new Promise((resolve, reject) => {
      this.#pending.push({ envelope, limits, now, resolve, reject })
      this.#kick()
    })
  }

  /** Starts a batch unless one is in flight (its end starts the next with whatever queued meanwhile). */
  #kick (): void {
    if (this.#flushing != null || this.#pending.length === 0) return
    this.#flushing = new Promise<void>(resolve => {
      // One turn of the event loop first, so deposits arriving together start together.
      setImmediate(() => { void this.#flush().finally(resolve) })
    }).finally(() => {
      this.#flushing = undefined
      this.#kick()
    })
  }

  async #flush (): Promise<void> {
    const batch = this.#pending.splice(0, MAX_BATCH)
    let outcomes: Array<StoredEnvelope | Error>
    try {
      outcomes = await transaction(this.pool, async client => await depositBatch(client, batch))
    } catch (err) {
      for (const p of batch) p.reject(err as Error)
      return
    }
    settleBatch(batch, outcomes, this.#commits)
  }

  commitStats (): GroupCommitStats {
    return { ...this.#commits }
  }

  async fetch (recipient: string, after: bigint, limit: number, now = Date.now()): Promise<FetchResult> {
    this.#assertOpen()
    const { rows } = await this.pool.query<Row>(`SELECT seq, id, sender, recipient, sent_at, received_at, expires_at, envelope
      FROM envelopes WHERE recipient = $1 AND seq > $2 AND expires_at > $3 ORDER BY seq LIMIT $4`,
    [recipient, after, now, limit + 1])
    return { envelopes: rows.slice(0, limit).map(toStored), more: rows.length > limit }
  }

  async ack (recipient: string, ids: Uint8Array[]): Promise<number> {
    this.#assertOpen()
    if (ids.length === 0) return 0
    const result = await this.pool.query('DELETE FROM envelopes WHERE recipient = $1 AND id = ANY($2::bytea[])', [recipient, ids])
    return result.rowCount ?? 0
  }

  async ackWithSenders (recipient: string, ids: Uint8Array[]): Promise<AckedEnvelope[]> {
    this.#assertOpen()
    if (ids.length === 0) return []
    const { rows } = await this.pool.query<{ id: Uint8Array, sender: string }>(
      'DELETE FROM envelopes WHERE recipient = $1 AND id = ANY($2::bytea[]) RETURNING id, sender', [recipient, ids])
    return rows.map(r => ({ id: new Uint8Array(r.id), sender: r.sender }))
  }

  async countFrom (recipient: string, sender: string, now = Date.now()): Promise<number> {
    this.#assertOpen()
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM envelopes WHERE recipient = $1 AND sender = $2 AND expires_at > $3', [recipient, sender, now])
    return Number(rows[0].n)
  }

  async deleteMailbox (peer: string, which = { received: true, sent: true }): Promise<number> {
    this.#assertOpen()
    if (!which.received && !which.sent) return 0
    // One statement, so an envelope a device sent to itself is counted once, as SqliteStore does.
    const result = await this.pool.query('DELETE FROM envelopes WHERE ($2 AND recipient = $1) OR ($3 AND sender = $1)',
      [peer, which.received, which.sent])
    return result.rowCount ?? 0
  }

  async usage (recipient: string, now = Date.now()): Promise<MailboxUsage> {
    this.#assertOpen()
    return await usageOn(this.pool, recipient, now)
  }

  async purgeExpired (now = Date.now()): Promise<number> {
    this.#assertOpen()
    return await transaction(this.pool, async client => {
      await client.query('DELETE FROM seen_envelopes WHERE expires_at <= $1', [now])
      return (await client.query('DELETE FROM envelopes WHERE expires_at <= $1', [now])).rowCount ?? 0
    })
  }

  async takeExpired (now: number, limit: number): Promise<ExpiredEnvelope[]> {
    this.#assertOpen()
    // SKIP LOCKED: instances sweeping at once take disjoint rows, so each expiry is told once.
    const { rows } = await this.pool.query<{ id: Uint8Array, sender: string, recipient: string }>(
      `DELETE FROM envelopes WHERE seq IN (SELECT seq FROM envelopes WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, sender, recipient`, [now, limit])
    return rows.map(r => ({ id: new Uint8Array(r.id), sender: r.sender, recipient: r.recipient }))
  }

  async stats (): Promise<StoreStats> {
    this.#assertOpen()
    const { rows } = await this.pool.query<{ envelopes: string, bytes: string, recipients: string }>(
      'SELECT count(*) AS envelopes, coalesce(sum(size), 0) AS bytes, count(DISTINCT recipient) AS recipients FROM envelopes')
    return { envelopes: Number(rows[0].envelopes), bytes: Number(rows[0].bytes), recipients: Number(rows[0].recipients) }
  }

  async subscribeDeposits (listener: DepositListener): Promise<() => Promise<void>> {
    this.#assertOpen()
    return await this.#channel.subscribe(listener)
  }

  /** Idempotent: RendezvousNode.stop closes its store, and so may whoever opened it. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // Deposits already accepted for a batch are committed (or refused) before the pool ends.
    while (this.#flushing != null) await this.#flushing
    await this.#channel.close()
    await this.pool.end()
  }

  #assertOpen (): void {
    if (this.#closed) throw new Error('PostgresStore is closed')
  }
}

async function usageOn (db: pg.Pool | pg.PoolClient, recipient: string, now: number): Promise<MailboxUsage> {
  const { rows } = await db.query<{ count: string, bytes: string }>(
    'SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM envelopes WHERE recipient = $1 AND expires_at > $2', [recipient, now])
  return { count: Number(rows[0].count), bytes: Number(rows[0].bytes) }
}
