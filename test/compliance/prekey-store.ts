// The PrekeyStore contract, run against every adapter (SQLite, PostgreSQL): bundles, one-time keys
// handed out once (also by two store instances on one database at once), limits, replacement and
// deletion. Signatures are opaque bytes here: the service verifies them before the store sees them.
import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './harness.ts'
import type { StoreFactory } from './harness.ts'
import type { OneTimeKey, PrekeyStore, PrekeyStoreLimits, PrekeyUpload, SignedKey } from '../../rendezvous/prekeys/prekey-store.ts'

const T0 = 1_700_000_000_000
const LIMITS: PrekeyStoreLimits = { maxOneTime: 500, maxPqOneTime: 50 }

const fill = (length: number, n: number): Uint8Array => new Uint8Array(length).fill(n % 256)
const signed = (id: number, n = id): SignedKey => ({ id, publicKey: fill(32, n), signature: fill(64, n + 1) })
const pqKey = (id: number, n = id): SignedKey => ({ id, publicKey: fill(1184, n), signature: fill(64, n + 2) })
const oneTime = (id: number, n = id): OneTimeKey => ({ id, publicKey: fill(32, n) })
const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i)

function upload (over: Partial<PrekeyUpload> = {}): PrekeyUpload {
  return { signedPrekey: signed(1), pqLastResort: pqKey(2), oneTime: [], pqOneTime: [], replaceOneTime: false, ...over }
}

