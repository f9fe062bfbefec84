// Schema of the blob store in both dialects (storage/migrations.ts), and the move of blobs that an
// older release kept in the mailbox's SQLite file into blobs.sqlite. Never edit a shipped step.
import type Database from 'better-sqlite3'
import type { DialectMigrations } from '../storage/sql-database.ts'

/** As released (then created on every open, unversioned): IF NOT EXISTS adopts those tables. */
const SQLITE_BLOBS = `
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

const POSTGRES_BLOBS = `CREATE TABLE blobs (
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

export const BLOB_MIGRATIONS: DialectMigrations = {
  store: 'blobs',
  sqlite: { store: 'blobs', steps: [SQLITE_BLOBS] },
  postgres: { store: 'blobs', steps: [POSTGRES_BLOBS], legacy: { table: 'blob_migrations' } }
}

/**
 * Moves blobs from the mailbox's SQLite file (where releases up to 408ccec kept them, on the
 * mailbox's connection) into the blob store's own file, then drops them there. The blob store
 * has a connection of its own now: kysely is asynchronous, and its transactions must not interleave
 * with the mailbox's synchronous ones on one connection. Idempotent: a crash between the copy and
 * the drop copies nothing twice (same seq, same chunk keys) on the next start.
 */
export function importLegacyBlobs (blobs: Database.Database, mailboxFile: string): number {
  blobs.prepare('ATTACH DATABASE ? AS legacy').run(mailboxFile)
  try {
    const has = blobs.prepare("SELECT count(*) AS n FROM legacy.sqlite_master WHERE type = 'table' AND name IN ('blobs', 'blob_chunks')").get() as { n: number }
    if (has.n < 2) return 0
    // The dropped ciphertext is overwritten, not left in free pages of the mailbox file.
    blobs.pragma('legacy.secure_delete = ON')
    const moved = blobs.transaction(() => {
      const n = blobs.prepare('INSERT OR IGNORE INTO main.blobs SELECT * FROM legacy.blobs').run().changes
      blobs.prepare('INSERT OR IGNORE INTO main.blob_chunks SELECT * FROM legacy.blob_chunks').run()
      return n
    }).immediate()
    blobs.transaction(() => {
      blobs.exec('DROP TABLE legacy.blob_chunks; DROP TABLE legacy.blobs;')
    }).immediate()
    blobs.pragma('legacy.wal_checkpoint(TRUNCATE)')
    return moved
  } finally {
    blobs.exec('DETACH DATABASE legacy')
  }
}
