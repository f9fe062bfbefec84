// A stranger connected to the rendezvous must not learn which groups it relays, read an open group or
// see an encrypted group's senders and timing, and throwaway peers must not crowd real groups out.
// Guards: topics named after a key only members can derive (protocol/groups/topic-key.ts), the relay
// admitting to a topic only peers that proved its secret (rendezvous/groups/group-relay.ts with
// protocol/groups/topic-gate.ts), gossip sealed under the topic secret, and the relay's per-peer cap.
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { GROUP_TOPIC_PREFIX } from '../../protocol/groups/constants.ts'
import { newTopic, stateTopic } from '../../protocol/groups/group-state.ts'
import { RelayClient, RelayJoinStatus } from '../../protocol/groups/relay-client.ts'
import { makeProof } from '../../protocol/groups/topic-key.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { GroupState } from '../../protocol/groups/generated/groups.ts'
import type { TestPeer } from '../helpers/network.ts'
import type { GroupPeer } from '../protocol/groups/helpers.ts'
import type { GossipSub } from '@libp2p/gossipsub'

/** Topics a gossipsub instance has seen `peer` announce: what the stranger learns on connecting. */
function announcedBy (pubsub: GossipSub, peer: string): string[] {
  const topics = (pubsub as unknown as { topics: Map<string, Set<string>> }).topics
  return [...topics].filter(([, peers]) => peers.has(peer)).map(([topic]) => topic)
}

async function stateOf (member: GroupPeer, groupId: string): Promise<GroupState> {
  return await member.groups.groups.getState(groupId) as GroupState
}

function contains (haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle))
}

