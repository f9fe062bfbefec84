// rendezvous/stores.ts: which stores a `--store` setting opens, and the error for one it cannot.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { SqlAccountStore } from '../../rendezvous/accounts/sql-account-store.ts'
import { SqlBillingStore } from '../../rendezvous/billing/sql-billing-store.ts'
import { SqlBlobStore } from '../../rendezvous/blobs/sql-blob-store.ts'
import { SqlPrekeyStore } from '../../rendezvous/prekeys/sql-prekey-store.ts'
import { StoreSpecError, openStore, openStores, parseStoreSpec } from '../../rendezvous/stores.ts'
import type { Stores } from '../../rendezvous/stores.ts'
import { PostgresStore } from '../../rendezvous/storage/postgres-store.ts'
import { SqliteStore } from '../../rendezvous/storage/sqlite-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import type { RendezvousStore } from '../../rendezvous/storage/store.ts'
import type { PostgresServer } from '../helpers/postgres.ts'

describe('parseStoreSpec', () => {
  it('defaults to SQLite under the data directory', () => {
    expect(parseStoreSpec(undefined, '/data')).toEqual({ kind: 'sqlite', path: '/data/rendezvous.sqlite' })
    expect(parseStoreSpec('  ', '/data')).toEqual({ kind: 'sqlite', path: '/data/rendezvous.sqlite' })
  })

  it('takes sqlite:PATH relative to the working directory', () => {
    expect(parseStoreSpec('sqlite:/var/lib/bc.sqlite', '/data')).toEqual({ kind: 'sqlite', path: '/var/lib/bc.sqlite' })
    expect(parseStoreSpec('sqlite:rel/bc.sqlite', '/data')).toEqual({ kind: 'sqlite', path: resolve('rel/bc.sqlite') })
  })

  it('takes postgres:// and postgresql:// URLs as they are', () => {
    for (const url of ['postgres://u@db:5432/chat', 'postgresql://u:pw@db/chat?sslmode=require']) {
      expect(parseStoreSpec(url, '/data')).toEqual({ kind: 'postgres', connectionString: url })
    }
  })

  it('refuses anything else with a StoreSpecError that never repeats a password', () => {
    for (const bad of ['mysql://u@db/chat', 'sqlite:', 'postgres://', 'rendezvous.sqlite', 'postgress://bob:hunter2@db/chat']) {
      let err: unknown
      try { parseStoreSpec(bad, '/data') } catch (e) { err = e }
      expect((err as Error).name).toBe('StoreSpecError')
      expect((err as Error).message).toMatch(/expected sqlite:PATH, postgres:\/\//)
      expect((err as Error).message).not.toContain('hunter2')
    }
    expect(new StoreSpecError('postgres://bob:hunter2@db/x', 'why').spec).toBe('postgres://bob:***@db/x')
  })
})

describe('openStore', () => {
  let server: PostgresServer
  let dir: string
  let store: RendezvousStore | undefined
  beforeAll(async () => { server = await startPostgres() })
  afterAll(async () => { await server?.stop() })
  afterEach(async () => {
    await store?.close()
    store = undefined
    if (dir != null) rmSync(dir, { recursive: true, force: true })
  })

  it('opens the default SQLite store, creating the data directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'babacloud-open-'))
    store = await openStore(undefined, join(dir, 'nested'))
    expect(store).toBeInstanceOf(SqliteStore)
    expect(await store?.stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
  })

  it('opens and migrates a PostgreSQL store', async () => {
    store = await openStore(await server.createDatabase(), '/unused')
    expect(store).toBeInstanceOf(PostgresStore)
    expect(await store?.stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
  })

  it('rejects when the PostgreSQL database does not exist', async () => {
    await expect(openStore(`postgres://postgres@127.0.0.1:${server.port}/no_such_db`, '/unused')).rejects.toThrow(/no_such_db/)
  })
})

describe('openStores', () => {
  let server: PostgresServer
  let dir: string | undefined
  let stores: Stores | undefined
  beforeAll(async () => { server = await startPostgres() })
  afterAll(async () => { await server?.stop() })
  afterEach(async () => {
    await stores?.close()
    stores = undefined
    if (dir != null) rmSync(dir, { recursive: true, force: true })
  })

  it('keeps everything in SQLite under the data directory by default', async () => {
    dir = mkdtempSync(join(tmpdir(), 'babacloud-open-'))
    stores = await openStores(undefined, dir)
    expect(stores.store).toBeInstanceOf(SqliteStore)
    for (const s of [stores.accountStore, stores.prekeyStore, stores.blobStore]) expect((s as SqlPrekeyStore).sql.dialect).toBe('sqlite')
    expect(stores.billingStore).toBeInstanceOf(SqlBillingStore)
    expect((stores.prekeyStore as SqlPrekeyStore).sql.sqlite?.name).toBe(join(dir, 'prekeys.sqlite'))
    expect((stores.blobStore as SqlBlobStore).sql.sqlite?.name).toBe(join(dir, 'blobs.sqlite'))
    expect((stores.accountStore as SqlAccountStore).sql.sqlite?.name).toBe(join(dir, 'accounts.sqlite'))
  })

  it('keeps everything in the one PostgreSQL database, so every instance shares it', async () => {
    stores = await openStores(await server.createDatabase(), '/unused')
    expect(stores.store).toBeInstanceOf(PostgresStore)
    for (const s of [stores.accountStore, stores.prekeyStore, stores.blobStore]) expect((s as SqlPrekeyStore).sql.dialect).toBe('postgres')
    expect(stores.billingStore).toBeInstanceOf(SqlBillingStore)
    expect((stores.prekeyStore as SqlPrekeyStore).sql.pool).toBe((stores.store as PostgresStore).pool)
    expect((stores.blobStore as SqlBlobStore).sql.pool).toBe((stores.store as PostgresStore).pool)
    expect(await stores.prekeyStore.counts('nobody')).toEqual({ oneTime: 0, pqOneTime: 0, hasBundle: false })
    expect(await stores.billingStore?.totals(['free'])).toEqual({ accountsByPlan: { free: 0 }, invoicesByStatus: {}, revenue: {} })
  })

  it('closes what it opened when a later store cannot be opened', async () => {
    const url = await server.createDatabase()
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      // A foreign table in the way: the account migration fails after the mailbox store opened.
      await admin.query('CREATE TABLE accounts (x INTEGER)')
      await expect(openStores(url, '/unused')).rejects.toThrow(/accounts/)
      const others = async (): Promise<number> => Number((await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].n)
      const deadline = Date.now() + 5_000
      while (await others() > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
      expect(await others()).toBe(0)
    } finally {
      await admin.end()
    }
  })
})
