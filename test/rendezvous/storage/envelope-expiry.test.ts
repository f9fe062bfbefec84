// A disappearing envelope's own expiry on the node, in both stores: it can only shorten how long the
// node keeps the envelope (never past the retention), it is neither fetched nor counted after it,
// and the sweep deletes the row. The replay record still lasts the whole retention.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../protocol/errors.ts'
import { PostgresStore } from '../../../rendezvous/storage/postgres-store.ts'
import { SqliteStore } from '../../../rendezvous/storage/sqlite-store.ts'
import { makeEnvelope } from '../../compliance/rendezvous-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { tempDir } from '../../helpers/wait.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'
import type { RendezvousStore } from '../../../rendezvous/storage/store.ts'

const LIMITS = { maxMessages: 100, maxBytes: 1 << 20, retentionMs: 60_000 }
const NOW = 1_800_000_000_000

function expiryContract (name: string, open: () => Promise<RendezvousStore>): void {
  describe(name, () => {
    let store: RendezvousStore
    beforeAll(async () => { store = await open() })
    afterAll(async () => { await store.close() })

    it('keeps an envelope until its own expiry when that comes first, and deletes it then', async () => {
      const env = { ...makeEnvelope('bob'), expiresAt: NOW + 3_000 }
      expect((await store.deposit(env, LIMITS, NOW)).expiresAt).toBe(NOW + 3_000)
      expect((await store.fetch('bob', 0n, 10, NOW + 2_999)).envelopes).toHaveLength(1)
      expect((await store.fetch('bob', 0n, 10, NOW + 3_000)).envelopes).toHaveLength(0)
      expect((await store.usage('bob', NOW + 3_000)).count).toBe(0)
      expect(await store.purgeExpired(NOW + 3_000)).toBe(1)
      expect((await store.stats()).envelopes).toBe(0)
      // Its replay record outlives it: the same envelope cannot be deposited again.
      await expect(store.deposit(env, LIMITS, NOW + 3_001)).rejects.toMatchObject({ code: ErrorCode.REPLAY })
    })

    it('never keeps an envelope past the retention, whatever expiry it carries', async () => {
      const env = { ...makeEnvelope('carol'), expiresAt: NOW + 10 * LIMITS.retentionMs }
      expect((await store.deposit(env, LIMITS, NOW)).expiresAt).toBe(NOW + LIMITS.retentionMs)
    })
  })
}

const dirs: Array<() => void> = []
afterAll(() => { for (const remove of dirs.splice(0)) remove() })

expiryContract('SqliteStore', async () => {
  const tmp = tempDir('babacloud-store-')
  dirs.push(tmp.remove)
  return new SqliteStore(join(tmp.dir, 'mailbox.sqlite'))
})

let server: PostgresServer | undefined
afterAll(async () => { await server?.stop() })
expiryContract('PostgresStore', async () => {
  server ??= await startPostgres()
  return await PostgresStore.open({ connection: await server.createDatabase() })
})
