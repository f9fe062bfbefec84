// Compliance factories (test/compliance/harness.ts) for the stores written over kysely: each test
// gets a fresh SQLite directory or a fresh PostgreSQL database.
import { join } from 'node:path'
import { SqlAccountStore } from '../../rendezvous/accounts/sql-account-store.ts'
import { SqlBillingStore } from '../../rendezvous/billing/sql-billing-store.ts'
import { SqlBlobStore } from '../../rendezvous/blobs/sql-blob-store.ts'
import { SqlPrekeyStore } from '../../rendezvous/prekeys/sql-prekey-store.ts'
import { createPool } from '../../rendezvous/storage/postgres-support.ts'
import { SqlDatabase } from '../../rendezvous/storage/sql-database.ts'
import { storeFactory } from '../compliance/harness.ts'
import { tempDir } from './wait.ts'
import type { StoreFactory } from '../compliance/harness.ts'
import type { BillingStores } from '../compliance/billing-store.ts'
import type { PostgresServer } from './postgres.ts'

/** Where a store lives: a SQLite file, or a PostgreSQL database (each open gets a pool of its own). */
export type SqlTarget = { kind: 'sqlite', file: string, remove(): void } | { kind: 'postgres', url: string }

export function database (target: SqlTarget): SqlDatabase {
  return target.kind === 'sqlite' ? SqlDatabase.sqliteFile(target.file) : SqlDatabase.postgres(createPool(target.url), true)
}

/** A fresh target per test: a temp directory's `file`, or a new database on `server()`. */
export function freshTarget (kind: 'sqlite' | 'postgres', file: string, server?: () => PostgresServer): () => Promise<SqlTarget> {
  return async () => {
    if (kind === 'postgres') {
      if (server == null) throw new Error('a PostgreSQL target needs the server')
      return { kind, url: await server().createDatabase() }
    }
    const tmp = tempDir('babacloud-store-')
    return { kind, file: join(tmp.dir, file), remove: () => { tmp.remove() } }
  }
}

const removeTarget = (t: SqlTarget): void => { if (t.kind === 'sqlite') t.remove() }

export const accountStores = (fresh: () => Promise<SqlTarget>): StoreFactory<SqlAccountStore> =>
  storeFactory(fresh, async t => await SqlAccountStore.open(database(t)), removeTarget)

export const prekeyStores = (fresh: () => Promise<SqlTarget>): StoreFactory<SqlPrekeyStore> =>
  storeFactory(fresh, async t => await SqlPrekeyStore.open(database(t)), removeTarget)

export const blobStores = (fresh: () => Promise<SqlTarget>): StoreFactory<SqlBlobStore> =>
  storeFactory(fresh, async t => await SqlBlobStore.open(database(t)), removeTarget)

export const billingStores = (fresh: () => Promise<SqlTarget>): StoreFactory<BillingStores> =>
  storeFactory(fresh, async t => {
    const accounts = await SqlAccountStore.open(database(t))
    return { accounts, billing: await SqlBillingStore.open(accounts), close: async () => { await accounts.close() } }
  }, removeTarget)
