// One SQL connection for the stores written once over kysely (accounts, billing, prekeys, blobs),
// in either dialect, and the few places where SQLite and PostgreSQL really differ: booleans,
// transactions (BEGIN IMMEDIATE vs row and advisory locks), erasing deleted bytes (WAL scrub vs
// VACUUM), and constraint errors. The mailbox stores stay on their own drivers (group commit,
// LISTEN/NOTIFY).
import { resolve } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely'
import type { DatabaseConnection, Driver, SelectQueryBuilder, SqliteDialectConfig } from 'kysely'
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { migrateSqliteStore } from './migrations.ts'
import type { MigrationSet } from './migrations.ts'
import { LOCK_NAMESPACE, migrate } from './postgres-support.ts'
import { openDurableSqlite, walScrubber } from './sqlite-support.ts'

export type Dialect = 'sqlite' | 'postgres'

/** The same statements for both dialects; each store's migrations still say its column types. */
export interface DialectMigrations {
  store: string
  sqlite: MigrationSet
  postgres: MigrationSet
}

interface SharedSqlite { db: Database.Database, kysely: Kysely<unknown>, users: number }

/**
 * One connection per SQLite file in this process. better-sqlite3 is synchronous and kysely is not:
 * two connections to one file would let one wait (blocking the event loop) for a write lock the
 * other holds across an await, so every store on a file shares one connection, and kysely's
 * connection mutex runs their statements and transactions one after another.
 */
const sqliteFiles = new Map<string, SharedSqlite>()

/** Statements kept per connection: enough for every query the stores write, with room to spare. */
const STATEMENT_CACHE = 256

/**
 * kysely prepares every query again; better-sqlite3 statements can be reused (we never iterate
 * two at once), which saves most of a hot call's cost (prekey fetches, docs in stores.ts).
 */
function cachingStatements (db: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>()
  const prepare = (source: string): Database.Statement => {
    let stmt = cache.get(source)
    if (stmt == null) {
      stmt = db.prepare(source)
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string)
      cache.set(source, stmt)
    }
    return stmt
  }
  return new Proxy(db, { get: (target, key) => key === 'prepare' ? prepare : Reflect.get(target, key, target) })
}

/**
 * kysely's SQLite driver, with the one connection handed to waiters in turn: its own mutex wakes
 * every waiter at each release (quadratic under a burst of concurrent prekey fetches).
 */
class QueuedSqliteDriver extends SqliteDriver {
  readonly #waiting: Array<() => void> = []
  #held = false

  override async acquireConnection (): Promise<DatabaseConnection> {
    if (this.#held) await new Promise<void>(resolve => { this.#waiting.push(resolve) })
    this.#held = true
    return await super.acquireConnection()
  }

  override async releaseConnection (): Promise<void> {
    await super.releaseConnection()
    const next = this.#waiting.shift()
    // Handed straight to the next waiter: nobody arriving meanwhile can overtake it.
    if (next != null) next()
    else this.#held = false
  }
}

class QueuedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig

  constructor (config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver (): Driver {
    return new QueuedSqliteDriver(this.#config)
  }
}

export class SqlDatabase {
  readonly dialect: Dialect
  /** The SQLite connection (dialect 'sqlite'). */
  readonly sqlite?: Database.Database
  /** The PostgreSQL pool (dialect 'postgres'). */
  readonly pool?: pg.Pool
  readonly #kysely: Kysely<unknown>
  readonly #close: () => Promise<void>

  private constructor (dialect: Dialect, kysely: Kysely<unknown>, close: () => Promise<void>, handles: { sqlite?: Database.Database, pool?: pg.Pool }) {
    this.dialect = dialect
    this.#kysely = kysely
    this.#close = close
    this.sqlite = handles.sqlite
    this.pool = handles.pool
  }

  /** The shared connection to this file (durable settings, owner-only), opened on first use. */
  static sqliteFile (path: string): SqlDatabase {
    const key = path === ':memory:' ? `:memory:${Math.random()}` : resolve(path)
    let shared = sqliteFiles.get(key)
    if (shared == null) {
      const db = openDurableSqlite(path, { foreignKeys: true })
      shared = { db, kysely: new Kysely<unknown>({ dialect: new QueuedSqliteDialect({ database: cachingStatements(db) }) }), users: 0 }
      sqliteFiles.set(key, shared)
    }
    shared.users++
    const s = shared
    let closed = false
    return new SqlDatabase('sqlite', s.kysely, async () => {
      if (closed) return
      closed = true
      if (--s.users > 0) return
      sqliteFiles.delete(key)
      walScrubber(s.db).flush()
      s.db.close()
    }, { sqlite: s.db })
  }

  /** Statements on `pool`; closing ends the pool only if `owned`. */
  static postgres (pool: pg.Pool, owned: boolean): SqlDatabase {
    const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
    let closed = false
    return new SqlDatabase('postgres', kysely, async () => {
      if (closed || !owned) return
      closed = true
      await pool.end()
    }, { pool })
  }

  /** The query builder, typed with a store's tables. */
  kysely<DB>(): Kysely<DB> {
    return this.#kysely as Kysely<DB>
  }

  async migrate (migrations: DialectMigrations): Promise<void> {
    if (this.sqlite != null) {
      // Under the connection mutex: no statement of another store runs in between.
      const db = this.sqlite
      await this.#kysely.connection().execute(async () => { migrateSqliteStore(db, migrations.sqlite) })
    } else if (this.pool != null) {
      await migrate(this.pool, migrations.postgres)
    }
  }

  /**
   * Runs `body` in one transaction. SQLite: BEGIN IMMEDIATE, so a read-then-write never meets a
   * writer of another process halfway (its busy wait would otherwise fail the upgrade to a write).
   */
  async transaction<DB, T>(body: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return await this.kysely<DB>().transaction().execute(async tx => await body(tx))
    return await this.kysely<DB>().connection().execute(async conn => {
      await sql`BEGIN IMMEDIATE`.execute(conn)
      try {
        const result = await body(conn)
        await sql`COMMIT`.execute(conn)
        return result
      } catch (err) {
        await sql`ROLLBACK`.execute(conn).catch(() => {})
        throw err
      }
    })
  }

  /**
   * Serialises transactions on `key` across every instance sharing the database. SQLite's
   * BEGIN IMMEDIATE already holds the one write lock, so there it is nothing.
   */
  async lock (tx: Kysely<unknown>, key: string | number): Promise<void> {
    if (this.dialect !== 'postgres') return
    if (typeof key === 'number') await sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${key})`.execute(tx)
    else await sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`.execute(tx)
  }

  /** Row locks where the dialect has them (PostgreSQL); SQLite's transaction holds the database. */
  forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, skipLocked = false): SelectQueryBuilder<DB, TB, O> {
    if (this.dialect !== 'postgres') return query
    return skipLocked ? query.forUpdate().skipLocked() : query.forUpdate()
  }

  /** A boolean as the column stores it: BOOLEAN in PostgreSQL, 0/1 in SQLite. */
  bool (value: boolean): boolean | number {
    return this.dialect === 'postgres' ? value : (value ? 1 : 0)
  }

  /**
   * Deleted or overwritten personal data must leave the files: SQLite truncates its WAL (now, or
   * within WAL_SCRUB_DELAY_MS for hot paths); PostgreSQL prunes dead tuples with a best-effort
   * VACUUM of `tables` (docs/privacy.md says what holds), never waiting behind another's vacuum.
   */
  async erase (when: 'now' | 'soon', tables: string[] = []): Promise<void> {
    if (this.sqlite != null) {
      const scrubber = walScrubber(this.sqlite)
      // Under the mutex: a checkpoint inside another store's open transaction could not complete.
      await this.#kysely.connection().execute(async () => { when === 'now' ? scrubber.now() : scrubber.schedule() })
    } else if (when === 'now' && tables.length > 0) {
      await sql.raw(`VACUUM (SKIP_LOCKED) ${tables.join(', ')}`).execute(this.#kysely).catch(() => {})
    }
  }

  async close (): Promise<void> {
    await this.#close()
  }
}

/** A row's boolean, whichever dialect wrote it. */
export const toBool = (v: boolean | number): boolean => v === true || v === 1

/** PostgreSQL returns BIGINT and count(*) as strings; SQLite as numbers. */
export const toNumber = (v: number | string | bigint): number => Number(v)

export const toBytes = (v: Uint8Array): Uint8Array => new Uint8Array(v)

/** A UNIQUE or PRIMARY KEY violation, with the constraint's text (to tell which one). */
export function uniqueViolation (err: unknown): string | undefined {
  const e = err as { code?: string, constraint?: string, message?: string }
  if (e.code === '23505') return e.constraint ?? e.message ?? ''
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return e.message ?? ''
  return undefined
}

/** Count of rows a statement touched, from kysely's result of either dialect. */
export const affected = (n: bigint | undefined): number => Number(n ?? 0n)
