// The BlobStore contract, run against every adapter (SQLite, PostgreSQL): reservations against the
// uploader's allowance and the node's budget (also under concurrency), upload lifecycle, who sees
// what, listing, expiry and deletion.
import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './harness.ts'
import type { StoreFactory } from './harness.ts'
import type { BlobLimits, BlobStore, NewBlob } from '../../rendezvous/blobs/blob-store.ts'

const T0 = 1_700_000_000_000
const STALE = T0 + 60_000
const ROOMY: BlobLimits = { senderBytes: 1 << 20, totalBytes: 1 << 30 }
/** Room for `n` bytes from one sender, on a node with plenty. */
const senderRoom = (n: number): BlobLimits => ({ senderBytes: n, totalBytes: 1 << 30 })

let counter = 0
function blob (recipient: string, size = 100, sender = 'sender-a', chunks = 1): NewBlob {
  const id = crypto.getRandomValues(new Uint8Array(16))
  new DataView(id.buffer).setUint32(0, ++counter)
  return { id, sender, recipient, size, chunks }
}

async function upload (store: BlobStore, b: NewBlob, expiresAt = T0 + 3_600_000): Promise<void> {
  await store.begin(b, ROOMY, T0, STALE)
  await store.putChunks(b.recipient, b.id, Array.from({ length: b.chunks }, (_, index) => ({ index, data: new Uint8Array(b.size / b.chunks).fill(index + 1) })))
  await store.complete(b.recipient, b.id, expiresAt)
}

