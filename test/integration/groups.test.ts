// Groups across real libp2p nodes on loopback: four members, a removal with key and topic rotation
// (the removed member no longer gets the traffic, nor could read it), a forged state update, an offline member catching up through the mailbox, an open group, and the rule that
// the rendezvous never stores group plaintext.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupErrorCode } from '../../protocol/groups/errors.ts'
import { signState, stateTopic } from '../../protocol/groups/group-state.ts'
import { GroupMessage, GroupState } from '../../protocol/groups/generated/groups.ts'
import { decryptMessage } from '../../protocol/groups/sender-key.ts'
import { openGossip, topicKeys } from '../../protocol/groups/topic-key.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, startMember, stopMember, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { GroupPeer } from '../protocol/groups/helpers.ts'

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function canary (label: string): string {
  return `canary-${label}-${Math.random().toString(36).slice(2)}-plaintext`
}

async function texts (member: GroupPeer, groupId: string): Promise<string[]> {
  return (await member.store.listMessages({ group: groupId })).map(m => m.text)
}

describe('groups', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('four members: a removed member gets nothing on the topic and could not read it; forged states are refused', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map(async () => await groupPeer(cleanup, rv)))
    const all = [alice, bob, carol, dave]
    const created = await alice.groups.create({ name: 'four', members: [bob.id, carol.id, dave.id] })
    const groupId = created.group.id
    expect(created.failures).toEqual([])
    await waitForKeys(all, groupId)
    await waitForMesh(rv, all, groupId)
    for (const m of all) expect(await m.groups.get(groupId)).toMatchObject({ name: 'four', encryption: 'e2ee', version: 1, admins: [alice.id] })

    await alice.groups.send(groupId, 'hello all')
    await waitFor(() => [bob, carol, dave].every(m => m.messages.length === 1), { what: 'the first message at every member' })
    expect(bob.messages[0]).toMatchObject({ text: 'hello all', from: alice.id, groupId, groupName: 'four' })
    // The topic is the fast path; the mailbox copies arrive later and are dropped by id.
    expect([bob, carol, dave].some(m => m.messages[0].path === 'gossip')).toBe(true)

    // Carol is no admin: her rename is refused, and so is one claiming Alice wrote it.
    const current = await bob.groups.groups.getState(groupId) as GroupState
    const info = await bob.groups.get(groupId)
    const byCarol = signState(carol.identity, { ...info, name: 'taken over', admins: [carol.id], version: info.version + 1 })
    await carol.client.sendControl(bob.node.peerId, 'group/state', GroupState.encode(byCarol))
    await carol.client.sendControl(bob.node.peerId, 'group/state', GroupState.encode({ ...byCarol, author: alice.id }))
    await waitFor(() => bob.rejected.length === 2, { what: 'two rejections' })
    expect(bob.rejected.map(r => r.code)).toEqual([GroupErrorCode.NOT_ADMIN, GroupErrorCode.BAD_SIGNATURE])
    expect(await bob.groups.groups.getState(groupId)).toEqual(current)

    const removed = await alice.groups.remove(groupId, dave.id)
    expect(removed.group.members).toEqual([alice.id, bob.id, carol.id])
    await waitFor(async () => (await dave.groups.list())[0]?.member === false, { what: 'dave to learn he was removed' })
    const remaining = [alice, bob, carol]
    await waitFor(async () => {
      for (const m of remaining) if ((await m.groups.groups.getOwnKey(groupId))?.keyId !== 2) return false
      return true
    }, { what: 'every remaining member to rotate' })
    await waitForKeys(remaining, groupId)

    // Dave keeps listening, as a removed member might: on the topic he knew, and on the new one,
    // whose name he can compute from the state that told him he is out (it lacks the secret).
    const daveState = await dave.groups.groups.getState(groupId) as GroupState
    expect(daveState.topicSecret).toHaveLength(0)
    const carolState = await carol.groups.groups.getState(groupId) as GroupState
    const topic = stateTopic(carolState)
    expect(stateTopic(daveState)).toBe(topic)
    expect(stateTopic(current)).not.toBe(topic)
    const overheard: Uint8Array[] = []
    dave.node.services.pubsub.addEventListener('message', evt => { overheard.push(evt.detail.data) })
    dave.node.services.pubsub.subscribe(topic)
    dave.node.services.pubsub.subscribe(stateTopic(current))
    const onTopic: Uint8Array[] = []
    carol.node.services.pubsub.addEventListener('message', evt => { if (evt.detail.topic === topic) onTopic.push(evt.detail.data) })
    await waitForMesh(rv, remaining, groupId)

    const secret = canary('after-removal')
    await bob.groups.send(groupId, secret)
    await waitFor(() => alice.messages.length === 1 && carol.messages.length === 2, { what: 'the secret at alice and carol' })
    await waitFor(() => onTopic.length > 0, { what: 'carol to get the message on the topic' })
    // The hub relays the new topic only for peers that proved its secret: Dave is not one of them.
    const hub = rv.node.node.services.pubsub
    expect(hub.getSubscribers(topic).some(p => p.equals(dave.node.peerId))).toBe(false)
    expect(overheard).toEqual([])
    // What went over the topic is sealed under the new topic secret; opened, it is bob's ciphertext
    // under his rotated key, which Dave's old key cannot open either.
    expect(Buffer.from(onTopic[0]).includes(Buffer.from(secret))).toBe(false)
    const opened = openGossip(topicKeys(carolState.topicSecret).gossipKey, topic, onTopic[0])
    expect(opened).toBeDefined()
    const ciphertext = GroupMessage.decode(opened as Uint8Array)
    expect(ciphertext.sender).toBe(bob.id)
    expect(ciphertext.encrypted).toBe(true)
    expect(ciphertext.keyId).toBe(2)
    expect(Buffer.from(GroupMessage.encode(ciphertext)).includes(Buffer.from(secret))).toBe(false)
    const daveKeys = (await dave.groups.groups.listKeys(groupId)).filter(k => k.owner === bob.id)
    expect(daveKeys.map(k => k.keyId)).toEqual([1])
    // Even forced through his old key for Bob, the new message does not open.
    expect(() => decryptMessage({ ...daveKeys[0], keyId: ciphertext.keyId }, ciphertext)).toThrow()
    expect(await texts(dave, groupId)).toEqual(['hello all'])
    expect(dave.messages.map(m => m.text)).toEqual(['hello all'])

    expect(await texts(alice, groupId)).toEqual(['hello all', secret])
    expect(await texts(carol, groupId)).toEqual(['hello all', secret])
    expect(await texts(bob, groupId)).toEqual(['hello all', secret])
    // Each member saw each message once, although gossip and the mailbox both brought it.
    await Promise.all(remaining.map(async m => { await m.client.sync() }))
    expect(carol.messages.map(m => m.text)).toEqual(['hello all', secret])
    expect(alice.messages.map(m => m.text)).toEqual([secret])
  })

  it("signs group states on the chat client's clock, and members accept them from a clock a few minutes ahead", async () => {
    const rv = await startRendezvous(cleanup)
    const ahead = 4 * 60_000
    const alice = await groupPeer(cleanup, rv, { now: () => Date.now() + ahead })
    const bob = await groupPeer(cleanup, rv)
    const before = Date.now()
    const created = await alice.groups.create({ name: 'skewed', members: [bob.id] })
    const after = Date.now()
    const state = await alice.groups.groups.getState(created.group.id) as GroupState
    expect(Number(state.updatedAt)).toBeGreaterThanOrEqual(before + ahead)
    expect(Number(state.updatedAt)).toBeLessThanOrEqual(after + ahead)
    await waitForKeys([alice, bob], created.group.id)
    await alice.groups.send(created.group.id, 'from the future')
    await waitFor(() => bob.messages.length === 1, { what: 'the message at bob' })
    expect(bob.messages[0]).toMatchObject({ text: 'from the future', from: alice.id })
  })

  it('an offline member gets E2EE and open group messages once after a restart; the rendezvous keeps no plaintext', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(async () => await groupPeer(cleanup, rv)))
    const secret = (await alice.groups.create({ name: 'secret', members: [bob.id, carol.id] })).group.id
    // An @username stands for the account's devices.
    await carol.client.accounts?.signUp({ username: 'carol' }, '1990-01-01')
    const open = (await alice.groups.create({ name: 'town square', encryption: 'open', members: [bob.id, '@carol'] })).group.id
    await waitForKeys([alice, bob, carol], secret)
    await waitFor(async () => (await Promise.all([bob, carol].map(async m => (await m.groups.list()).length))).every(n => n === 2), { what: 'both groups everywhere' })
    for (const m of [alice, bob, carol]) expect(await m.groups.get(open)).toMatchObject({ encryption: 'open', name: 'town square' })

    await stopMember(carol)
    const sent = { [secret]: [canary('e2ee-1'), canary('e2ee-2'), canary('e2ee-3')], [open]: [canary('open-1'), canary('open-2')] }
    await alice.groups.send(secret, sent[secret][0])
    await bob.groups.send(secret, sent[secret][1])
    await alice.groups.send(secret, sent[secret][2])
    await alice.groups.send(open, sent[open][0])
    await bob.groups.send(open, sent[open][1])
    await waitFor(() => bob.messages.length === 3 && alice.messages.length === 2, { what: 'the online members' })
    expect((await rv.node.store.usage(carol.id)).count).toBe(5)

    const files = filesUnder(rv.dataDir)
    expect(files.some(f => f.endsWith('.sqlite'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const text of [...sent[secret], ...sent[open]]) {
        expect(bytes.includes(Buffer.from(text, 'utf8')), `${text} found in ${file}`).toBe(false)
        expect(bytes.includes(Buffer.from(text, 'utf16le')), `${text} (UTF-16) found in ${file}`).toBe(false)
      }
    }

    // Carol comes back on a new node with her identity and store: keys and groups survived.
    const back = await groupPeer(cleanup, rv, { identity: carol.identity, store: carol.store, start: false })
    await startMember(back)
    await waitFor(() => back.messages.length === 5, { what: 'the five messages sent while carol was away' })
    expect(await texts(back, secret)).toEqual(sent[secret])
    expect(await texts(back, open)).toEqual(sent[open])
    expect(back.messages.every(m => m.path === 'mailbox')).toBe(true)
    expect(await back.client.sync()).toBe(0)
    expect(back.messages).toHaveLength(5)
    expect(await rv.node.store.usage(carol.id)).toEqual({ count: 0, bytes: 0 })
    expect((await back.groups.history(open)).map(m => m.from)).toEqual([alice.id, bob.id])

    // Bob leaves from version 1 while Alice renames to version 2: the rules refuse his stale state,
    // and Alice, an admin, honours it by removing him, so everyone converges on version 3.
    const v1 = await bob.groups.get(open)
    await alice.groups.rename(open, 'plaza')
    const leave = signState(bob.identity, { ...v1, members: [alice.id, carol.id], admins: [alice.id], version: 2 })
    await bob.client.sendControl(alice.node.peerId, 'group/state', GroupState.encode(leave))
    for (const m of [alice, back]) {
      await waitFor(async () => (await m.groups.get(open)).version === 3, { what: 'version 3 everywhere' })
      expect(await m.groups.get(open)).toMatchObject({ name: 'plaza', members: [alice.id, carol.id] })
    }
    await waitFor(async () => (await bob.groups.list()).find(g => g.id === open)?.member === false, { what: 'bob to be out' })
  })
})
