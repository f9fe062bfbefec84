// Guards the tombstones of deleted messages (ChatStore.deleteMessage keeps the id; addMessage refuses
// it): a node that keeps every envelope and serves it again after the recipient acked it cannot bring
// back a message the recipient deleted, or one its sender deleted for everyone. The sealed box has
// no replay protection of its own, so without tombstones the replayed sealed copy reappears; the
// ratchet cases are also held by the ratchet's refusal of used message keys.
import { afterEach, describe, expect, it } from 'vitest'
import { Envelope } from '../../protocol/wire/generated/messages.ts'
import { createTestPeer, startHostileNode } from '../helpers/hostile-node.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { HostileNode, HostilePeer } from '../helpers/hostile-node.ts'

type Scheme = 'sealed' | 'ratchet'

describe('deleted message replay', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** Alice and Bob homed on a replaying node; Bob publishes prekeys only for ratchet sessions. */
  async function setUp (scheme: Scheme): Promise<{ hostile: HostileNode, alice: HostilePeer, bob: HostilePeer }> {
    const hostile = await startHostileNode(cleanup)
    const alice = await createTestPeer(cleanup, hostile.addr, { liveTimeoutMs: 1_000 })
    // Without published prekeys Bob is a first contact with no bundle: Alice seals to him.
    const bob = await createTestPeer(cleanup, hostile.addr, { publishPrekeys: scheme === 'ratchet' })
    await bob.client.start()
    await bob.client.sessions.ensurePrekeys()
    await bob.client.stop()
    await alice.client.start()
    return { hostile, alice, bob }
  }

  /** Bob takes his mailbox again: the node serves everything it was ever given, acked or not. */
  async function replay (bob: HostilePeer, hostile: HostileNode, envelope: Envelope): Promise<void> {
    expect(hostile.deposits).toContain(envelope)
    await bob.client.sync()
  }

  const textsOf = async (peer: HostilePeer): Promise<string[]> => (await peer.store.listMessages()).map(m => m.text)

  for (const scheme of ['sealed', 'ratchet'] as const) {
    it(`a message Bob deleted stays deleted when the node replays its ${scheme} envelope`, async () => {
      const { hostile, alice, bob } = await setUp(scheme)
      const sent = await alice.client.send(bob.node.peerId, 'delete me')
      expect(sent.status).toBe('stored')
      const envelope = hostile.deposits[0]
      expect(envelope.scheme).toBe(scheme === 'sealed' ? Envelope.Scheme.SEALED : Envelope.Scheme.RATCHET)
      await bob.client.start()
      await waitFor(() => bob.received.some(m => m.id === sent.id), { what: 'Bob to receive the message' })

      await bob.client.deleteMessage(sent.id)
      await replay(bob, hostile, envelope)
      expect(await bob.store.getMessage(sent.id)).toBeUndefined()
      expect(bob.received.filter(m => m.id === sent.id)).toHaveLength(1)
      // Also after a restart on the same store.
      await bob.client.stop()
      await bob.client.start()
      expect(await textsOf(bob)).toEqual([])
    })

    it(`a message deleted for everyone stays deleted when the node replays its ${scheme} envelope`, async () => {
      const { hostile, alice, bob } = await setUp(scheme)
      const sent = await alice.client.send(bob.node.peerId, 'retract me')
      const envelope = hostile.deposits[0]
      await bob.client.start()
      await waitFor(() => bob.received.some(m => m.id === sent.id), { what: 'Bob to receive the message' })

      await alice.client.deleteForEveryone(sent.id)
      await bob.client.sync()
      // A tombstone without content stays (the conversation shows that something was deleted).
      const tomb = await bob.store.getMessage(sent.id)
      expect(tomb).toMatchObject({ text: '', deletedAt: expect.any(Number) })
      await replay(bob, hostile, envelope)
      expect(await bob.store.getMessage(sent.id)).toEqual(tomb)
      expect(await textsOf(bob)).toEqual([''])
      expect(bob.received.filter(m => m.id === sent.id)).toHaveLength(1)
    })
  }
})
