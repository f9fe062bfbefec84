// Upgrades: data written by the previous release (commit 408ccec, test/fixtures/release-408ccec)
// is migrated by this one without loss, in SQLite (a copy of its data directory, on which a node
// also starts) and in PostgreSQL (its dump restored into a fresh database); a second start changes
// nothing, and a schema newer than this release is refused.
import { ACCOUNT_MIGRATIONS } from '../../../rendezvous/accounts/account-migrations.ts'
import { cpSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../rendezvous/config.ts'
import { RendezvousNode } from '../../../rendezvous/rendezvous-node.ts'
import { openStores } from '../../../rendezvous/stores.ts'
import type { Stores } from '../../../rendezvous/stores.ts'
import { T0, fixtureRows } from '../../fixtures/release-408ccec/rows.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { Cleanup, tempDir } from '../../helpers/wait.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/release-408ccec')

/** Every row the previous release wrote, read back through this release's stores. */
async function expectEveryRow (s: Stores): Promise<void> {
  const rows = fixtureRows()
  for (const { account, devices } of rows.accounts) {
    expect(await s.accountStore.getAccount(account.id)).toEqual(account)
    expect(await s.accountStore.listDevices(account.id)).toEqual(devices)
  }
  expect((await s.accountStore.listAccounts()).map(a => a.id)).toEqual(rows.accounts.map(a => a.account.id))
  for (const v of rows.identifiers) {
    expect(await s.accountStore.listVerifiedIdentifiers(v.accountId)).toEqual([{ kind: v.kind, hash: v.hash, verifiedAt: v.at }])
    expect(await s.accountStore.findIdentifiers([v.hash])).toEqual([{ hash: v.hash, username: 'alice' }])
  }
  expect(await s.accountStore.listAccess(rows.access.map(a => a.peerId))).toEqual(rows.access)
  expect(await s.accountStore.getSetting('discovery-salt')).toEqual(rows.salt)
  const code = rows.codes[0]
  expect(await s.accountStore.tryCode(code.accountId, code.purpose, code.digest, T0)).toEqual({ outcome: 'accepted', target: code.target })

  const billing = s.billingStore
  if (billing == null) throw new Error('no billing store')
  expect(await billing.get('acc-alice')).toEqual(rows.billing[0])
  expect(await billing.listInvoices('acc-alice')).toEqual([rows.invoices[0]])
  expect(await billing.hasEvent('evt_1')).toBe(true)
  // The invoice that arrived before its customer was known is still waiting for it.
  expect(await billing.claimInvoices('cus_unknown', 'acc-bob')).toBe(1)
  expect(await billing.listInvoices('acc-bob')).toEqual([{ ...rows.invoices[1], accountId: 'acc-bob' }])

  const { owner, upload } = rows.prekeys[0]
  expect(await s.prekeyStore.counts(owner)).toEqual({ oneTime: 2, pqOneTime: 1, hasBundle: true })
  expect(await s.prekeyStore.take(owner, { oneTime: true })).toEqual({ signedPrekey: upload.signedPrekey, pqPrekey: upload.pqOneTime[0], oneTimePrekey: upload.oneTime[0] })
  // A u32 key id above 2^31 kept its value.
  expect((await s.prekeyStore.take(owner, { oneTime: true }))?.oneTimePrekey).toEqual(upload.oneTime[1])

  const b = rows.blobs[0]
  expect(await s.blobStore.get(b.blob.recipient, b.blob.id, T0)).toEqual({ ...b.blob, createdAt: T0, expiresAt: b.expiresAt })
  for (const [index, data] of b.chunks.entries()) expect(await s.blobStore.chunk(b.blob.recipient, b.blob.id, index)).toEqual(data)
  expect(await s.blobStore.stats()).toEqual({ blobs: 1, bytes: 300 })

  for (const recipient of ['peer-bob-1', 'peer-alice-2']) {
    const sent = rows.envelopes.filter(e => e.recipient === recipient)
    const page = await s.store.fetch(recipient, 0n, 10, T0)
    expect(page.envelopes.map(e => ({ id: e.id, sender: e.sender, recipient: e.recipient, sentAt: e.sentAt, bytes: e.bytes }))).toEqual(sent)
  }
}

describe('upgrade from release 408ccec', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  function copyOfDataDir (): string {
    const tmp = tempDir('babacloud-upgrade-')
    cleanup.add(tmp.remove)
    cpSync(join(FIXTURE, 'data'), tmp.dir, { recursive: true })
    return tmp.dir
  }

  it('migrates its SQLite data directory without loss, once', async () => {
    const dir = copyOfDataDir()
    const stores = await openStores(undefined, dir)
    cleanup.add(async () => { await stores.close() })
    await expectEveryRow(stores)
    await stores.close()

    // Blobs moved out of the mailbox's file; every store is at its newest version.
    const mailbox = new Database(join(dir, 'rendezvous.sqlite'), { readonly: true })
    cleanup.add(() => { mailbox.close() })
    expect(mailbox.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'blob%'").all()).toEqual([])
    expect(mailbox.prepare('SELECT store, max(version) AS v FROM store_migrations GROUP BY store').all()).toEqual([{ store: 'mailbox', v: 2 }])
    const accounts = new Database(join(dir, 'accounts.sqlite'), { readonly: true })
    cleanup.add(() => { accounts.close() })
    expect(accounts.prepare('SELECT store, max(version) AS v FROM store_migrations GROUP BY store ORDER BY store').all()).toEqual([{ store: 'accounts', v: ACCOUNT_MIGRATIONS.sqlite.steps.length }, { store: 'billing', v: 1 }])

    // A second start finds nothing to do and everything still there.
    const again = await openStores(undefined, dir)
    cleanup.add(async () => { await again.close() })
    expect(await again.blobStore.stats()).toEqual({ blobs: 1, bytes: 300 })
    expect(await again.accountStore.getAccount('acc-bob')).toEqual(fixtureRows().accounts[1].account)
    expect((await again.store.stats()).envelopes).toBe(3)
  })

  it('starts a node on its data directory', async () => {
    const dir = copyOfDataDir()
    const node = new RendezvousNode({ dataDir: dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false }), now: () => T0 })
    cleanup.add(async () => { await node.stop() })
    await node.start()
    expect((await node.store.stats()).envelopes).toBe(3)
    expect(await node.blobs.stats()).toEqual({ blobs: 1, bytes: 300 })
    expect((await node.billing.limitsFor('peer-alice-1')).plan).toBe('premium')
  })

  it('refuses a SQLite schema newer than this release', async () => {
    const dir = copyOfDataDir()
    const stores = await openStores(undefined, dir)
    await stores.close()
    const db = new Database(join(dir, 'prekeys.sqlite'))
    db.prepare("INSERT INTO store_migrations (store, version) VALUES ('prekeys', 9)").run()
    db.close()
    await expect(openStores(undefined, dir)).rejects.toThrow(/prekeys schema is at version 9, newer than this rendezvous/)
  })

  describe('PostgreSQL', () => {
    let server: PostgresServer
    beforeAll(async () => { server = await startPostgres() })
    afterAll(async () => { await server?.stop() })

    it('migrates a database restored from its dump without loss, once', async () => {
      const url = await server.createDatabase()
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        // pg_dump --inserts output; its psql-only lines (\restrict) are not SQL.
        await client.query(readFileSync(join(FIXTURE, 'postgres.sql'), 'utf8').split('\n').filter(l => !l.startsWith('\\')).join('\n'))
      } finally {
        await client.end()
      }
      const dir = copyOfDataDir()
      const stores = await openStores(url, dir)
      cleanup.add(async () => { await stores.close() })
      await expectEveryRow(stores)
      const pool = new pg.Pool({ connectionString: url })
      cleanup.add(async () => { await pool.end() })
      const { rows } = await pool.query('SELECT store, max(version) AS v FROM store_migrations GROUP BY store ORDER BY store')
      expect(rows).toEqual([{ store: 'accounts', v: ACCOUNT_MIGRATIONS.postgres.steps.length }, { store: 'billing', v: 1 }, { store: 'blobs', v: 1 }, { store: 'mailbox', v: 2 }, { store: 'prekeys', v: 1 }])
      await stores.close()
      const again = await openStores(url, dir)
      cleanup.add(async () => { await again.close() })
      expect(await again.blobStore.stats()).toEqual({ blobs: 1, bytes: 300 })
    })
  })
})
