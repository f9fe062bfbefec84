// Runs the shared store contract against the embedded SQLite adapter, on a fresh file per test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../../../rendezvous/storage/sqlite-store.ts'
import { makeEnvelope, rendezvousStoreCompliance } from '../../compliance/rendezvous-store.ts'
import { storeFactory } from '../../compliance/harness.ts'

rendezvousStoreCompliance('SqliteStore', storeFactory(
  async () => mkdtempSync(join(tmpdir(), 'babacloud-sqlite-')),
  async dir => new SqliteStore(join(dir, 'rendezvous.sqlite')),
  dir => { rmSync(dir, { recursive: true, force: true }) }))

describe('SqliteStore', () => {
  it('commits deposits queued in the same tick together (group commit) and settles each caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'babacloud-sqlite-'))
    const store = new SqliteStore(join(dir, 'rendezvous.sqlite'))
    try {
      const limits = { maxMessages: 2, maxBytes: 1 << 20, retentionMs: 60_000 }
      const results = await Promise.allSettled([1, 2, 3].map(async () => await store.deposit(makeEnvelope('bob'), limits)))
      // One batch, one transaction: the third sees the first two and is refused alone.
      expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected'])
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
