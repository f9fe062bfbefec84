// What every PostgreSQL adapter of the rendezvous shares: pools that fail fast, transactions, and
// versioned migrations (migrations.ts) that instances starting together apply one at a time.
import pg from 'pg'
import { migratePostgresStore } from './migrations.ts'
import type { MigrationSet } from './migrations.ts'

// Advisory lock keys. The two-int form lives in a key space apart from the one-bigint form, and the
// first int namespaces our locks away from anything else sharing the database.
export const LOCK_NAMESPACE = 0x62616261 // 'baba'
const CONNECT_TIMEOUT_MS = 10_000

export function createPool (connection: string | pg.PoolConfig): pg.Pool {
  const given: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : connection
  // pg waits for a connection forever by default; a request should fail while the database is
  // unreachable rather than pile up behind it.
  const pool = new pg.Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...given })
  // An idle client losing its server emits on the pool; without a handler that would crash the process.
  pool.on('error', () => {})
  return pool
}

/** Runs `body` in a transaction on one pooled client; rolls back on any error. */
export async function transaction<T> (pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    const result = await body(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    // A client that cannot even roll back is not returned to the pool for the next caller.
    await client.query('ROLLBACK').catch(() => { broken = true })
    throw err
  } finally {
    client.release(broken)
  }
}

/** The advisory lock every store's migration takes ('migr'): one migration at a time per database. */
const MIGRATION_LOCK = 0x6d696772

/** Applies the store's missing migrations (migrations.ts), instances taking turns. */
export async function migrate (pool: pg.Pool, set: MigrationSet): Promise<void> {
  await migratePostgresStore(pool, set, { namespace: LOCK_NAMESPACE, id: MIGRATION_LOCK })
}

/**
 * A pool with the schema brought up to date. Given connection settings it opens a pool of its own
 * (`owned`, ended again if the migration fails); given a pool, it shares that one.
 */
export async function migratedPool (connection: string | pg.PoolConfig | pg.Pool, set: MigrationSet): Promise<{ pool: pg.Pool, owned: boolean }> {
  const owned = !(connection instanceof pg.Pool)
  const pool = connection instanceof pg.Pool ? connection : createPool(connection)
  try {
    await migrate(pool, set)
  } catch (err) {
    if (owned) await pool.end().catch(() => {})
    throw err
  }
  return { pool, owned }
}
