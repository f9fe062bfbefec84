// Blob storage in PostgreSQL, for instances sharing one database: a blob uploaded through one
// instance can be downloaded through any other. Uses the mailbox store's pool when given one.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { LOCK_NAMESPACE, migratedPool, transaction } from '../storage/postgres-support.ts'
import { refuseOverLimits } from './blob-store.ts'
import type { BlobFilter, BlobLimits, BlobStats, BlobStore, NewBlob, StoredBlob } from './blob-store.ts'
import type pg from 'pg'

/** Applied in order, each once, recorded in blob_migrations. Never edit one that has shipped. */
const MIGRATIONS: string[] = [
  `CREATE TABLE blobs (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     recipient TEXT NOT NULL,
     id BYTEA NOT NULL,
     sender TEXT NOT NULL,
     size BIGINT NOT NULL,
     chunks INTEGER NOT NULL,
     complete BOOLEAN NOT NULL DEFAULT false,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     UNIQUE (recipient, id)
   );
   CREATE INDEX blobs_by_expiry ON blobs (expires_at);
   CREATE INDEX blobs_by_sender ON blobs (sender);
   CREATE TABLE blob_chunks (
     blob BIGINT NOT NULL REFERENCES blobs (seq) ON DELETE CASCADE,
     idx INTEGER NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (blob, idx)
   );`
]

/** Second key of the migration lock: 'blob', apart from the other adapters' migration locks. */
const MIGRATION_LOCK = 0x626c6f62
/** Second key of the lock every upload's admission takes: the node-wide budget is one counter. */
const BUDGET_LOCK = 0x62756467 // 'budg'

interface BlobRow {
  recipient: string
  id: Uint8Array
  sender: string
  size: string
  chunks: number
  created_at: string
  expires_at: string
}

function toBlob (row: BlobRow): StoredBlob {
  return { id: new Uint8Array(row.id), sender: row.sender, recipient: row.recipient, size: Number(row.size), chunks: row.chunks, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }
}

export class PostgresBlobStore implements BlobStore {
  readonly pool: pg.Pool
  readonly #owned: boolean

  private constructor (pool: pg.Pool, owned: boolean) {
    this.pool = pool
    this.#owned = owned
  }

  /** A connection string opens a pool of its own; a pool is shared and left open on close(). */
  static async open (connection: string | pg.Pool): Promise<PostgresBlobStore> {
    const { pool, owned } = await migratedPool(connection, 'blob_migrations', MIGRATION_LOCK, MIGRATIONS)
    return new PostgresBlobStore(pool, owned)
  }

  async begin (blob: NewBlob, limits: BlobLimits, now: number, staleAt: number): Promise<void> {
    await transaction(this.pool, async client => {
      // The budget spans every recipient and every instance: admissions take turns under one lock,
      // so the sums below and the insert are one step and concurrent uploads cannot overshoot.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, BUDGET_LOCK])
      const { rows } = await client.query<{ sender: string, total: string }>(`SELECT
        coalesce(sum(size) FILTER (WHERE sender = $1), 0) AS sender, coalesce(sum(size), 0) AS total
        FROM blobs WHERE expires_at > $2`, [blob.sender, now])
      refuseOverLimits(blob, limits, Number(rows[0].sender), Number(rows[0].total))
      const inserted = await client.query(`INSERT INTO blobs (recipient, id, sender, size, chunks, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [blob.recipient, blob.id, blob.sender, blob.size, blob.chunks, now, staleAt])
      if (inserted.rowCount === 0) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'a blob with this id is already waiting for the recipient')
    })
  }

  async putChunks (recipient: string, id: Uint8Array, chunks: Array<{ index: number, data: Uint8Array }>): Promise<void> {
    const result = await this.pool.query(`INSERT INTO blob_chunks (blob, idx, data)
      SELECT b.seq, c.idx, c.data FROM blobs b, unnest($3::int[], $4::bytea[]) AS c (idx, data)
      WHERE b.recipient = $1 AND b.id = $2 AND NOT b.complete`,
    [recipient, id, chunks.map(c => c.index), chunks.map(c => c.data)])
    if (result.rowCount !== chunks.length) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
  }

  async complete (recipient: string, id: Uint8Array, expiresAt: number): Promise<void> {
    const result = await this.pool.query('UPDATE blobs SET complete = true, expires_at = $3 WHERE recipient = $1 AND id = $2 AND NOT complete', [recipient, id, expiresAt])
    if (result.rowCount === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
  }

  async get (recipient: string, id: Uint8Array, now: number, filter: BlobFilter = {}): Promise<StoredBlob | undefined> {
    const { rows } = await this.pool.query<BlobRow>('SELECT * FROM blobs WHERE recipient = $1 AND id = $2 AND complete AND expires_at > $3 AND ($4::text IS NULL OR sender = $4)', [recipient, id, now, filter.sender ?? null])
    return rows[0] == null ? undefined : toBlob(rows[0])
  }

  async chunk (recipient: string, id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ data: Uint8Array }>('SELECT c.data FROM blob_chunks c JOIN blobs b ON b.seq = c.blob WHERE b.recipient = $1 AND b.id = $2 AND c.idx = $3', [recipient, id, index])
    return rows[0] == null ? undefined : new Uint8Array(rows[0].data)
  }

  async list (recipient: string, now: number, after: Uint8Array | undefined, limit: number): Promise<StoredBlob[]> {
    const { rows } = await this.pool.query<BlobRow>('SELECT * FROM blobs WHERE recipient = $1 AND complete AND expires_at > $2 AND id > $3 ORDER BY id LIMIT $4', [recipient, now, after ?? new Uint8Array(), limit])
    return rows.map(toBlob)
  }

  async delete (recipient: string, id: Uint8Array, filter: BlobFilter = {}): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM blobs WHERE recipient = $1 AND id = $2 AND ($3::text IS NULL OR sender = $3)', [recipient, id, filter.sender ?? null])).rowCount ?? 0) > 0
  }

  async clear (recipient: string, filter: BlobFilter = {}): Promise<number> {
    return (await this.pool.query('DELETE FROM blobs WHERE recipient = $1 AND ($2::text IS NULL OR sender = $2)', [recipient, filter.sender ?? null])).rowCount ?? 0
  }

  async senderUsage (sender: string, now: number): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string }>('SELECT coalesce(sum(size), 0) AS bytes FROM blobs WHERE sender = $1 AND expires_at > $2', [sender, now])
    return Number(rows[0].bytes)
  }

  async totalUsage (now: number): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string }>('SELECT coalesce(sum(size), 0) AS bytes FROM blobs WHERE expires_at > $1', [now])
    return Number(rows[0].bytes)
  }

  async deleteFor (peer: string, which = { received: true, sent: true }): Promise<number> {
    const result = await this.pool.query('DELETE FROM blobs WHERE ($2 AND recipient = $1) OR ($3 AND sender = $1)', [peer, which.received, which.sent])
    return result.rowCount ?? 0
  }

  async purgeExpired (now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM blobs WHERE expires_at <= $1', [now])).rowCount ?? 0
  }

  async stats (): Promise<BlobStats> {
    const { rows } = await this.pool.query<{ blobs: string, bytes: string }>('SELECT count(*) AS blobs, coalesce(sum(size), 0) AS bytes FROM blobs WHERE complete')
    return { blobs: Number(rows[0].blobs), bytes: Number(rows[0].bytes) }
  }

  async close (): Promise<void> {
    if (this.#owned) await this.pool.end()
  }
}
