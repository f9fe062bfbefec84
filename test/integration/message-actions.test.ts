// Replies, reactions, edits and delete-for-everyone on real libp2p nodes through a real rendezvous:
// live between two online peers, through the mailbox to an offline one, and in a group.
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, startMember, stopMember, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { TestPeer } from '../helpers/network.ts'

async function held (peer: TestPeer, id: string): ReturnType<TestPeer['store']['getMessage']> {
  return await peer.store.getMessage(id)
}

describe('message actions', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('live 1:1: a quoted reply, a reaction changed and removed, an edit with its history, a delete for everyone', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await Promise.all([alice.client.start(), bob.client.start()])
    await Promise.all([alice, bob].map(async p => await p.client.sessions.ensurePrekeys()))
    await Promise.all([alice, bob].map(async p => await p.client.waitUntilReachable()))
    const a = alice.node.peerId.toString()
    const b = bob.node.peerId.toString()

    const hello = await alice.client.send(b, 'hello bob, lunch at noon?')
    expect(hello.status).toBe('delivered')
    await waitFor(async () => await held(bob, hello.id), { what: 'the first message at bob' })
    const reply = await bob.client.send(a, 'yes!', { replyTo: hello.id })
    expect(await held(bob, reply.id)).toMatchObject({ replyTo: hello.id, replyPreview: 'hello bob, lunch at noon?' })
    await waitFor(async () => (await held(alice, reply.id))?.replyPreview === 'hello bob, lunch at noon?', { what: 'the quoted reply at alice' })
    expect(alice.received.find(m => m.id === reply.id)?.replyTo).toBe(hello.id)

    expect((await bob.client.react(hello.id, '👍')).status).toBe('delivered')
    await waitFor(async () => (await held(alice, hello.id))?.reactions?.[0]?.emoji === '👍', { what: 'the reaction at alice' })
    await bob.client.react(hello.id, '❤️')
    await waitFor(async () => (await held(alice, hello.id))?.reactions?.[0]?.emoji === '❤️', { what: 'the changed reaction' })
    expect((await held(alice, hello.id))?.reactions).toHaveLength(1)
    await bob.client.react(hello.id, '')
    await waitFor(async () => (await held(alice, hello.id))?.reactions?.[0]?.emoji === '', { what: 'the removed reaction' })

    await alice.client.edit(hello.id, 'hello bob, lunch at one?')
    const edited = await waitFor(async () => { const m = await held(bob, hello.id); return m?.editedAt != null ? m : undefined }, { what: 'the edit at bob' })
    expect(edited).toMatchObject({ text: 'hello bob, lunch at one?', edits: [{ text: 'hello bob, lunch at noon?', at: edited.sentAt }] })
    // Bob cannot edit or delete Alice's message for everyone.
    await expect(bob.client.edit(hello.id, 'forged')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(bob.client.deleteForEveryone(hello.id)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    const deleted: string[] = []
    bob.client.addEventListener('deleted', evt => { deleted.push(evt.detail.id) })
    await alice.client.deleteForEveryone(hello.id)
    expect(await held(alice, hello.id)).toMatchObject({ text: '', deletedAt: expect.any(Number) })
    await waitFor(async () => (await held(bob, hello.id))?.deletedAt != null, { what: 'the tombstone at bob' })
    const tomb = await held(bob, hello.id)
    expect(tomb?.text).toBe('')
    expect(tomb?.edits).toBeUndefined()
    expect(deleted).toEqual([hello.id])
  })

  it('through the mailbox: an offline recipient finds the edit, reaction, deletion and quoted reply applied', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    const b = bob.node.peerId.toString()
    const first = await alice.client.send(b, 'first draft')
    const oops = await alice.client.send(b, 'wrong chat, sorry')
    expect(first.status).toBe('stored')
    expect((await alice.client.edit(first.id, 'final text')).status).toBe('stored')
    expect((await alice.client.react(first.id, '🎉')).status).toBe('stored')
    expect((await alice.client.deleteForEveryone(oops.id)).status).toBe('stored')
    const reply = await alice.client.send(b, 'about that', { replyTo: first.id })
    expect(reply.status).toBe('stored')

    await bob.client.start()
    await waitFor(async () => await held(bob, reply.id), { what: 'the mailbox at bob' })
    expect(await held(bob, first.id)).toMatchObject({ text: 'final text', edits: [{ text: 'first draft' }], reactions: [{ from: alice.node.peerId.toString(), emoji: '🎉' }] })
    expect(await held(bob, oops.id)).toMatchObject({ text: '', deletedAt: expect.any(Number) })
    // The quote comes from Bob's own copy, edited by the time the reply arrived.
    expect(await held(bob, reply.id)).toMatchObject({ replyTo: first.id, replyPreview: 'final text' })
  })

  it('in a group: a reply, reactions of two members, an edit and a delete for everyone reach every member, offline ones too', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(async () => await groupPeer(cleanup, rv)))
    const all = [alice, bob, carol]
    const groupId = (await alice.groups.create({ name: 'trip', members: [bob.id, carol.id] })).group.id
    await waitForKeys(all, groupId)
    await waitForMesh(rv, all, groupId)

    const plan = await alice.groups.send(groupId, 'train at 9')
    await waitFor(() => [bob, carol].every(m => m.messages.some(x => x.id === plan.id)), { what: 'the plan at every member' })
    const answer = await bob.groups.send(groupId, 'ok', { replyTo: plan.id })
    await waitFor(async () => (await held(carol, answer.id))?.replyPreview === 'train at 9', { what: 'the quoted reply at carol' })
    expect(await held(alice, answer.id)).toMatchObject({ replyTo: plan.id })

    await bob.client.react(plan.id, '👍')
    // Carol goes offline: what follows reaches her through the mailbox.
    await stopMember(carol)
    await alice.client.react(plan.id, '🚆')
    await alice.client.edit(plan.id, 'train at 10')
    await waitFor(async () => { const m = await held(bob, plan.id); return m?.text === 'train at 10' && m.reactions?.length === 2 }, { what: 'edit and reactions at bob' })
    expect((await held(alice, plan.id))?.reactions?.map(r => [r.from, r.emoji])).toEqual([[bob.id, '👍'], [alice.id, '🚆']])
    // Only Bob wrote the answer: Alice's own client refuses to ask.
    await expect(alice.client.deleteForEveryone(answer.id)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    expect((await held(alice, answer.id))?.deletedAt).toBeUndefined()
    await bob.client.deleteForEveryone(answer.id)
    await waitFor(async () => (await held(alice, answer.id))?.deletedAt != null, { what: 'the tombstone at alice' })

    const carol2 = await groupPeer(cleanup, rv, { identity: carol.identity, store: carol.store, start: false })
    await startMember(carol2)
    await waitFor(async () => { const m = await held(carol2, plan.id); return m?.text === 'train at 10' && m.reactions?.length === 2 }, { what: 'the edit and reactions at carol after coming back' })
    await waitFor(async () => (await held(carol2, answer.id))?.deletedAt != null, { what: 'the tombstone at carol' })
    expect((await held(carol2, plan.id))?.edits).toEqual([{ text: 'train at 9', at: expect.any(Number) }])
  })
})