export function prekeyStoreCompliance (name: string, factory: StoreFactory<PrekeyStore>): void {
  describe(`PrekeyStore contract: ${name}`, () => {
    const opened = useStore(factory)
    let store: PrekeyStore
    beforeEach(() => { store = opened().store })

    it('builds no bundle until both the signed and the last-resort prekey are there', async () => {
      expect(await store.take('bob', { oneTime: true })).toBeUndefined()
      expect(await store.publish('bob', upload({ pqLastResort: undefined, oneTime: [oneTime(10)] }), LIMITS, T0)).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: false })
      expect(await store.take('bob', { oneTime: true })).toBeUndefined()
      // Nothing was taken by the refused fetch.
      expect(await store.counts('bob')).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: false })
      expect(await store.publish('bob', upload({ signedPrekey: undefined }), LIMITS, T0)).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: true })
      expect(await store.counts('nobody')).toEqual({ oneTime: 0, pqOneTime: 0, hasBundle: false })
    })

    it('hands out each one-time key once, lowest id first, then only the reusable keys', async () => {
      await store.publish('bob', upload({ oneTime: [oneTime(12), oneTime(11)], pqOneTime: [pqKey(21)] }), LIMITS, T0)
      const first = await store.take('bob', { oneTime: true })
      expect(first).toEqual({ signedPrekey: signed(1), pqPrekey: pqKey(21), oneTimePrekey: oneTime(11) })
      const second = await store.take('bob', { oneTime: true })
      expect(second).toEqual({ signedPrekey: signed(1), pqPrekey: pqKey(2), oneTimePrekey: oneTime(12) })
      const third = await store.take('bob', { oneTime: true })
      expect(third).toEqual({ signedPrekey: signed(1), pqPrekey: pqKey(2) })
      expect(third?.oneTimePrekey).toBeUndefined()
      expect(await store.counts('bob')).toEqual({ oneTime: 0, pqOneTime: 0, hasBundle: true })
    })

    it('takes nothing when asked for the reusable keys only', async () => {
      await store.publish('bob', upload({ oneTime: [oneTime(10)], pqOneTime: [pqKey(20)] }), LIMITS, T0)
      expect(await store.take('bob', { oneTime: false })).toEqual({ signedPrekey: signed(1), pqPrekey: pqKey(2) })
      expect(await store.counts('bob')).toEqual({ oneTime: 1, pqOneTime: 1, hasBundle: true })
    })

    it('replaces the signed keys, keeps the first key under a re-sent id, and drops old one-time keys on request', async () => {
      await store.publish('bob', upload({ oneTime: [oneTime(10), oneTime(11)], pqOneTime: [pqKey(20)] }), LIMITS, T0)
      // Id 10 again with other bytes: the stored key stays (ids name private keys on the device).
      await store.publish('bob', { signedPrekey: signed(3), oneTime: [oneTime(10, 99), oneTime(12)], pqOneTime: [], replaceOneTime: false }, LIMITS, T0 + 1)
      expect(await store.counts('bob')).toEqual({ oneTime: 3, pqOneTime: 1, hasBundle: true })
      expect(await store.take('bob', { oneTime: true })).toEqual({ signedPrekey: signed(3), pqPrekey: pqKey(20), oneTimePrekey: oneTime(10) })
      const counts = await store.publish('bob', { pqLastResort: pqKey(4), oneTime: [oneTime(30)], pqOneTime: [], replaceOneTime: true }, LIMITS, T0 + 2)
      expect(counts).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: true })
      expect(await store.take('bob', { oneTime: true })).toEqual({ signedPrekey: signed(3), pqPrekey: pqKey(4), oneTimePrekey: oneTime(30) })
    })

    it('keeps u32 key ids intact', async () => {
      const max = 0xffffffff
      await store.publish('bob', upload({ signedPrekey: signed(max, 1), oneTime: [oneTime(max - 1, 2)], pqOneTime: [pqKey(max, 3)] }), LIMITS, T0)
      expect(await store.take('bob', { oneTime: true })).toEqual({ signedPrekey: signed(max, 1), pqPrekey: pqKey(max, 3), oneTimePrekey: oneTime(max - 1, 2) })
    })

    it('refuses an upload past a limit and keeps nothing of it', async () => {
      const limits = { maxOneTime: 3, maxPqOneTime: 1 }
      await store.publish('bob', upload({ oneTime: [oneTime(10), oneTime(11)] }), limits, T0)
      await expect(store.publish('bob', { signedPrekey: signed(5), oneTime: [oneTime(12), oneTime(13)], pqOneTime: [], replaceOneTime: false }, limits, T0))
        .rejects.toMatchObject({ code: 'INVALID', message: /at most 3 one-time prekeys/ })
      await expect(store.publish('bob', { oneTime: [], pqOneTime: [pqKey(20), pqKey(21)], replaceOneTime: false }, limits, T0))
        .rejects.toMatchObject({ code: 'INVALID', message: /at most 1 one-time ML-KEM/ })
      expect(await store.counts('bob')).toEqual({ oneTime: 2, pqOneTime: 0, hasBundle: true })
      // The refused upload's new signed prekey was rolled back with it.
      expect((await store.take('bob', { oneTime: false }))?.signedPrekey).toEqual(signed(1))
      // Replacing makes room: the limit is on what is held after the upload.
      expect(await store.publish('bob', { oneTime: range(40, 3).map(id => oneTime(id)), pqOneTime: [], replaceOneTime: true }, limits, T0)).toMatchObject({ oneTime: 3 })
    })

    it('deletes one owner\'s keys and nobody else\'s', async () => {
      await store.publish('bob', upload({ oneTime: [oneTime(10)], pqOneTime: [pqKey(20)] }), LIMITS, T0)
      await store.publish('carol', upload({ oneTime: [oneTime(10)] }), LIMITS, T0)
      await store.deleteOwner('bob')
      expect(await store.counts('bob')).toEqual({ oneTime: 0, pqOneTime: 0, hasBundle: false })
      expect(await store.take('bob', { oneTime: true })).toBeUndefined()
      expect(await store.counts('carol')).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: true })
    })

    it('never hands out one one-time key twice when two store instances on one database take at once', async () => {
      const other = await opened().reopen()
      const ids = range(1000, 60)
      await store.publish('bob', upload({ oneTime: ids.map(id => oneTime(id)), pqOneTime: range(2000, 20).map(id => pqKey(id)) }), LIMITS, T0)
      // Published through one instance, visible through the other.
      expect(await other.counts('bob')).toEqual({ oneTime: 60, pqOneTime: 20, hasBundle: true })
      const taken = await Promise.all(range(0, 80).map(async i => await (i % 2 === 0 ? store : other).take('bob', { oneTime: true })))
      const oneTimeIds = taken.flatMap(b => b?.oneTimePrekey == null ? [] : [b.oneTimePrekey.id])
      expect(new Set(oneTimeIds).size).toBe(oneTimeIds.length)
      const pqIds = taken.flatMap(b => b == null || b.pqPrekey.id === 2 ? [] : [b.pqPrekey.id])
      expect(new Set(pqIds).size).toBe(pqIds.length)
      // Every bundle is complete. 80 fetches for 60 keys: a fetch comes away without one only when
      // every key left is being taken by another, so all of them were handed out, each once.
      expect(taken.every(b => b?.signedPrekey.id === 1)).toBe(true)
      expect(oneTimeIds.sort((a, b) => a - b)).toEqual(ids)
      expect(pqIds).toHaveLength(20)
      expect(await store.counts('bob')).toEqual({ oneTime: 0, pqOneTime: 0, hasBundle: true })
    })

    it('keeps the limit when two instances publish for one device at once', async () => {
      const other = await opened().reopen()
      const limits = { maxOneTime: 100, maxPqOneTime: 10 }
      await store.publish('bob', upload(), limits, T0)
      const results = await Promise.allSettled([
        store.publish('bob', { oneTime: range(1, 60).map(id => oneTime(id)), pqOneTime: [], replaceOneTime: false }, limits, T0),
        other.publish('bob', { oneTime: range(101, 60).map(id => oneTime(id)), pqOneTime: [], replaceOneTime: false }, limits, T0)
      ])
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
      expect(await store.counts('bob')).toMatchObject({ oneTime: 60 })
    })
  })
}
