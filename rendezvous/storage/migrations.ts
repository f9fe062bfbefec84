// The one migration mechanism of every rendezvous store, in both dialects: numbered SQL steps per
// store, each applied once and recorded in the table store_migrations (store, version), so several
// stores can share a database (accounts and billing; everything in one PostgreSQL database).
// Releases before this table recorded versions elsewhere (SQLite user_version, one PostgreSQL table
// per store); a store's `legacy` says how to read that once, so an upgraded database is not
// migrated twice. Never edit a step that has shipped: add one.
import type Database from 'better-sqlite3'
import type pg from 'pg'

export const MIGRATIONS_TABLE = 'store_migrations'

export interface MigrationSet {
  /** The store's name in store_migrations, e.g. 'accounts'. */
  store: string
  /** Step n (from 1) is steps[n - 1]: one SQL text, run in one transaction with its record. */
  steps: readonly string[]
  /** How far a database written before store_migrations existed had come: 0 when it is new. */
  legacy?: LegacyVersion
}

export type LegacyVersion =
  /** SQLite: maps the file's user_version (shared by every store of that file) to this store's version. */
  | { userVersion: (userVersion: number) => number }
  /** PostgreSQL: the store's old table of applied versions. */
  | { table: string }

/** The database was migrated by a newer release than this one: refusing beats misreading it. */
export class SchemaTooNewError extends Error {
  constructor (store: string, found: number, known: number) {
    super(`the ${store} schema is at version ${found}, newer than this rendezvous knows (${known}); upgrade the rendezvous`)
    this.name = 'SchemaTooNewError'
  }
}

function check (set: MigrationSet, current: number): void {
  if (current > set.steps.length) throw new SchemaTooNewError(set.store, current, set.steps.length)
}

/**
 * Brings a SQLite database up to date, synchronously (the mailbox store opens in a constructor).
 * Each step commits with its record, so a crash between steps resumes at the next one.
 */
export function migrateSqliteStore (db: Database.Database, set: MigrationSet): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    store TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (store, version))`)
  const record = db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (store, version) VALUES (?, ?)`)
  db.transaction(() => {
    const { n } = db.prepare(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE} WHERE store = ?`).get(set.store) as { n: number }
    if (n > 0 || set.legacy == null || !('userVersion' in set.legacy)) return
    // First start of this release on an older file: what the old counter says is already there.
    const adopted = set.legacy.userVersion(db.pragma('user_version', { simple: true }) as number)
    for (let v = 1; v <= adopted; v++) record.run(set.store, v)
  }).immediate()
  const current = (): number => (db.prepare(`SELECT coalesce(max(version), 0) AS v FROM ${MIGRATIONS_TABLE} WHERE store = ?`).get(set.store) as { v: number }).v
  check(set, current())
  for (let v = current(); v < set.steps.length; v++) {
    db.transaction(() => {
      // Another process may have applied it meanwhile (admin CLI beside a node): re-read in the lock.
      if (current() > v) return
      db.exec(set.steps[v])
      record.run(set.store, v + 1)
    }).immediate()
  }
}

/**
 * Brings a PostgreSQL database up to date in one transaction under an advisory lock, so instances
 * starting together take turns: the second finds the work done.
 */
export async function migratePostgresStore (pool: pg.Pool, set: MigrationSet, lock: { namespace: number, id: number }): Promise<void> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [lock.namespace, lock.id])
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      store TEXT NOT NULL, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (store, version))`)
    const version = async (): Promise<number> => Number((await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${MIGRATIONS_TABLE} WHERE store = $1`, [set.store])).rows[0].v ?? 0)
    let current = await version()
    if (current === 0 && set.legacy != null && 'table' in set.legacy) {
      const exists = (await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [set.legacy.table])).rows[0].t != null
      if (exists) {
        const old = Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${set.legacy.table}`)).rows[0].v ?? 0)
        for (let v = 1; v <= old; v++) await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (store, version) VALUES ($1, $2)`, [set.store, v])
        current = old
      }
    }
    check(set, current)
    for (let v = current; v < set.steps.length; v++) {
      await client.query(set.steps[v])
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (store, version) VALUES ($1, $2)`, [set.store, v + 1])
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => { broken = true })
    throw err
  } finally {
    client.release(broken)
  }
}

/** Where a store stands: its version in store_migrations (tests, `admin stats`). */
export function sqliteStoreVersion (db: Database.Database, store: string): number {
  return (db.prepare(`SELECT coalesce(max(version), 0) AS v FROM ${MIGRATIONS_TABLE} WHERE store = ?`).get(store) as { v: number }).v
}
