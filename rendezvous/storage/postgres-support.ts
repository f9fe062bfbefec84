// What every PostgreSQL adapter of the rendezvous shares: pools that fail fast, transactions, and
// versioned migrations that instances starting together apply one at a time.
import pg from 'pg'

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

/**
 * Applies missing migrations in one transaction under an advisory lock, recording each in
 * `table`, so instances starting together take turns: the second finds the work done.
 */
export async function migrate (pool: pg.Pool, table: string, lockId: number, migrations: string[]): Promise<void> {
  await transaction(pool, async client => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, lockId])
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${table}`)
    const current = rows[0].version ?? 0
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this rendezvous (${migrations.length}, in ${table}); upgrade it`)
    }
    for (let v = current; v < migrations.length; v++) {
      await client.query(migrations[v])
      await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [v + 1])
    }
  })
}

/**
 * A pool with the schema brought up to date. Given connection settings it opens a pool of its own
 * (`owned`, ended again if the migration fails); given a pool, it shares that one.
 */
export async function migratedPool (connection: string | pg.PoolConfig | pg.Pool, table: string, lockId: number, migrations: string[]): Promise<{ pool: pg.Pool, owned: boolean }> {
  const owned = !(connection instanceof pg.Pool)
  const pool = connection instanceof pg.Pool ? connection : createPool(connection)
  try {
    await migrate(pool, table, lockId, migrations)
  } catch (err) {
    if (owned) await pool.end().catch(() => {})
    throw err
  }
  return { pool, owned }
}
