// The one place that turns the operator's store setting (`--store`, config `store:`) into every
// store a rendezvous node needs: all SQLite files under the data directory, or all in one
// PostgreSQL database (so every instance on it serves the same mailboxes, accounts, bundles, plans
// and blobs). Returns them with one close().
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { SqlAccountStore } from './accounts/sql-account-store.ts'
import type { AccountStore } from './accounts/account-store.ts'
import { SqlBillingStore } from './billing/sql-billing-store.ts'
import type { BillingStore } from './billing/billing-store.ts'
import { SqlPrekeyStore } from './prekeys/sql-prekey-store.ts'
import type { PrekeyStore } from './prekeys/prekey-store.ts'
import { SqlBlobStore } from './blobs/sql-blob-store.ts'
import { importLegacyBlobs } from './blobs/blob-migrations.ts'
import type { BlobStore } from './blobs/blob-store.ts'
import { PostgresStore } from './storage/postgres-store.ts'
import { SqliteStore } from './storage/sqlite-store.ts'
import { SqlDatabase } from './storage/sql-database.ts'
import { PRIVATE_DIR_MODE, securePrivateDir } from './storage/private-files.ts'
import { createPool } from './storage/postgres-support.ts'
import type { RendezvousStore } from './storage/store.ts'

export const STORE_SPEC_FORMS = 'sqlite:PATH, postgres://USER@HOST:PORT/DB or postgresql://…'

/** The store setting names no storage we know how to open. */
export class StoreSpecError extends Error {
  readonly spec: string

  constructor (spec: string, reason: string) {
    super(`invalid store ${JSON.stringify(redact(spec))}: ${reason} (expected ${STORE_SPEC_FORMS})`)
    this.name = 'StoreSpecError'
    this.spec = redact(spec)
  }
}

/** Error messages end up in logs and terminals: never repeat a password from a connection string. */
export function redact (spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')
}

export type StoreSpec =
  | { kind: 'sqlite', path: string }
  | { kind: 'postgres', connectionString: string }

/**
 * Parses a store setting without opening anything. No setting means the embedded SQLite file
 * under the data directory; a relative `sqlite:` path is taken from the working directory, as a
 * shell user would expect.
 */
export function parseStoreSpec (spec: string | undefined, dataDir: string): StoreSpec {
  const text = spec?.trim() ?? ''
  if (text === '') return { kind: 'sqlite', path: join(dataDir, 'rendezvous.sqlite') }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      // Catches typos early, with our message, rather than as a connection error later.
      const url = new URL(text)
      if (url.hostname === '' && !url.searchParams.has('host')) throw new Error('no host')
    } catch {
      throw new StoreSpecError(text, 'not a valid PostgreSQL connection URL')
    }
    return { kind: 'postgres', connectionString: text }
  }
  if (/^sqlite:/i.test(text)) {
    const path = text.slice('sqlite:'.length)
    if (path === '') throw new StoreSpecError(text, 'sqlite: needs a file path')
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) }
  }
  throw new StoreSpecError(text, 'unknown kind of store')
}

/**
 * Opens the account store that goes with the mailbox store named by `spec`: the same PostgreSQL
 * database, so every instance sees every account; otherwise accounts.sqlite under the data dir.
 */
export async function openAccountStore (spec: string | undefined, dataDir: string): Promise<SqlAccountStore> {
  const parsed = parseStoreSpec(spec, dataDir)
  if (parsed.kind === 'postgres') return await SqlAccountStore.open(SqlDatabase.postgres(createPool(parsed.connectionString), true))
  securePrivateDir(dataDir)
  return await SqlAccountStore.open(SqlDatabase.sqliteFile(join(dataDir, 'accounts.sqlite')))
}

