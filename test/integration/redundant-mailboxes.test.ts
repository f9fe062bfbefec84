// Redundant mailboxes on real nodes: a recipient homed on two rendezvous nodes, a sender depositing
// on k of them while the recipient is away, and one node gone for good (stopped, its data deleted).
// With k = 2 every message arrives exactly once and no copy is left behind; with k = 1 the messages
// held by the dead node are lost.
import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { homeKey, openHomeRecord } from '../../protocol/federation/home.ts'
import { PrekeyClient } from '../../protocol/prekeys/prekey-client.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { PeerId } from '@libp2p/interface'

const MESSAGES = 3

/** True once `asker` finds a valid home record of `recipient` naming every one of `homes`. */
async function findsHomes (asker: TestPeer, recipient: PeerId, homes: TestRendezvous[]): Promise<boolean> {
  try {
    for await (const e of asker.node.services.dht.get(homeKey(recipient), { signal: AbortSignal.timeout(3_000) })) {
      if (e.name !== 'VALUE') continue
      const named = openHomeRecord(recipient, e.value, Date.now()).homes.map(h => h.peer.toString())
      if (homes.every(h => named.includes(h.node.node.peerId.toString()))) return true
    }
  } catch {}
  return false
}

async function held (rv: TestRendezvous, recipient: PeerId): Promise<number> {
  return (await rv.node.store.fetch(recipient.toString(), 0n, 10_000)).envelopes.length
}

/** Stops a node and deletes its data directory: it never comes back. */
async function kill (rv: TestRendezvous): Promise<void> {
  await rv.node.stop()
  rmSync(rv.dataDir, { recursive: true, force: true })
}

