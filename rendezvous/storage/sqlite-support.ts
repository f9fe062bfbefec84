// What every embedded SQLite store of the rendezvous shares: the same durability settings, and
// versioned migrations recorded in the database's user_version.
import Database from 'better-sqlite3'

/**
 * Opens a database in WAL mode with fsync on every commit (an ack means it is on disk) and
 * secure_delete, so delivered or deleted data is overwritten rather than left in free pages.
 */
export function openDurableSqlite (path: string, options: { foreignKeys?: boolean } = {}): Database.Database {
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
