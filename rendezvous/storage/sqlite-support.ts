// What every embedded SQLite store of the rendezvous shares: the same durability settings, owner-only
// files, erasure that reaches the write-ahead log, and versioned migrations in user_version.
import Database from 'better-sqlite3'
import { securePrivateSqlite } from './private-files.ts'

/**
 * Opens a database in WAL mode with fsync on every commit (an ack means it is on disk) and
 * secure_delete, so delivered or deleted data is overwritten rather than left in free pages. The
 * files are created (or fixed to) 0600 first.
 */
export function openDurableSqlite (path: string, options: { foreignKeys?: boolean } = {}): Database.Database {
  securePrivateSqlite(path)
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('secure_delete = ON')
  db.pragma('busy_timeout = 5000')
  if (options.foreignKeys === true) db.pragma('foreign_keys = ON')
  return db
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrateSqlite (db: Database.Database, migrations: string[]): void {
  const version = db.pragma('user_version', { simple: true }) as number
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}

/**
 * How long bytes deleted on a hot path (acked envelopes, expired data, downloaded blobs) may stay
 * in the write-ahead log: one checkpoint at most this long after the first such deletion.
 */
export const WAL_SCRUB_DELAY_MS = 1_000

/**
 * Copies the write-ahead log into the database and truncates it to zero bytes. secure_delete
 * zeroes deleted rows in the database, but the WAL still holds the page images written before the
 * deletion until it is checkpointed and cut. False when another connection's reader still holds
 * an older snapshot (after waiting busy_timeout for it).
 */
export function truncateWal (db: Database.Database): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>
  return result?.busy === 0
}

/**
 * Erases deleted data from the WAL of one database connection: at once for erasure that must leave
 * no trace before the answer (account deletion), or batched within WAL_SCRUB_DELAY_MS for
 * deletions on a hot path, so acks never pay a checkpoint each. A checkpoint that a foreign
 * reader blocks is retried every delay until it completes.
 */
export class WalScrubber {
  readonly #db: Database.Database
  readonly #delayMs: number
  #timer?: ReturnType<typeof setTimeout>

  constructor (db: Database.Database, delayMs = WAL_SCRUB_DELAY_MS) {
    this.#db = db
    this.#delayMs = delayMs
  }

  /** Truncates the WAL now; false (and a retry scheduled) if a foreign reader blocked it. */
  now (): boolean {
    if (!this.#db.open) return true
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (truncateWal(this.#db)) return true
    this.schedule()
    return false
  }

  /** Something was deleted: truncate the WAL within the delay (one checkpoint for many deletions). */
  schedule (): void {
    if (this.#timer != null || !this.#db.open) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      try {
        this.now()
      } catch {
        // A closed or failing database: the next deletion schedules again; close() checkpoints.
      }
    }, this.#delayMs)
    this.#timer.unref()
  }

  /** Runs a pending scrub before the database closes. */
  flush (): void {
    if (this.#timer != null) this.now()
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

const scrubbers = new WeakMap<Database.Database, WalScrubber>()

/** The one scrubber of a connection: stores sharing a database (mailbox and blobs) share it. */
export function walScrubber (db: Database.Database): WalScrubber {
  let scrubber = scrubbers.get(db)
  if (scrubber == null) {
    scrubber = new WalScrubber(db)
    scrubbers.set(db, scrubber)
  }
  return scrubber
}
