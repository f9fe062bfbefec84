// PrekeyService over the SQLite store, without a network: the per-requester and per-target rations
// (and what happens without them), their hourly windows, the fetch limit, and the storage limits.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { identityFromSeed } from '../../protocol/crypto/x3dh/keys.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { LocalPrekeys } from '../../protocol/prekeys/local-prekeys.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { PrekeyService } from '../../rendezvous/prekeys/prekey-service.ts'
import { SqlPrekeyStore } from '../../rendezvous/prekeys/sql-prekey-store.ts'
import { SqlDatabase } from '../../rendezvous/storage/sql-database.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { PrekeyLimits } from '../../rendezvous/prekeys/prekey-service.ts'
import type { PeerId } from '@libp2p/interface'

const HOUR = 3_600_000

describe('PrekeyService', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function setup (limits: Partial<PrekeyLimits> = {}, oneTime = 30): Promise<{ service: PrekeyService, owner: PeerId, requester: PeerId, clock: { now: number } }> {
    const tmp = tempDir('babacloud-prekeys-')
    cleanup.add(tmp.remove)
    const store = await SqlPrekeyStore.open(SqlDatabase.sqliteFile(join(tmp.dir, 'prekeys.sqlite')))
    cleanup.add(async () => { await store.close() })
    const clock = { now: Date.UTC(2026, 10, 1) }
    const service = new PrekeyService({ store, limits, now: () => clock.now })
    const owner = await DeviceIdentity.generate()
    const upload = await new LocalPrekeys(new MemoryChatStore(), identityFromSeed(owner.toSeed())).createBatch({ oneTime, pqOneTime: 0 })
    await service.publish(owner.peerId, { signedPrekey: upload.signedPrekey, pqLastResort: upload.pqLastResort, oneTime: upload.oneTimePrekeys, pqOneTime: [] })
    return { service, owner: owner.peerId, requester: (await DeviceIdentity.generate()).peerId, clock }
  }

  async function drain (service: PrekeyService, requester: PeerId, owner: PeerId, times: number): Promise<number> {
    for (let i = 0; i < times; i++) await service.fetch(requester, owner.toString())
    return (await service.status(owner)).oneTime
  }

  it('rations one-time prekeys per requester and target; without the ration one requester drains them', async () => {
    const limited = await setup()
    expect(await drain(limited.service, limited.requester, limited.owner, 30)).toBe(30 - limited.service.limits.oneTimePerRequesterTarget)
    // The counterfactual: the same loop with the ration lifted empties the store.
    const unlimited = await setup({ oneTimePerRequesterTarget: Number.POSITIVE_INFINITY, oneTimePerTargetPerHour: 1_000 })
    expect(await drain(unlimited.service, unlimited.requester, unlimited.owner, 30)).toBe(0)
  })

  it('renews the ration after the window, and refuses a requester past its fetch limit', async () => {
    const { service, owner, requester, clock } = await setup({ fetchesPerRequester: 12 })
    expect(await drain(service, requester, owner, 10)).toBe(25)
    clock.now += HOUR + 1
    expect(await drain(service, requester, owner, 2)).toBe(23)
    await service.fetch(requester, owner.toString())
    clock.now += 1
    // 10 of the 13 fetches are older than an hour: still within 12 per hour.
    expect(await drain(service, requester, owner, 9)).toBe(20)
    await expect(service.fetch(requester, owner.toString())).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    await expect(service.fetch(requester, 'not-a-peer')).rejects.toMatchObject({ code: 'MALFORMED' })
  })

  it('rations one-time prekeys per target across requesters, refilled over the hour', async () => {
    const { service, owner, clock } = await setup({ oneTimePerTargetPerHour: 6 })
    const strangers = await Promise.all(Array.from({ length: 10 }, async () => (await DeviceIdentity.generate()).peerId))
    for (const s of strangers) await service.fetch(s, owner.toString())
    expect((await service.status(owner)).oneTime).toBe(30 - 6)
    // Half an hour refills half the bucket; a full hour refills it, never beyond.
    clock.now += HOUR / 2
    for (const s of strangers) await service.fetch(s, owner.toString())
    expect((await service.status(owner)).oneTime).toBe(30 - 6 - 3)
    clock.now += 5 * HOUR
    const more = await Promise.all(Array.from({ length: 10 }, async () => (await DeviceIdentity.generate()).peerId))
    for (const s of more) await service.fetch(s, owner.toString())
    expect((await service.status(owner)).oneTime).toBe(30 - 6 - 3 - 6)
  })

  it('bounds what one device may hold and what one publish may carry', async () => {
    const { service, owner } = await setup({ maxOneTime: 20, maxOneTimePerPublish: 15 }, 10)
    const key = (id: number): { id: number, publicKey: Uint8Array } => ({ id, publicKey: new Uint8Array(32).fill(id % 256) })
    await expect(service.publish(owner, { oneTime: Array.from({ length: 16 }, (_, i) => key(1000 + i)), pqOneTime: [] })).rejects.toMatchObject({ code: 'TOO_LARGE' })
    // 10 held + 15 would pass 20: refused as a whole, nothing added.
    await expect(service.publish(owner, { oneTime: Array.from({ length: 15 }, (_, i) => key(2000 + i)), pqOneTime: [] })).rejects.toMatchObject({ code: 'INVALID' })
    expect((await service.status(owner)).oneTime).toBe(10)
    expect(await service.publish(owner, { oneTime: [key(3000)], pqOneTime: [], replaceOneTime: true })).toEqual({ oneTime: 1, pqOneTime: 0, hasBundle: true })
    await expect(service.publish(owner, { oneTime: [{ id: 1, publicKey: new Uint8Array(31) }], pqOneTime: [] })).rejects.toMatchObject({ code: 'INVALID' })
  })
})