export function blobStoreCompliance (name: string, factory: StoreFactory<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const opened = useStore(factory)
    let store: BlobStore
    beforeEach(() => { store = opened().store })

    it('stores chunks in order and serves them only to the recipient, only once complete', async () => {
      const b = blob('bob', 300, 'alice', 3)
      await store.begin(b, ROOMY, T0, STALE)
      expect(await store.get('bob', b.id, T0)).toBeUndefined()
      await store.putChunks('bob', b.id, [{ index: 0, data: new Uint8Array(100).fill(1) }, { index: 1, data: new Uint8Array(100).fill(2) }])
      await store.putChunks('bob', b.id, [{ index: 2, data: new Uint8Array(100).fill(3) }])
      await store.complete('bob', b.id, T0 + 1000)
      expect(await store.get('bob', b.id, T0)).toMatchObject({ sender: 'alice', recipient: 'bob', size: 300, chunks: 3, expiresAt: T0 + 1000 })
      expect(await store.get('bob', b.id, T0, { sender: 'alice' })).toMatchObject({ sender: 'alice' })
      // Bound to its uploader: asked for as someone else's, it does not exist.
      expect(await store.get('bob', b.id, T0, { sender: 'mallory' })).toBeUndefined()
      expect(await store.chunk('bob', b.id, 1)).toEqual(new Uint8Array(100).fill(2))
      expect(await store.get('mallory', b.id, T0)).toBeUndefined()
      expect(await store.chunk('mallory', b.id, 1)).toBeUndefined()
      expect(await store.stats()).toEqual({ blobs: 1, bytes: 300 })
    })

    it('holds uploads to the uploader\'s allowance over all recipients, never to the recipient', async () => {
      await store.begin(blob('bob', 600, 'mallory'), senderRoom(1000), T0, STALE)
      expect(await store.senderUsage('mallory', T0)).toBe(600)
      await expect(store.begin(blob('carol', 500, 'mallory'), senderRoom(1000), T0, STALE)).rejects.toMatchObject({ name: 'ProtocolError', code: 'QUOTA_EXCEEDED' })
      await store.begin(blob('carol', 400, 'mallory'), senderRoom(1000), T0, STALE)
      // Another uploader is not affected by mallory's blobs, whatever they are addressed to.
      await store.begin(blob('bob', 900, 'alice'), senderRoom(1000), T0, STALE)
      expect(await store.senderUsage('alice', T0)).toBe(900)
      expect(await store.totalUsage(T0)).toBe(1900)
    })

    it('refuses past the node\'s budget with STORAGE_FULL', async () => {
      const budget: BlobLimits = { senderBytes: 1 << 20, totalBytes: 1000 }
      await store.begin(blob('r1', 600, 's1'), budget, T0, STALE)
      await expect(store.begin(blob('r2', 500, 's2'), budget, T0, STALE)).rejects.toMatchObject({ name: 'ProtocolError', code: 'STORAGE_FULL' })
      await store.begin(blob('r2', 400, 's2'), budget, T0, STALE)
      expect(await store.totalUsage(T0)).toBe(1000)
      // Expired blobs no longer count, even before the sweep removes them.
      expect(await store.totalUsage(STALE)).toBe(0)
      await store.begin(blob('r3', 1000, 's3'), budget, STALE, STALE + 60_000)
    })

    it('never overshoots the budget when uploads begin concurrently', async () => {
      const budget: BlobLimits = { senderBytes: 1 << 20, totalBytes: 1000 }
      const results = await Promise.allSettled(Array.from({ length: 12 }, async (_, i) => { await store.begin(blob(`r${i}`, 100, `s${i}`), budget, T0, STALE) }))
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(10)
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'STORAGE_FULL' })
      expect(await store.totalUsage(T0)).toBe(1000)
    })

    it('refuses a second upload of an id for the same recipient, not for another one', async () => {
      const b = blob('bob')
      await store.begin(b, ROOMY, T0, STALE)
      await expect(store.begin(b, ROOMY, T0, STALE)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
      await store.begin({ ...b, recipient: 'carol' }, ROOMY, T0, STALE)
    })

    it('lists what waits for a recipient, a page at a time, complete and unexpired only', async () => {
      const mine = [blob('bob', 100, 'alice'), blob('bob', 100, 'mallory'), blob('bob', 100, 'mallory')]
      for (const b of mine) await upload(store, b)
      await upload(store, blob('carol', 100, 'alice'))
      await store.begin(blob('bob', 100, 'alice'), ROOMY, T0, STALE)
      const gone = blob('bob', 100, 'alice')
      await upload(store, gone, T0 + 10)
      const sorted = mine.map(b => b.id).sort(Buffer.compare)
      const first = await store.list('bob', T0 + 10, undefined, 2)
      expect(first.map(b => b.id)).toEqual(sorted.slice(0, 2))
      const rest = await store.list('bob', T0 + 10, first[1].id, 2)
      expect(rest.map(b => b.id)).toEqual(sorted.slice(2))
      expect(rest[0]).toMatchObject({ recipient: 'bob', size: 100, createdAt: T0 })
      expect(await store.list('mallory', T0, undefined, 10)).toEqual([])
    })

    it('deletes a blob with its chunks, and a discarded upload cannot continue', async () => {
      const b = blob('bob', 100)
      await upload(store, b)
      expect(await store.delete('bob', b.id, { sender: 'someone-else' })).toBe(false)
      expect(await store.delete('bob', b.id)).toBe(true)
      expect(await store.delete('bob', b.id)).toBe(false)
      expect(await store.chunk('bob', b.id, 0)).toBeUndefined()
      expect(await store.totalUsage(T0)).toBe(0)
      const c = blob('bob', 100)
      await store.begin(c, ROOMY, T0, STALE)
      await store.delete('bob', c.id)
      await expect(store.putChunks('bob', c.id, [{ index: 0, data: new Uint8Array(100) }])).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(store.complete('bob', c.id, T0 + 1000)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('clears what waits for a recipient, all of it or one uploader\'s, and frees the uploader\'s allowance', async () => {
      await upload(store, blob('bob', 100, 'alice'))
      await upload(store, blob('bob', 100, 'mallory'))
      await upload(store, blob('bob', 100, 'mallory'))
      await upload(store, blob('carol', 100, 'mallory'))
      expect(await store.clear('bob', { sender: 'mallory' })).toBe(2)
      expect(await store.senderUsage('mallory', T0)).toBe(100)
      expect((await store.list('bob', T0, undefined, 10)).map(b => b.sender)).toEqual(['alice'])
      expect(await store.clear('bob')).toBe(1)
      expect(await store.stats()).toEqual({ blobs: 1, bytes: 100 })
    })

    it('expires blobs and stale uploads by the clock it is given', async () => {
      const done = blob('bob')
      await upload(store, done, T0 + 10_000)
      const stale = blob('bob')
      await store.begin(stale, ROOMY, T0, STALE)
      expect(await store.totalUsage(T0)).toBe(200)
      expect(await store.get('bob', done.id, T0 + 10_000)).toBeUndefined()
      expect(await store.totalUsage(T0 + 10_000)).toBe(100)
      expect(await store.purgeExpired(T0 + 10_000)).toBe(1)
      expect(await store.purgeExpired(STALE)).toBe(1)
      expect(await store.totalUsage(T0)).toBe(0)
    })

    it('deletes what a peer received and what it sent', async () => {
      await upload(store, blob('bob', 100, 'alice'))
      await upload(store, blob('alice', 100, 'bob'))
      await upload(store, blob('carol', 100, 'dave'))
      expect(await store.deleteFor('bob', { received: true, sent: false })).toBe(1)
      expect(await store.stats()).toEqual({ blobs: 2, bytes: 200 })
      expect(await store.deleteFor('bob')).toBe(1)
      expect(await store.stats()).toEqual({ blobs: 1, bytes: 100 })
    })
  })
}
