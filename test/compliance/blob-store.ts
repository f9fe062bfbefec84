// The BlobStore contract, run against every adapter (SQLite, PostgreSQL): quota reservations,
// upload lifecycle, who sees what, expiry and deletion.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BlobStore, NewBlob } from '../../rendezvous/blobs/blob-store.ts'

export interface BlobStoreHarness {
  open(): Promise<BlobStore>
  destroy?(): Promise<void>
}

const T0 = 1_700_000_000_000
const STALE = T0 + 60_000

let counter = 0
function blob (recipient: string, size = 100, sender = 'sender-a', chunks = 1): NewBlob {
  const id = crypto.getRandomValues(new Uint8Array(16))
  new DataView(id.buffer).setUint32(0, ++counter)
  return { id, sender, recipient, size, chunks }
}

async function upload (store: BlobStore, b: NewBlob, expiresAt = T0 + 3_600_000): Promise<void> {
  await store.begin(b, 1 << 20, T0, STALE)
  await store.putChunks(b.recipient, b.id, Array.from({ length: b.chunks }, (_, index) => ({ index, data: new Uint8Array(b.size / b.chunks).fill(index + 1) })))
  await store.complete(b.recipient, b.id, expiresAt)
}

export function blobStoreCompliance (name: string, harness: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobStoreHarness
    let store: BlobStore
    beforeEach(async () => {
      h = await harness()
      store = await h.open()
    })
    afterEach(async () => {
      await store.close()
      await h.destroy?.()
    })

    it('stores chunks in order and serves them only to the recipient, only once complete', async () => {
      const b = blob('bob', 300, 'alice', 3)
      await store.begin(b, 1000, T0, STALE)
      expect(await store.get('bob', b.id, T0)).toBeUndefined()
      await store.putChunks('bob', b.id, [{ index: 0, data: new Uint8Array(100).fill(1) }, { index: 1, data: new Uint8Array(100).fill(2) }])
      await store.putChunks('bob', b.id, [{ index: 2, data: new Uint8Array(100).fill(3) }])
      await store.complete('bob', b.id, T0 + 1000)
      expect(await store.get('bob', b.id, T0)).toMatchObject({ sender: 'alice', recipient: 'bob', size: 300, chunks: 3, expiresAt: T0 + 1000 })
      expect(await store.chunk('bob', b.id, 1)).toEqual(new Uint8Array(100).fill(2))
      expect(await store.get('mallory', b.id, T0)).toBeUndefined()
      expect(await store.chunk('mallory', b.id, 1)).toBeUndefined()
      expect(await store.stats()).toEqual({ blobs: 1, bytes: 300 })
    })

    it('reserves quota at the start of an upload and refuses past the room left', async () => {
      await store.begin(blob('bob', 600), 1000, T0, STALE)
      expect(await store.usage('bob', T0)).toBe(600)
      await expect(store.begin(blob('bob', 500), 1000, T0, STALE)).rejects.toMatchObject({ name: 'ProtocolError', code: 'MAILBOX_FULL' })
      await store.begin(blob('bob', 400), 1000, T0, STALE)
      // Quotas are per recipient.
      await store.begin(blob('carol', 900), 1000, T0, STALE)
    })

    it('refuses a second upload of an id for the same recipient, not for another one', async () => {
      const b = blob('bob')
      await store.begin(b, 1000, T0, STALE)
      await expect(store.begin(b, 1000, T0, STALE)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
      await store.begin({ ...b, recipient: 'carol' }, 1000, T0, STALE)
    })

    it('deletes a blob with its chunks, and a discarded upload cannot continue', async () => {
      const b = blob('bob', 100)
      await upload(store, b)
      expect(await store.delete('bob', b.id)).toBe(true)
      expect(await store.delete('bob', b.id)).toBe(false)
      expect(await store.chunk('bob', b.id, 0)).toBeUndefined()
      expect(await store.usage('bob', T0)).toBe(0)
      const c = blob('bob', 100)
      await store.begin(c, 1000, T0, STALE)
      await store.delete('bob', c.id)
      await expect(store.putChunks('bob', c.id, [{ index: 0, data: new Uint8Array(100) }])).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(store.complete('bob', c.id, T0 + 1000)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('expires blobs and stale uploads by the clock it is given', async () => {
      const done = blob('bob')
      await upload(store, done, T0 + 10_000)
      const stale = blob('bob')
      await store.begin(stale, 1000, T0, STALE)
      expect(await store.usage('bob', T0)).toBe(200)
      expect(await store.get('bob', done.id, T0 + 10_000)).toBeUndefined()
      expect(await store.usage('bob', T0 + 10_000)).toBe(100)
      expect(await store.purgeExpired(T0 + 10_000)).toBe(1)
      expect(await store.purgeExpired(STALE)).toBe(1)
      expect(await store.usage('bob', T0)).toBe(0)
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
