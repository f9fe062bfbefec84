// Guards two prekey defences. The rendezvous rations one-time prekey hand-outs per target across
// all requesters (PrekeyService, limits.oneTimePrekeysPerTargetPerHour), so fresh PeerIds, which
// cost nothing, cannot drain a device's one-time prekeys. And a device rotates its signed prekey and
// last-resort ML-KEM prekey on a schedule (PrekeyPublisher, LocalPrekeys.rotate), keeps the old
// private halves for a grace period so first messages in flight still open, then deletes them.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { PREKEY_BATCH, PREKEY_ROTATION_MS, RETIRED_PREKEY_GRACE_MS } from '../../protocol/prekeys/constants.ts'
import { PrekeyClient } from '../../protocol/prekeys/prekey-client.ts'
import { createTestPeer } from '../helpers/hostile-node.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import type { TestRendezvous } from '../helpers/network.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The ids of the device's current signed and last-resort prekeys, as its store keeps them. */
async function currentKeys (store: MemoryChatStore): Promise<{ signedId: number, lastResortId: number }> {
  const bytes = await store.getValue('prekeys/state')
  if (bytes == null) throw new Error('no prekey state yet')
  return JSON.parse(new TextDecoder().decode(bytes)) as { signedId: number, lastResortId: number }
}

async function hasPrivateKeys (store: MemoryChatStore, keys: { signedId: number, lastResortId: number }): Promise<boolean> {
  return await store.getValue(`prekeys/signed/${keys.signedId}`) != null && await store.getValue(`prekeys/pq/${keys.lastResortId}`) != null
}

describe('prekey drain and rotation', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** A prekey client on a libp2p node of its own: a PeerId made for this one request. */
  async function freshRequester (rv: TestRendezvous): Promise<PrekeyClient> {
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], privateNetwork: true })
    cleanup.add(async () => { await node.stop() })
    return new PrekeyClient(node, rv.addr)
  }

  it('many fresh PeerIds cannot take a device\'s one-time prekeys beyond the ration', async () => {
    const clock = { now: Date.now() }
    const ration = 3
    const rv = await startRendezvous(cleanup, { limits: { oneTimePrekeysPerTargetPerHour: ration } }, undefined, () => clock.now)
    const victim = await createTestPeer(cleanup, rv.addr)
    await victim.client.start()
    expect(await victim.client.sessions.ensurePrekeys()).toMatchObject({ oneTimeRemaining: PREKEY_BATCH })

    const attackers = await Promise.all(Array.from({ length: 8 }, async () => await freshRequester(rv)))
    const bundles = await Promise.all(attackers.map(async a => await a.fetch(victim.node.peerId)))
    // Every requester gets a usable bundle; only `ration` of them carry a one-time prekey.
    expect(bundles.every(b => b?.signedPrekey != null)).toBe(true)
    expect(bundles.filter(b => b?.oneTimePrekey != null)).toHaveLength(ration)
    expect((await victim.client.sessions.ensurePrekeys())?.oneTimeRemaining).toBe(PREKEY_BATCH - ration)
    expect(await rv.node.metricsText()).toMatch(/babacloud_limit_hits_total\{limit="prekeys_one_time_per_target"\} [1-9]/)

    // The ration comes back with time, for the honest first contacts of the next hour.
    clock.now += HOUR
    expect((await (await freshRequester(rv)).fetch(victim.node.peerId))?.oneTimePrekey).toBeDefined()
  })

  it('rotates on schedule; a first message to the old keys opens within the grace period, not after, and the old keys are deleted', async () => {
    const rv = await startRendezvous(cleanup)
    const clock = { now: Date.now() }
    const first = await createTestPeer(cleanup, rv.addr, { now: () => clock.now })
    const { identity, store } = first
    await first.client.start()
    await first.client.sessions.ensurePrekeys()
    const old = await currentKeys(store)
    // A bundle of the old keys, as a slow sender (or a node keeping stale copies) would hold it.
    const stale = await (await freshRequester(rv)).fetch(identity.peerId)
    expect(stale?.signedPrekey.id).toBe(old.signedId)

    // Not yet due: nothing changes.
    clock.now += PREKEY_ROTATION_MS - DAY
    await first.client.sessions.ensurePrekeys()
    expect(await currentKeys(store)).toMatchObject(old)
    await first.client.stop()
    await first.node.stop()

    // A first message sealed to the old keys waits while the device is away past its rotation.
    const alice = await createTestPeer(cleanup, rv.addr)
    await alice.client.start()
    expect((await alice.client.send(identity.peerId, 'in flight')).status).toBe('stored')
    clock.now += 2 * DAY
    const back = await createTestPeer(cleanup, rv.addr, { identity, store, now: () => clock.now })
    await back.client.start()
    await back.client.sessions.ensurePrekeys()
    const rotated = await currentKeys(store)
    expect(rotated.signedId).not.toBe(old.signedId)
    expect(rotated.lastResortId).not.toBe(old.lastResortId)
    expect((await (await freshRequester(rv)).fetch(identity.peerId))?.signedPrekey.id).toBe(rotated.signedId)
    await waitFor(() => back.received.some(m => m.text === 'in flight'), { what: 'the in-flight first message' })
    expect(await hasPrivateKeys(store, old)).toBe(true)

    // Past the grace period the old private keys are gone, and a first message to them cannot open.
    clock.now += RETIRED_PREKEY_GRACE_MS
    await back.client.sessions.ensurePrekeys()
    expect(await store.getValue(`prekeys/signed/${old.signedId}`)).toBeUndefined()
    expect(await store.getValue(`prekeys/pq/${old.lastResortId}`)).toBeUndefined()
    expect(await hasPrivateKeys(store, await currentKeys(store))).toBe(true)
    const late = await createTestPeer(cleanup, rv.addr, { liveTimeoutMs: 1_000 })
    await late.client.start()
    await late.client.sessions.cipher.initSession(identity.peerId.toString(), stale as NonNullable<typeof stale>)
    // Refused live (MALFORMED: it does not open), or stored and dropped when the device drains it.
    const outcome = await late.client.send(identity.peerId, 'too late').then(r => r.status, (err: { code?: string }) => err.code)
    expect(['stored', 'MALFORMED']).toContain(outcome)
    await back.client.sync()
    expect((await rv.node.store.usage(identity.peerId.toString())).count).toBe(0)
    expect(back.received.map(m => m.text)).toEqual(['in flight'])
  })
})
