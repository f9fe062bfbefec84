// Group limits an attacker (or a plan) must not get around. Guards: the relay holding a topic to its
// owner's plan (`groupMaxMembers`, rendezvous/groups/group-relay.ts), the protocol's member cap being
// the largest plan's and the config refusing a plan above it (MAX_GROUP_MEMBERS), and the bounded set
// of sender keys a client keeps for groups it does not know (MAX_EARLY_SENDER_KEYS, group-receiver.ts).
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_EARLY_SENDER_KEYS, MAX_GROUP_MEMBERS } from '../../protocol/groups/constants.ts'
import { checkShape, newGroupId, signState, stateTopic } from '../../protocol/groups/group-state.ts'
import { GroupState, SenderKeyDistribution } from '../../protocol/groups/generated/groups.ts'
import { RelayClient, RelayJoinStatus } from '../../protocol/groups/relay-client.ts'
import { generateSenderKey, distributionFor } from '../../protocol/groups/sender-key.ts'
import { makeProof } from '../../protocol/groups/topic-key.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { DEFAULT_PLANS } from '../../rendezvous/billing/plans.ts'
import { ConfigError, resolveConfig } from '../../rendezvous/config.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, waitForKeys } from '../protocol/groups/helpers.ts'
import type { GroupPeer } from '../protocol/groups/helpers.ts'

describe('group limits', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it("the relay serves a group to as many members as its owner's plan allows", async () => {
    const rv = await startRendezvous(cleanup, { plans: { free: { groups: { maxMembers: 2 } }, premium: { groups: { maxMembers: 3 } } } })
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(async () => await groupPeer(cleanup, rv)))
    const id = (await alice.groups.create({ name: 'three', members: [bob.id, carol.id] })).group.id
    await waitForKeys([alice, bob, carol], id)
    const state = await alice.groups.groups.getState(id) as GroupState
    const topic = stateTopic(state)
    // Alice has no account, so the free plan applies: the node relays the topic for two of them.
    await waitFor(() => rv.node.groupRelay?.membersOf(topic).length === 2, { what: 'two members admitted' })
    const hubId = rv.node.node.peerId.toString()
    const join = async (m: GroupPeer): Promise<RelayJoinStatus> =>
      (await new RelayClient(m.node, rv.addr, 10_000).join([makeProof(state.topicSecret, state.topicOwner, state.topicOwnerSignature, hubId, m.id, Date.now())]))[0].status
    const left = [alice, bob, carol].find(m => rv.node.groupRelay?.membersOf(topic).includes(m.id) !== true) as GroupPeer
    expect(await join(left)).toBe(RelayJoinStatus.GROUP_FULL)

    // Once the owner is on the larger plan, the third member gets in too.
    await alice.client.accounts?.signUp({ username: 'alice' }, '1990-01-01')
    await rv.node.billing.grant((await alice.client.accounts?.get())?.id ?? '', 'premium')
    expect(await join(left)).toBe(RelayJoinStatus.ACCEPTED)
    expect(rv.node.groupRelay?.membersOf(topic)).toHaveLength(3)
  })

  it("the protocol's member cap is the largest plan's, and no plan may exceed it", async () => {
    expect(MAX_GROUP_MEMBERS).toBe(Math.max(...Object.values(DEFAULT_PLANS).map(p => p.groupMaxMembers)))
    expect(() => resolveConfig({ plans: { premium: { groups: { maxMembers: MAX_GROUP_MEMBERS + 1 } } } })).toThrow(ConfigError)
    const admin = await DeviceIdentity.generate()
    const others = await Promise.all(Array.from({ length: MAX_GROUP_MEMBERS }, async () => (await DeviceIdentity.generate()).peerId.toString()))
    const fields = { id: newGroupId(), name: 'premium-sized', admins: [admin.peerId.toString()], encryption: 'e2ee' as const, version: 1 }
    const full = signState(admin, { ...fields, members: [admin.peerId.toString(), ...others.slice(1)] })
    expect(full.members).toHaveLength(MAX_GROUP_MEMBERS)
    expect(() => { checkShape(full) }).not.toThrow()
    expect(() => signState(admin, { ...fields, members: [admin.peerId.toString(), ...others] })).toThrow(/1 to 1000 members/)
  })

  it('keeps a bounded set of sender keys for groups it does not know, and still takes one that comes before its invitation', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, victim] = await Promise.all([0, 1].map(async () => await groupPeer(cleanup, rv)))
    const attacker = await createPeer(cleanup, rv.addr)
    await attacker.client.start()
    const keyFor = (groupId: string, owner: string): Uint8Array =>
      SenderKeyDistribution.encode(distributionFor(generateSenderKey(groupId, owner, 1, [victim.id]), victim.id))

    const flood = MAX_EARLY_SENDER_KEYS + 16
    let last = ''
    for (let i = 0; i < flood; i++) {
      last = newGroupId()
      await attacker.client.sendControl(victim.node.peerId, 'group/sender-key', keyFor(last, attacker.node.peerId.toString()))
    }
    await waitFor(async () => (await victim.groups.groups.listEarlyKeys(last)).length === 1, { what: 'the last flooded key to arrive' })
    expect(await victim.groups.groups.listEarlyKeys()).toHaveLength(MAX_EARLY_SENDER_KEYS)
    expect(await victim.store.listValues('groups/key/')).toEqual([])

    // A legitimate key that overtakes its invitation is still kept, and adopted once the invitation comes.
    const early = newGroupId()
    await alice.client.sendControl(victim.node.peerId, 'group/sender-key', keyFor(early, alice.id))
    await waitFor(async () => (await victim.groups.groups.listEarlyKeys(early)).length === 1, { what: 'the early key to be kept' })
    expect(await victim.groups.groups.listEarlyKeys()).toHaveLength(MAX_EARLY_SENDER_KEYS)
    const invitation = signState(alice.identity, { id: early, name: 'late invitation', members: [alice.id, victim.id], admins: [alice.id], encryption: 'e2ee', version: 1 })
    await alice.client.sendControl(victim.node.peerId, 'group/state', GroupState.encode(invitation))
    await waitFor(async () => await victim.groups.groups.getKey(early, alice.id, 1) != null, { what: 'the early key to be adopted' })
    expect(await victim.groups.groups.listEarlyKeys(early)).toEqual([])
  })
})