describe('group relay snooping', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function twoGroups (): Promise<{ rv: Awaited<ReturnType<typeof startRendezvous>>, alice: GroupPeer, bob: GroupPeer, secret: string, open: string }> {
    const rv = await startRendezvous(cleanup)
    const [alice, bob] = await Promise.all([0, 1].map(async () => await groupPeer(cleanup, rv)))
    const secret = (await alice.groups.create({ name: 'secret plans', members: [bob.id] })).group.id
    const open = (await alice.groups.create({ name: 'town square', encryption: 'open', members: [bob.id] })).group.id
    await waitForKeys([alice, bob], secret)
    await waitFor(async () => (await bob.groups.list()).length === 2, { what: 'both groups at bob' })
    await waitForMesh(rv, [alice, bob], secret)
    await waitForMesh(rv, [alice, bob], open)
    return { rv, alice, bob, secret, open }
  }

  async function stranger (rv: Awaited<ReturnType<typeof startRendezvous>>): Promise<TestPeer & { overheard: Uint8Array[] }> {
    const peer = await createPeer(cleanup, rv.addr)
    await peer.client.start()
    const overheard: Uint8Array[] = []
    peer.node.services.pubsub.addEventListener('message', evt => { overheard.push(evt.detail.data) })
    return { ...peer, overheard }
  }

  it('a stranger learns no group from the announced topics and gets nothing when it subscribes to them', async () => {
    const { rv, alice, bob, secret, open } = await twoGroups()
    const eve = await stranger(rv)
    const hubId = rv.node.node.peerId.toString()
    const announced = await waitFor(() => {
      const seen = announcedBy(eve.node.services.pubsub, hubId)
      return seen.length >= 2 && seen
    }, { what: "the node's subscriptions to reach the stranger" })
    // It sees that the node relays two topics, but nothing ties them to a group id or name.
    for (const topic of announced) {
      expect(topic.startsWith(GROUP_TOPIC_PREFIX)).toBe(true)
      for (const id of [secret, open]) expect(topic.includes(id)).toBe(false)
      expect(topic).not.toMatch(/secret|town/)
    }
    expect(announced.sort()).toEqual([stateTopic(await stateOf(alice, secret)), stateTopic(await stateOf(alice, open))].sort())

    // It subscribes to everything it saw, and to the topics it would guess from the group ids.
    for (const topic of [...announced, `${GROUP_TOPIC_PREFIX}${secret}`, `${GROUP_TOPIC_PREFIX}${open}`]) eve.node.services.pubsub.subscribe(topic)
    // Replaying a member's proof does not help: it is bound to the member's PeerId.
    const aliceState = await stateOf(alice, open)
    const replayed = makeProof(aliceState.topicSecret, aliceState.topicOwner, aliceState.topicOwnerSignature, hubId, alice.id, Date.now())
    const relay = new RelayClient(eve.node, rv.addr, 10_000)
    expect((await relay.join([replayed])).map(r => r.status)).toEqual([RelayJoinStatus.BAD_PROOF])

    const gossiped: Uint8Array[] = []
    bob.node.services.pubsub.addEventListener('message', evt => { gossiped.push(evt.detail.data) })
    for (const i of [1, 2]) {
      await alice.groups.send(open, `open canary ${i}`)
      await alice.groups.send(secret, `e2ee canary ${i}`)
      await waitFor(() => [`open canary ${i}`, `e2ee canary ${i}`].every(t => bob.messages.some(m => m.text === t)), { what: `round ${i} at bob` })
    }
    await waitFor(() => gossiped.length >= 4, { what: 'bob to get the four messages on the topics' })
    // The hub never admitted the stranger to a topic, so it neither forwarded nor gossiped to it.
    const hub = rv.node.node.services.pubsub
    for (const topic of announced) expect(hub.getSubscribers(topic).some(p => p.equals(eve.node.peerId))).toBe(false)
    expect(eve.overheard).toEqual([])
    // And what the topic carries is sealed: no text, no sender, no group id in the bytes.
    for (const bytes of gossiped) {
      for (const needle of ['open canary', 'e2ee canary', alice.id, secret, open]) expect(contains(bytes, needle), needle).toBe(false)
    }
  })

  it('throwaway peers subscribing to many topics, or proving their own, do not stop a real group', async () => {
    const rv = await startRendezvous(cleanup, { limits: { gossipTopicsPerPeer: 8, groupTopics: 64 } })
    const hubId = rv.node.node.peerId.toString()
    const throwaways = await Promise.all([0, 1, 2].map(async () => await stranger(rv)))
    const admitted = new Map<string, string[]>()
    for (const [n, t] of throwaways.entries()) {
      // Subscriptions alone make the node join nothing.
      for (let i = 0; i < 100; i++) t.node.services.pubsub.subscribe(`${GROUP_TOPIC_PREFIX}${n.toString(16)}${i.toString(16).padStart(63, '0')}`)
      // Proofs of made-up groups count against the peer's own cap, not the node's room for others.
      const me = t.node.peerId.toString()
      const identity = await DeviceIdentity.generate()
      const proofs = Array.from({ length: 12 }, () => {
        const topic = newTopic(identity)
        return makeProof(topic.secret, topic.owner, topic.ownerSignature, hubId, me, Date.now())
      })
      const results = await new RelayClient(t.node, rv.addr, 10_000).join(proofs)
      expect(results.filter(r => r.status === RelayJoinStatus.ACCEPTED)).toHaveLength(8)
      expect(results.filter(r => r.status === RelayJoinStatus.PEER_LIMIT)).toHaveLength(4)
      for (const r of results) t.node.services.pubsub.subscribe(r.topic)
      admitted.set(me, results.filter(r => r.status === RelayJoinStatus.ACCEPTED).map(r => r.topic).sort())
    }
    // Of all they subscribed to, the node tracks only the topics each one proved and was admitted to.
    await waitFor(() => throwaways.every(t => {
      const me = t.node.peerId.toString()
      return announcedBy(rv.node.node.services.pubsub, me).sort().join() === admitted.get(me)?.join()
    }), { what: 'the admitted throwaway subscriptions to reach the node' })
    expect(rv.node.groupRelay?.topics).toHaveLength(24)

    const [alice, bob] = await Promise.all([0, 1].map(async () => await groupPeer(cleanup, rv)))
    const id = (await alice.groups.create({ name: 'real', members: [bob.id] })).group.id
    await waitForKeys([alice, bob], id)
    await waitForMesh(rv, [alice, bob], id)
    const topic = stateTopic(await stateOf(bob, id))
    const relayed: string[] = []
    bob.node.services.pubsub.addEventListener('message', evt => { if (evt.detail.topic === topic && evt.detail.type === 'signed') relayed.push(evt.detail.from.toString()) })
    await alice.groups.send(id, 'still here')
    await waitFor(() => relayed.includes(alice.id), { what: 'the real group message over the relay' })
    await waitFor(() => bob.messages.some(m => m.text === 'still here'), { what: 'the real group message at bob' })
    expect(rv.node.groupRelay?.membersOf(topic).sort()).toEqual([alice.id, bob.id].sort())
    expect(rv.node.node.services.pubsub.getSubscribers(topic).map(String).sort()).toEqual([alice.id, bob.id].sort())
  })
})
