// Forged message actions on real nodes. Defence (protocol/control/message-rules.ts `mayChange`): an
// edit or a delete-for-everyone is applied only when it comes from the author of the stored message
// (its 1:1 sender, or the group member who wrote it); a reaction only from a party of the
// conversation. A stranger, the recipient, or another group member cannot rewrite or erase what
// someone else wrote, whatever the control message claims.
import { afterEach, describe, expect, it } from 'vitest'
import { encodeIds } from '../../protocol/control/control-ids.ts'
import { DELETE_REQUEST, EDIT, REACTION } from '../../protocol/control/message-actions.ts'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { EditBody, ReactionBody } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { TestPeer } from '../helpers/network.ts'

const id16 = (id: string): Uint8Array<ArrayBuffer> => envelopeIdFromString(id) as Uint8Array<ArrayBuffer>

/** Sends a forged edit and a forged delete-for-everyone of `messageId` to `to`. */
async function forge (attacker: TestPeer, to: TestPeer, messageId: string): Promise<void> {
  const peer = to.node.peerId
  // Delivered live: the recipient's handler ran before the ack, so the outcome is settled here.
  expect((await attacker.client.sendControl(peer, EDIT, EditBody.encode({ messageId: id16(messageId), text: 'forged text' }))).status).toBe('delivered')
  expect((await attacker.client.sendControl(peer, DELETE_REQUEST, encodeIds([messageId]))).status).toBe('delivered')
}

describe('forged message actions', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('1:1: neither a stranger nor the recipient can edit or delete the sender\'s message; a stranger cannot react', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, mallory] = await Promise.all([0, 1, 2].map(async () => await createPeer(cleanup, rv.addr)))
    await Promise.all([alice, bob, mallory].map(async p => { await p.client.start(); await p.client.sessions.ensurePrekeys() }))
    await Promise.all([alice, bob].map(async p => await p.client.waitUntilReachable()))
    const sent = await alice.client.send(bob.node.peerId, 'the real text')
    await waitFor(async () => await bob.store.getMessage(sent.id), { what: 'the message at bob' })

    await forge(mallory, bob, sent.id)
    await mallory.client.sendControl(bob.node.peerId, REACTION, ReactionBody.encode({ messageId: id16(sent.id), emoji: '💩' }))
    // Bob, the recipient, tries on Alice's copy: refused there too.
    await forge(bob, alice, sent.id)
    // A genuine reaction by Bob, after the forgeries: once it shows, they were all handled.
    await bob.client.react(sent.id, '👍')
    await waitFor(async () => (await alice.store.getMessage(sent.id))?.reactions?.length === 1, { what: 'bob\'s reaction at alice' })
    expect(await alice.store.getMessage(sent.id)).toMatchObject({ text: 'the real text', reactions: [{ from: bob.node.peerId.toString(), emoji: '👍' }] })
    expect((await alice.store.getMessage(sent.id))?.deletedAt).toBeUndefined()
    const atBob = await bob.store.getMessage(sent.id)
    expect(atBob).toMatchObject({ text: 'the real text', reactions: [{ emoji: '👍' }] })
    expect(atBob?.edits).toBeUndefined()
    expect(atBob?.deletedAt).toBeUndefined()
    // Nothing about a message Bob holds was parked for later.
    expect(await bob.client.actions.pending.list()).toEqual([])
  })

  it('group: a member cannot edit or delete another member\'s message; a non-member cannot react', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol, mallory] = await Promise.all([0, 1, 2, 3].map(async () => await groupPeer(cleanup, rv)))
    await mallory.client.sessions.ensurePrekeys()
    const all = [alice, bob, carol]
    const groupId = (await alice.groups.create({ name: 'g', members: [bob.id, carol.id] })).group.id
    await waitForKeys(all, groupId)
    await waitForMesh(rv, all, groupId)
    const sent = await alice.groups.send(groupId, 'alice wrote this')
    await waitFor(async () => await bob.store.getMessage(sent.id), { what: 'the group message at bob' })

    await forge(carol, bob, sent.id)
    await mallory.client.sendControl(bob.node.peerId, REACTION, ReactionBody.encode({ messageId: id16(sent.id), emoji: '💩' }))
    await carol.client.react(sent.id, '👍')
    await waitFor(async () => (await bob.store.getMessage(sent.id))?.reactions?.length === 1, { what: 'carol\'s reaction at bob' })
    const atBob = await bob.store.getMessage(sent.id)
    expect(atBob).toMatchObject({ text: 'alice wrote this', reactions: [{ from: carol.id, emoji: '👍' }] })
    expect(atBob?.deletedAt).toBeUndefined()
    expect(atBob?.edits).toBeUndefined()
  })
})
