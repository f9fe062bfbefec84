// Turns the operator's store setting (`--store`, config `store:`) into a ready RendezvousStore.
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { PostgresAccountStore } from '../accounts/postgres-account-store.ts'
import { SqliteAccountStore } from '../accounts/sqlite-account-store.ts'
import type { AccountStore } from '../accounts/account-store.ts'
import { PostgresBillingStore } from '../billing/postgres-billing-store.ts'
import { SqliteBillingStore } from '../billing/sqlite-billing-store.ts'
import type { BillingStore } from '../billing/billing-store.ts'
import { PostgresPrekeyStore } from '../prekeys/postgres-prekey-store.ts'
import { SqlitePrekeyStore } from '../prekeys/sqlite-prekey-store.ts'
import type { PrekeyStore } from '../prekeys/prekey-store.ts'
import { PostgresStore } from './postgres-store.ts'
import { SqliteStore } from './sqlite-store.ts'
import { PRIVATE_DIR_MODE, securePrivateDir } from './private-files.ts'
import type { RendezvousStore } from './store.ts'

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
 * database, so every instance sees every account; otherwise SQLite beside it under the data dir.
 */
export async function openAccountStore (spec: string | undefined, dataDir: string): Promise<AccountStore> {
  const parsed = parseStoreSpec(spec, dataDir)
  if (parsed.kind === 'postgres') return await PostgresAccountStore.open(parsed.connectionString)
  securePrivateDir(dataDir)
  return new SqliteAccountStore(join(dataDir, 'accounts.sqlite'))
}

/** Opens (and for PostgreSQL, migrates) the store named by `spec`. */
export async function openStore (spec: string | undefined, dataDir: string): Promise<RendezvousStore> {
  const parsed = parseStoreSpec(spec, dataDir)
  if (parsed.kind === 'postgres') return await PostgresStore.open({ connection: parsed.connectionString })
  // An operator's own directory keeps its mode; one created here is owner-only.
  if (parsed.path !== ':memory:') mkdirSync(dirname(parsed.path), { recursive: true, mode: PRIVATE_DIR_MODE })
  return new SqliteStore(parsed.path)
}

/**
 * Prekeys go where the mailbox is: with a PostgreSQL mailbox, in its database (on its pool, so
 * closing the mailbox store closes it), so a bundle published through one instance is fetched
 * through every other; otherwise prekeys.sqlite under the data directory.
 */
export async function openPrekeyStore (mailbox: RendezvousStore, dataDir: string): Promise<PrekeyStore> {
  if (mailbox instanceof PostgresStore) return await PostgresPrekeyStore.open(mailbox.pool)
  securePrivateDir(dataDir)
  return new SqlitePrekeyStore(join(dataDir, 'prekeys.sqlite'))
}

/**
 * Billing lives in the accounts database, so deleting an account unlinks its billing in the same
 * transaction: the PostgreSQL one (every instance then applies the same plans) or accounts.sqlite.
 * Undefined for any other account store: the node then runs without plans.
 */
export async function openBillingStore (accounts: AccountStore): Promise<BillingStore | undefined> {
  if (accounts instanceof PostgresAccountStore) return await PostgresBillingStore.open(accounts)
  if (accounts instanceof SqliteAccountStore) return new SqliteBillingStore(accounts.db)
  return undefined
}

export interface OpenedStores {
  store: RendezvousStore
  accountStore: AccountStore
  prekeyStore: PrekeyStore
  /** Shares the account store's connection or database: closed with it. */
  billingStore?: BillingStore
}

/**
 * Opens every store a rendezvous node needs for `spec`, all in one PostgreSQL database or all
 * SQLite under the data directory. If one cannot be opened, those already open are closed again.
 */
export async function openStores (spec: string | undefined, dataDir: string): Promise<OpenedStores> {
  const opened: Array<{ close(): Promise<void> }> = []
  try {
    const store = await openStore(spec, dataDir)
    opened.push(store)
    const accountStore = await openAccountStore(spec, dataDir)
    opened.push(accountStore)
    const prekeyStore = await openPrekeyStore(store, dataDir)
    opened.push(prekeyStore)
    return { store, accountStore, prekeyStore, billingStore: await openBillingStore(accountStore) }
  } catch (err) {
    // Reverse order: the prekey store may be on the mailbox store's pool.
    for (const s of opened.reverse()) await s.close().catch(() => {})
    throw err
  }
}
