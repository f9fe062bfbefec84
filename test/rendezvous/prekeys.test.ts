// `/babacloud/prekeys/1.0.0` against a real rendezvous: publish only one's own keys, with valid
// signatures; each one-time prekey handed out once; last resort after exhaustion; low counts
// reported to the owner; and no single requester can drain a device's one-time prekeys.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, generatePqPrekey, generateSignedPrekey, identityFromSeed } from '../../protocol/crypto/x3dh/keys.ts'
import { LocalPrekeys } from '../../protocol/prekeys/local-prekeys.ts'
import { PrekeyClient } from '../../protocol/prekeys/prekey-client.ts'
import { PREKEY_BATCH, PREKEY_LOW_WATER } from '../../protocol/prekeys/prekey-client.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { DEFAULT_PREKEY_LIMITS } from '../../rendezvous/prekeys/prekey-service.ts'
import { SqlPrekeyStore } from '../../rendezvous/prekeys/sql-prekey-store.ts'
import { SqlDatabase } from '../../rendezvous/storage/sql-database.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { PrekeyBundle } from '../../protocol/crypto/x3dh/pqxdh.ts'

describe('prekeys on the rendezvous', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** A device that publishes `oneTime` one-time prekeys (and 2 one-time ML-KEM keys) by hand. */
  async function publisher (rv: TestRendezvous, oneTime: number): Promise<{ peer: TestPeer, client: PrekeyClient, local: LocalPrekeys }> {
    const peer = await createPeer(cleanup, rv.addr)
    const local = new LocalPrekeys(new MemoryChatStore(), identityFromSeed(peer.identity.toSeed()))
    const client = new PrekeyClient(peer.node, rv.addr)
    const status = await client.publish(await local.createBatch({ oneTime, pqOneTime: 2 }))
    expect(status).toEqual({ oneTimeRemaining: oneTime, pqOneTimeRemaining: 2, hasBundle: true })
    return { peer, client, local }
  }

  async function requesters (rv: TestRendezvous, n: number): Promise<PrekeyClient[]> {
    return await Promise.all(Array.from({ length: n }, async () => new PrekeyClient((await createPeer(cleanup, rv.addr)).node, rv.addr)))
  }

  it('hands out each one-time prekey once, then the last-resort keys, and reports what is left', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await publisher(rv, 6)
    const others = await requesters(rv, 3)
    const bundles: Array<PrekeyBundle | undefined> = []
    // Three requesters, three fetches each (under the per-requester ration), concurrently.
    for (let round = 0; round < 3; round++) bundles.push(...await Promise.all(others.map(async c => await c.fetch(bob.peer.node.peerId))))
    const oneTimeIds = bundles.flatMap(b => b?.oneTimePrekey != null ? [b.oneTimePrekey.id] : [])
    expect(oneTimeIds).toHaveLength(6)
    expect(new Set(oneTimeIds).size).toBe(6)
    // Each handed-out key is one this device holds the private half of.
    for (const id of oneTimeIds) expect(await bob.local.loadOneTimePrekey(id)).toBeDefined()
    // Two one-time ML-KEM keys, then the last-resort one for everybody after.
    const pqIds = bundles.map(b => b?.pqPrekey.id)
    expect(new Set(pqIds.slice(2)).size).toBe(1)
    expect((await bob.local.loadPqPrekey(pqIds[8] ?? -1))?.lastResort).toBe(true)
    expect(bundles.every(b => b?.identityKey.length === 32 && b.signedPrekey.id === bundles[0]?.signedPrekey.id)).toBe(true)
    expect(await bob.client.status()).toEqual({ oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: true })

    // Nobody published for this one.
    expect(await others[0].fetch((await createPeer(cleanup, rv.addr)).node.peerId)).toBeUndefined()
  })

  it('withdraws a device\'s own keys on its request, and nobody else\'s', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await publisher(rv, 3)
    const carol = await publisher(rv, 3)
    const [asker] = await requesters(rv, 1)
    expect(await bob.client.withdraw()).toEqual({ oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })
    expect(await asker.fetch(bob.peer.node.peerId)).toBeUndefined()
    expect(await bob.client.status()).toEqual({ oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })
    // Carol's keys stay where they were.
    expect(await carol.client.status()).toEqual({ oneTimeRemaining: 3, pqOneTimeRemaining: 2, hasBundle: true })
    expect(await asker.fetch(carol.peer.node.peerId)).toBeDefined()
  })

  it('does not let one requester drain a device\'s one-time prekeys', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await publisher(rv, 20)
    const [mallory, alice] = await requesters(rv, 2)
    const taken: number[] = []
    for (let i = 0; i < 20; i++) {
      const bundle = await mallory.fetch(bob.peer.node.peerId)
      // Past the ration mallory still gets a usable (last-resort) bundle, only no one-time key.
      expect(bundle?.signedPrekey).toBeDefined()
      if (bundle?.oneTimePrekey != null) taken.push(bundle.oneTimePrekey.id)
    }
    expect(taken).toHaveLength(DEFAULT_PREKEY_LIMITS.oneTimePerRequesterTarget)
    expect((await bob.client.status()).oneTimeRemaining).toBe(20 - DEFAULT_PREKEY_LIMITS.oneTimePerRequesterTarget)
    // Someone else still gets a one-time prekey.
    expect((await alice.fetch(bob.peer.node.peerId))?.oneTimePrekey).toBeDefined()
  })

  it('refuses forged or foreign signatures at publish, and stores nothing from such an upload', async () => {
    const rv = await startRendezvous(cleanup)
    const eve = await createPeer(cleanup, rv.addr)
    const client = new PrekeyClient(eve.node, rv.addr)
    const someoneElse = generateIdentity()
    const signed = generateSignedPrekey(someoneElse, { id: 1 })
    const pq = generatePqPrekey(someoneElse, { id: 2 })
    const upload = {
      signedPrekey: { id: 1, publicKey: signed.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: signed.signature as Uint8Array<ArrayBuffer> },
      pqLastResort: { id: 2, publicKey: pq.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: pq.signature as Uint8Array<ArrayBuffer> },
      oneTimePrekeys: [{ id: 3, publicKey: new Uint8Array(32).fill(7) }],
      pqOneTimePrekeys: [],
      replaceOneTime: false
    }
    await expect(client.publish(upload)).rejects.toMatchObject({ name: 'ProtocolError', code: 'BAD_SIGNATURE' })
    // A valid signature over a different key is forged too.
    const own = generateSignedPrekey(identityFromSeed(eve.identity.toSeed()), { id: 1 })
    await expect(client.publish({ ...upload, pqLastResort: undefined, signedPrekey: { ...upload.signedPrekey, signature: own.signature as Uint8Array<ArrayBuffer> } }))
      .rejects.toMatchObject({ code: 'BAD_SIGNATURE' })
    expect(await client.status()).toEqual({ oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })
    const other = (await requesters(rv, 1))[0]
    expect(await other.fetch(eve.node.peerId)).toBeUndefined()
  })

  it('a client publishes on start, and tops up when the node reports its one-time prekeys low', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await createPeer(cleanup, rv.addr)
    await bob.client.start()
    const bobKeys = new PrekeyClient(bob.node, rv.addr)
    // start() publishes in the background; waiting for it joins that run.
    await waitFor(async () => (await bobKeys.status()).hasBundle, { what: 'the bundle published on start' })
    expect(await bobKeys.status()).toMatchObject({ oneTimeRemaining: PREKEY_BATCH, hasBundle: true })
    // A second start finds enough there and publishes nothing.
    expect(await bob.client.sessions.ensurePrekeys()).toMatchObject({ oneTimeRemaining: PREKEY_BATCH })

    // Drain below the low-water mark straight in the node's store (as many requesters would).
    const store = await SqlPrekeyStore.open(SqlDatabase.sqliteFile(join(rv.dataDir, 'prekeys.sqlite')))
    cleanup.add(async () => { await store.close() })
    for (let i = 0; i < PREKEY_BATCH - PREKEY_LOW_WATER + 2; i++) await store.take(bob.node.peerId.toString(), { oneTime: true })
    expect((await bobKeys.status()).oneTimeRemaining).toBe(PREKEY_LOW_WATER - 2)

    // Alice starts a session (takes one more); Bob, accepting it, sees the count low and tops up.
    const alice = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.waitUntilReachable()
    await alice.client.send(bob.node.peerId, 'hello')
    await waitFor(async () => (await bobKeys.status()).oneTimeRemaining >= PREKEY_BATCH - 1 && true, { what: 'the top-up' })
  })
})
