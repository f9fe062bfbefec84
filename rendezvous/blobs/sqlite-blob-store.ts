// Blob storage in SQLite. Shares the mailbox store's database when that is SQLite (one file, one
// connection, the same WAL, synchronous=FULL and secure_delete settings), or opens its own file.
import type Database from 'better-sqlite3'
import { openDurableSqlite, walScrubber } from '../storage/sqlite-support.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { refuseOverLimits } from './blob-store.ts'
import type { BlobFilter, BlobLimits, BlobStats, BlobStore, NewBlob, StoredBlob } from './blob-store.ts'

// Tables of their own, created if missing: the mailbox store numbers its migrations with
// user_version, which this store must not touch in a shared database.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS blobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    id BLOB NOT NULL,
    sender TEXT NOT NULL,
    size INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (recipient, id)
  );
  CREATE INDEX IF NOT EXISTS blobs_by_expiry ON blobs (expires_at);
  CREATE INDEX IF NOT EXISTS blobs_by_sender ON blobs (sender);
  CREATE TABLE IF NOT EXISTS blob_chunks (
    blob INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob, idx)
  );`

interface BlobRow {
  seq: number
  recipient: string
  id: Uint8Array
  sender: string
  size: number
  chunks: number
  created_at: number
  expires_at: number
}

function toBlob (row: BlobRow): StoredBlob {
  return { id: new Uint8Array(row.id), sender: row.sender, recipient: row.recipient, size: row.size, chunks: row.chunks, createdAt: row.created_at, expiresAt: row.expires_at }
}

export class SqliteBlobStore implements BlobStore {
  readonly db: Database.Database
  readonly #owned: boolean

  /** A path opens a database of its own; a Database handle is shared and left open on close(). */
  constructor (database: string | Database.Database) {
    this.#owned = typeof database === 'string'
    this.db = typeof database === 'string' ? openDurableSqlite(database) : database
    this.db.exec(SCHEMA)
    // An upload cut off by a restart can never complete: its stream is gone.
    this.#deleteWhere('complete = 0')
  }

  #deleteWhere (where: string, ...params: unknown[]): number {
    const n = this.db.transaction(() => {
      this.db.prepare(`DELETE FROM blob_chunks WHERE blob IN (SELECT seq FROM blobs WHERE ${where})`).run(...params)
      return this.db.prepare(`DELETE FROM blobs WHERE ${where}`).run(...params).changes
    })()
    // Deleted ciphertext leaves the write-ahead log within WAL_SCRUB_DELAY_MS (deleteFor: at once).
    if (n > 0) walScrubber(this.db).schedule()
    return n
  }

  #seq (recipient: string, id: Uint8Array): number | undefined {
    return (this.db.prepare('SELECT seq FROM blobs WHERE recipient = ? AND id = ?').get(recipient, id) as { seq: number } | undefined)?.seq
  }

  async begin (blob: NewBlob, limits: BlobLimits, now: number, staleAt: number): Promise<void> {
    // One synchronous transaction on the one connection: nothing else runs between the checks
    // and the insert, so concurrent uploads cannot overshoot either limit.
    this.db.transaction(() => {
      if (this.#seq(blob.recipient, blob.id) != null) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'a blob with this id is already waiting for the recipient')
      refuseOverLimits(blob, limits, this.#senderUsage(blob.sender, now), this.#totalUsage(now))
      this.db.prepare('INSERT INTO blobs (recipient, id, sender, size, chunks, complete, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
        .run(blob.recipient, blob.id, blob.sender, blob.size, blob.chunks, now, staleAt)
    }).immediate()
  }

  async putChunks (recipient: string, id: Uint8Array, chunks: Array<{ index: number, data: Uint8Array }>): Promise<void> {
    const seq = this.#seq(recipient, id)
    if (seq == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
    const insert = this.db.prepare('INSERT INTO blob_chunks (blob, idx, data) VALUES (?, ?, ?)')
    this.db.transaction(() => { for (const c of chunks) insert.run(seq, c.index, c.data) })()
  }

  async complete (recipient: string, id: Uint8Array, expiresAt: number): Promise<void> {
    const changes = this.db.prepare('UPDATE blobs SET complete = 1, expires_at = ? WHERE recipient = ? AND id = ? AND complete = 0').run(expiresAt, recipient, id).changes
    if (changes === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
  }

  async get (recipient: string, id: Uint8Array, now: number, filter: BlobFilter = {}): Promise<StoredBlob | undefined> {
    const row = this.db.prepare('SELECT * FROM blobs WHERE recipient = ? AND id = ? AND complete = 1 AND expires_at > ? AND (? IS NULL OR sender = ?)')
      .get(recipient, id, now, filter.sender ?? null, filter.sender ?? null) as BlobRow | undefined
    return row == null ? undefined : toBlob(row)
  }

  async chunk (recipient: string, id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    const row = this.db.prepare('SELECT c.data FROM blob_chunks c JOIN blobs b ON b.seq = c.blob WHERE b.recipient = ? AND b.id = ? AND c.idx = ?')
      .get(recipient, id, index) as { data: Uint8Array } | undefined
    return row == null ? undefined : new Uint8Array(row.data)
  }

  async list (recipient: string, now: number, after: Uint8Array | undefined, limit: number): Promise<StoredBlob[]> {
    const rows = this.db.prepare('SELECT * FROM blobs WHERE recipient = ? AND complete = 1 AND expires_at > ? AND id > ? ORDER BY id LIMIT ?')
      .all(recipient, now, after ?? new Uint8Array(), limit) as BlobRow[]
    return rows.map(toBlob)
  }

  async delete (recipient: string, id: Uint8Array, filter: BlobFilter = {}): Promise<boolean> {
    if (filter.sender != null) return this.#deleteWhere('recipient = ? AND id = ? AND sender = ?', recipient, id, filter.sender) > 0
    return this.#deleteWhere('recipient = ? AND id = ?', recipient, id) > 0
  }

  async clear (recipient: string, filter: BlobFilter = {}): Promise<number> {
    if (filter.sender != null) return this.#deleteWhere('recipient = ? AND sender = ?', recipient, filter.sender)
    return this.#deleteWhere('recipient = ?', recipient)
  }

  #senderUsage (sender: string, now: number): number {
    return (this.db.prepare('SELECT coalesce(sum(size), 0) AS bytes FROM blobs WHERE sender = ? AND expires_at > ?').get(sender, now) as { bytes: number }).bytes
  }

  #totalUsage (now: number): number {
    return (this.db.prepare('SELECT coalesce(sum(size), 0) AS bytes FROM blobs WHERE expires_at > ?').get(now) as { bytes: number }).bytes
  }

  async senderUsage (sender: string, now: number): Promise<number> {
    return this.#senderUsage(sender, now)
  }

  async totalUsage (now: number): Promise<number> {
    return this.#totalUsage(now)
  }

  async deleteFor (peer: string, which = { received: true, sent: true }): Promise<number> {
    let n = 0
    if (which.received) n += this.#deleteWhere('recipient = ?', peer)
    if (which.sent) n += this.#deleteWhere('sender = ?', peer)
    walScrubber(this.db).now()
    return n
  }

  async purgeExpired (now: number): Promise<number> {
    return this.#deleteWhere('expires_at <= ?', now)
  }

  async stats (): Promise<BlobStats> {
    return sqliteBlobStats(this.db)
  }

  async close (): Promise<void> {
    if (!this.#owned) return
    walScrubber(this.db).flush()
    this.db.close()
  }
}

/**
 * Blob totals read from a database some running node may own (`babacloud admin stats`), without
 * opening a store: opening one drops unfinished uploads, which would cut off a live node's.
 */
export function sqliteBlobStats (db: Database.Database): BlobStats {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get() != null
  if (!hasTable) return { blobs: 0, bytes: 0 }
  return db.prepare('SELECT count(*) AS blobs, coalesce(sum(size), 0) AS bytes FROM blobs WHERE complete = 1').get() as BlobStats
}