describe('redundant mailboxes', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /**
   * Alice (homed on A) sends MESSAGES texts with redundancy k to Bob (homed on B, then A) while Bob
   * is offline; returns once alice's sends are stored (and, for k = 2, both nodes hold a copy).
   */
  async function sendWhileAway (k: number): Promise<{ a: TestRendezvous, b: TestRendezvous, bob: TestPeer, texts: string[] }> {
    const a = await startRendezvous(cleanup)
    const b = await startRendezvous(cleanup, { bootstrap: [a.addr.toString()] })
    const alice = await createPeer(cleanup, a.addr, { redundancy: k })
    const bob = await createPeer(cleanup, b.addr, { homes: [a.addr] })
    await alice.client.start()
    await bob.client.start()
    await waitFor(async () => await findsHomes(alice, bob.node.peerId, [a, b]), { timeout: 30_000, what: "bob's home record naming both nodes" })
    // Bob closes the app: his node is gone, only the mailboxes can take messages.
    await bob.client.stop()
    await bob.node.stop()

    const texts = Array.from({ length: MESSAGES }, (_, i) => `while you were away #${i}`)
    for (const text of texts) expect((await alice.client.send(bob.node.peerId, text)).status).toBe('stored')
    if (k === 2) {
      // The second copy follows in the background.
      await waitFor(async () => await held(a, bob.node.peerId) === MESSAGES && await held(b, bob.node.peerId) === MESSAGES, { what: 'a copy of each message on both homes' })
    } else {
      expect(await held(a, bob.node.peerId)).toBe(MESSAGES)
      expect(await held(b, bob.node.peerId)).toBe(0)
    }
    return { a, b, bob, texts }
  }

  /** Bob opens the app again: a new node around the same identity and store, homed on B and A. */
  async function bobReturns (bob: TestPeer, a: TestRendezvous, b: TestRendezvous): Promise<TestPeer> {
    const back = await createPeer(cleanup, b.addr, { identity: bob.identity, store: bob.store as MemoryChatStore, homes: [a.addr] })
    await back.client.start()
    return back
  }

  it('with k = 2 shows every message once from both homes and leaves no copy on either', async () => {
    const { a, b, bob, texts } = await sendWhileAway(2)
    const back = await bobReturns(bob, a, b)
    await waitFor(() => back.received.length >= MESSAGES, { what: 'every message at bob' })
    await waitFor(async () => await held(a, bob.node.peerId) === 0 && await held(b, bob.node.peerId) === 0, { what: 'both copies of each message deleted' })
    // A later sync takes nothing more: the second copies were acked, not shown.
    await back.client.sync()
    expect(back.received.map(m => m.text).sort()).toEqual([...texts].sort())
    expect(new Set(back.received.map(m => m.id)).size).toBe(MESSAGES)
  })

  it('with k = 2 loses nothing when a home dies for good with its data', async () => {
    const { a, b, bob, texts } = await sendWhileAway(2)
    await kill(a)
    const back = await bobReturns(bob, a, b)
    await waitFor(() => back.received.length >= MESSAGES, { what: 'every message from the surviving home' })
    await back.client.sync()
    expect(back.received.map(m => m.text).sort()).toEqual([...texts].sort())
    expect(new Set(back.received.map(m => m.id)).size).toBe(MESSAGES)
    expect(back.received.every(m => m.path === 'mailbox')).toBe(true)
    // Stored only until delivered: the survivor keeps nothing for bob.
    expect(await held(b, bob.node.peerId)).toBe(0)
  })

  it('with k = 1 the messages held by the dead home are lost (the trade-off)', async () => {
    const { a, b, bob } = await sendWhileAway(1)
    await kill(a)
    const back = await bobReturns(bob, a, b)
    // The drain of the surviving home is complete once a sync returns.
    expect(await back.client.sync()).toBe(0)
    expect(back.received).toEqual([])
  })

  it("lets a new contact start a session after a person's first home dies for good: prekeys are on every home", async () => {
    const a = await startRendezvous(cleanup)
    const b = await startRendezvous(cleanup, { bootstrap: [a.addr.toString()] })
    const alice = await createPeer(cleanup, a.addr, { homes: [b.addr], redundancy: 2 })
    const bob = await createPeer(cleanup, a.addr, { homes: [b.addr] })
    await alice.client.start()
    await bob.client.start()
    // Bob's bundle is on both homes, each with one-time keys of its own.
    const atA = new PrekeyClient(alice.node, a.addr)
    const atB = new PrekeyClient(alice.node, b.addr)
    await waitFor(async () => await atB.fetch(bob.node.peerId).catch(() => undefined), { what: "bob's bundle on his second home" })
    const fromA = await atA.fetch(bob.node.peerId)
    const fromB = await atB.fetch(bob.node.peerId)
    expect(fromA?.signedPrekey.publicKey).toEqual(fromB?.signedPrekey.publicKey)
    expect(fromA?.oneTimePrekey?.id).not.toBe(fromB?.oneTimePrekey?.id)
    await waitFor(async () => await findsHomes(alice, bob.node.peerId, [a, b]), { timeout: 30_000, what: "bob's home record naming both nodes" })

    await kill(a)
    // Alice and bob never talked: her first message needs his bundle, now only on b.
    expect(await alice.client.sessions.cipher.hasSession(bob.node.peerId.toString())).toBe(false)
    await alice.client.send(bob.node.peerId, 'first words after the loss')
    expect(await alice.client.sessions.cipher.hasSession(bob.node.peerId.toString())).toBe(true)
    await waitFor(async () => {
      if (bob.received.length === 0) await bob.client.sync().catch(() => 0)
      return bob.received.length > 0
    }, { timeout: 30_000, what: 'the first message at bob' })
    expect(bob.received.map(m => m.text)).toEqual(['first words after the loss'])
  })

  it('withdraws a device\'s prekeys from every home, and publishes none again', async () => {
    const a = await startRendezvous(cleanup)
    const b = await startRendezvous(cleanup, { bootstrap: [a.addr.toString()] })
    const bob = await createPeer(cleanup, a.addr, { homes: [b.addr] })
    const alice = await createPeer(cleanup, a.addr)
    await bob.client.start()
    const atA = new PrekeyClient(alice.node, a.addr)
    const atB = new PrekeyClient(alice.node, b.addr)
    await waitFor(async () => await atB.fetch(bob.node.peerId).catch(() => undefined), { what: "bob's bundle on his second home" })
    expect(await bob.client.sessions.withdrawPrekeys()).toEqual({ withdrawn: 2, failures: [] })
    expect(await atA.fetch(bob.node.peerId)).toBeUndefined()
    expect(await atB.fetch(bob.node.peerId)).toBeUndefined()
    // A sync that would otherwise top the keys up publishes nothing.
    await bob.client.sync()
    expect(await bob.client.sessions.ensurePrekeys()).toBeUndefined()
    expect(await atB.fetch(bob.node.peerId)).toBeUndefined()
  })
})