/** Opens (and migrates) the mailbox store named by `spec`. */
export async function openStore (spec: string | undefined, dataDir: string): Promise<RendezvousStore> {
  const parsed = parseStoreSpec(spec, dataDir)
  if (parsed.kind === 'postgres') return await PostgresStore.open({ connection: parsed.connectionString })
  // An operator's own directory keeps its mode; one created here is owner-only.
  if (parsed.path !== ':memory:') mkdirSync(dirname(parsed.path), { recursive: true, mode: PRIVATE_DIR_MODE })
  return new SqliteStore(parsed.path)
}

/**
 * Prekeys and blobs go where the mailbox is: with a PostgreSQL mailbox, in its database (on its
 * pool, closed with it), so a bundle or blob published through one instance is fetched through
 * every other; otherwise prekeys.sqlite and blobs.sqlite under the data directory.
 */
function besideMailbox (mailbox: RendezvousStore, dataDir: string, file: string): SqlDatabase {
  if (mailbox instanceof PostgresStore) return SqlDatabase.postgres(mailbox.pool, false)
  securePrivateDir(dataDir)
  return SqlDatabase.sqliteFile(join(dataDir, file))
}

export async function openPrekeyStore (mailbox: RendezvousStore, dataDir: string): Promise<PrekeyStore> {
  return await SqlPrekeyStore.open(besideMailbox(mailbox, dataDir, 'prekeys.sqlite'))
}

/**
 * Blobs had their tables in the mailbox's SQLite file up to release 408ccec; they move into
 * blobs.sqlite on the first start (blob-migrations.ts says why).
 */
export async function openBlobStore (mailbox: RendezvousStore, dataDir: string): Promise<BlobStore> {
  const blobs = await SqlBlobStore.open(besideMailbox(mailbox, dataDir, 'blobs.sqlite'))
  const file = mailbox instanceof SqliteStore ? mailbox.db.name : undefined
  if (blobs.sql.sqlite != null && file != null && file !== ':memory:') importLegacyBlobs(blobs.sql.sqlite, file)
  return blobs
}

/**
 * Billing lives in the accounts database, so deleting an account unlinks its billing in the same
 * transaction. Undefined for an account store of another kind: the node then runs without plans.
 */
export async function openBillingStore (accounts: AccountStore): Promise<BillingStore | undefined> {
  if (accounts instanceof SqlAccountStore) return await SqlBillingStore.open(accounts)
  return undefined
}

export interface Stores {
  store: RendezvousStore
  accountStore: AccountStore
  prekeyStore: PrekeyStore
  blobStore: BlobStore
  /** Shares the account store's database: closed with it. */
  billingStore?: BillingStore
  /** Closes every store, the ones given in too, in an order that keeps shared connections open until last. */
  close(): Promise<void>
}

export type GivenStores = Partial<Omit<Stores, 'close'>>

/**
 * Opens every store a rendezvous node needs for `spec` that `given` does not already hold, all in
 * one PostgreSQL database or all SQLite under the data directory. If one cannot be opened, those
 * already open (and the given ones) are closed again.
 */
export async function openStores (spec: string | undefined, dataDir: string, given: GivenStores = {}): Promise<Stores> {
  // Close order: what may sit on another's connection first (prekeys and blobs on the mailbox
  // pool, billing on the accounts database).
  const opened: Array<{ close(): Promise<void> }> = []
  const closeAll = async (): Promise<void> => {
    for (const s of opened.reverse().splice(0)) await s.close().catch(() => {})
  }
  try {
    const accountStore = given.accountStore ?? await openAccountStore(spec, dataDir)
    opened.push(accountStore)
    const store = given.store ?? await openStore(spec, dataDir)
    opened.push(store)
    const prekeyStore = given.prekeyStore ?? await openPrekeyStore(store, dataDir)
    opened.push(prekeyStore)
    const blobStore = given.blobStore ?? await openBlobStore(store, dataDir)
    opened.push(blobStore)
    const billingStore = given.billingStore ?? await openBillingStore(accountStore)
    return { store, accountStore, prekeyStore, blobStore, billingStore, close: closeAll }
  } catch (err) {
    await closeAll()
    throw err
  }
}
