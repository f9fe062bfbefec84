// openStore: which store a `--store` setting opens, and the error for one it cannot.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { StoreSpecError, openStore, parseStoreSpec } from '../../../rendezvous/storage/open-store.ts'
import { PostgresStore } from '../../../rendezvous/storage/postgres-store.ts'
import { SqliteStore } from '../../../rendezvous/storage/sqlite-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import type { RendezvousStore } from '../../../rendezvous/storage/store.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

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
    expect(await store.stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
  })

  it('opens and migrates a PostgreSQL store', async () => {
    store = await openStore(await server.createDatabase(), '/unused')
    expect(store).toBeInstanceOf(PostgresStore)
    expect(await store.stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
  })

  it('rejects when the PostgreSQL database does not exist', async () => {
    await expect(openStore(`postgres://postgres@127.0.0.1:${server.port}/no_such_db`, '/unused')).rejects.toThrow(/no_such_db/)
  })
})
