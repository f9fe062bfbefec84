// Runs the shared store contract against PostgresStore on a throwaway server (a fresh database
// per test), then what only a shared database has: several instances, migrations, LISTEN/NOTIFY.
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode, ProtocolError } from '../../../protocol/errors.ts'
import { DepositChannel } from '../../../rendezvous/storage/postgres-listener.ts'
import { PostgresStore } from '../../../rendezvous/storage/postgres-store.ts'
import { makeEnvelope, rendezvousStoreCompliance } from '../../compliance/rendezvous-store.ts'
import { storeFactory } from '../../compliance/harness.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

const LIMITS = { maxMessages: 1000, maxBytes: 1 << 20, retentionMs: 60_000 }

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

rendezvousStoreCompliance('PostgresStore', storeFactory(
  async () => await server.createDatabase(),
  async url => await PostgresStore.open({ connection: url })))

async function waitFor (what: string, check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('PostgresStore across instances', () => {
  const stores: PostgresStore[] = []
  const open = async (url: string): Promise<PostgresStore> => {
    const store = await PostgresStore.open({ connection: url })
    stores.push(store)
    return store
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
  })

  it('migrates once when instances start together, and refuses a schema newer than itself', async () => {
    const url = await server.createDatabase()
    const [a] = await Promise.all([open(url), open(url), open(url)])
    const { rows } = await a.pool.query("SELECT version FROM store_migrations WHERE store = 'mailbox' ORDER BY version")
    // Each migration once (the second adds the usage index), however many instances raced.
    expect(rows).toEqual([{ version: 1 }, { version: 2 }])
    await open(url)
    await a.pool.query("INSERT INTO store_migrations (store, version) VALUES ('mailbox', 99)")
    await expect(PostgresStore.open({ connection: url })).rejects.toThrow(/mailbox schema is at version 99, newer than this rendezvous/)
  })

  it('holds a recipient\'s cap exactly when two instances deposit at once', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await open(url), await open(url)]
    const limits = { ...LIMITS, maxMessages: 7 }
    const results = await Promise.allSettled(Array.from({ length: 30 }, async (_, i) =>
      await (i % 2 === 0 ? a : b).deposit(makeEnvelope('bob'), limits)))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(7)
    expect(results.every(r => r.status === 'fulfilled' || ProtocolError.is(r.reason, ErrorCode.MAILBOX_FULL))).toBe(true)
    expect((await b.usage('bob')).count).toBe(7)
  })

  it('commits two instances\' batches over the same recipients without deadlock, caps exact', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await open(url), await open(url)]
    const limits = { ...LIMITS, maxMessages: 9 }
    const recipients = ['bob', 'carol', 'dave', 'erin']
    // Each batch locks several recipients: in different orders of arrival on the two instances.
    const results = await Promise.allSettled(Array.from({ length: 80 }, async (_, i) => {
      const store = i % 2 === 0 ? a : b
      const j = (i >> 1) % recipients.length
      const recipient = recipients[i % 2 === 0 ? j : recipients.length - 1 - j]
      return await store.deposit(makeEnvelope(recipient), limits)
    }))
    expect(results.every(r => r.status === 'fulfilled' || ProtocolError.is(r.reason, ErrorCode.MAILBOX_FULL))).toBe(true)
    for (const r of recipients) expect((await a.usage(r)).count).toBe(9)
    expect(a.commitStats().largest + b.commitStats().largest).toBeGreaterThan(2)
  })

  it('rejects the same envelope deposited through two instances at once as a replay, once', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await open(url), await open(url)]
    const e = makeEnvelope('bob')
    const results = await Promise.allSettled([a.deposit(e, LIMITS), b.deposit(e, LIMITS)])
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find(r => r.status === 'rejected')
    expect(ProtocolError.is(refused?.reason, ErrorCode.REPLAY)).toBe(true)
  })

  it('tells a subscriber on one instance about deposits committed through another', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await open(url), await open(url)]
    const seen: string[] = []
    await b.subscribeDeposits(recipient => { seen.push(recipient) })
    await a.deposit(makeEnvelope('bob'), LIMITS)
    await waitFor('the notification on instance B', () => seen.includes('bob'))
  })

  it('reconnects its LISTEN session when it drops and catches up on deposits made meanwhile', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await open(url), await open(url)]
    const seen: string[] = []
    await b.subscribeDeposits(recipient => { seen.push(recipient) })
    const admin = new pg.Client({ connectionString: server.adminUrl })
    await admin.connect()
    try {
      const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
        [DepositChannel.APPLICATION_NAME, new URL(url).pathname.slice(1)])
      expect(killed.rowCount).toBe(1)
    } finally {
      await admin.end()
    }
    // Deposited while B is not listening: only the catch-up after reconnecting can report it.
    await a.deposit(makeEnvelope('carol'), LIMITS)
    await waitFor('the catch-up after reconnecting', () => seen.includes('carol'))
    await a.deposit(makeEnvelope('dave'), LIMITS)
    await waitFor('a notification on the new session', () => seen.includes('dave'))
  })

  it('closes idempotently and refuses work afterwards', async () => {
    const store = await PostgresStore.open({ connection: await server.createDatabase() })
    await store.close()
    await store.close()
    await expect(store.stats()).rejects.toThrow(/closed/)
  })
})
