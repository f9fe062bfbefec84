// The account's devices in step, on real nodes, for what follows beyond messages: the contact list,
// a sent message's state on the other devices' copies, and group membership (created, joined, left,
// and every group on a device linked later); strangers cannot plant contacts or states, add
// themselves to a group or make a device leave one.
import { afterEach, describe, expect, it } from 'vitest'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { OWN_CONTACT } from '../../protocol/control/own-contacts.ts'
import { OWN_STATUS } from '../../protocol/control/own-status.ts'
import { CONTROL_ADD_DEVICES, CONTROL_OWN_LEAVE } from '../../protocol/groups/constants.ts'
import { GroupErrorCode } from '../../protocol/groups/errors.ts'
import { AddDevicesRequest, OwnLeaveRequest } from '../../protocol/groups/generated/groups.ts'
import { OwnContactBody, OwnStatusBody } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { groupPeer, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { Contact } from '../../protocol/control/own-contacts.ts'
import type { TestPeer } from '../helpers/network.ts'

const ADULT = '1990-05-17'

/** Links `phone` to the account of `laptop` (@name) and takes its history, as `account link` does. */
async function link (laptop: TestPeer, phone: TestPeer, name: string): Promise<void> {
  const { code } = await laptop.client.history.createLinkCode()
  await phone.client.history.link(name, code)
  await phone.client.history.receive(code, { waitMs: 10_000 })
}

describe('the account\'s devices follow each other', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a contact added, renamed, verified and removed on the laptop is so on the phone; a message sent on the laptop shows delivered, then read (or stored, then removed from the node), on the phone; a stranger changes neither', async () => {
    const rv = await startRendezvous(cleanup)
    const [laptop, phone, bob] = await Promise.all([0, 1, 2].map(async () => await createPeer(cleanup, rv.addr)))
    await Promise.all([laptop, phone, bob].map(async (p: TestPeer) => { await p.client.start(); await p.client.waitUntilReachable() }))
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    await bob.client.accounts?.signUp({ username: 'bob' }, ADULT)
    const earlier = await laptop.client.contacts.add(bob.node.peerId, { nickname: 'Bob', username: 'bob' })
    await link(laptop, phone, 'gina')
    // The list came with the history.
    expect(await phone.client.contacts.get(bob.node.peerId)).toEqual(earlier)
    const seen: Array<Contact & { from: string }> = []
    phone.client.addEventListener('contact', evt => { seen.push(evt.detail) })

    const carol = await createPeer(cleanup, rv.addr)
    await laptop.client.contacts.add(carol.node.peerId, { nickname: 'Carol' })
    await waitFor(async () => (await phone.client.contacts.get(carol.node.peerId))?.nickname === 'Carol', { what: 'the new contact on the phone', timeout: 60_000 })
    expect(seen.map(c => ({ peer: c.peer, from: c.from }))).toContainEqual({ peer: carol.node.peerId.toString(), from: 'device' })
    await laptop.client.contacts.add(bob.node.peerId, { nickname: 'Bobby' })
    await laptop.client.contacts.setVerified(bob.node.peerId, true)
    await waitFor(async () => (await phone.client.contacts.get(bob.node.peerId))?.verifiedAt != null, { what: 'the verification on the phone', timeout: 60_000 })
    expect(await phone.client.contacts.get(bob.node.peerId)).toMatchObject({ nickname: 'Bobby', username: 'bob' })
    await laptop.client.contacts.remove(carol.node.peerId)
    await waitFor(async () => await phone.client.contacts.get(carol.node.peerId) == null, { what: 'the removal on the phone', timeout: 60_000 })
    expect((await phone.client.contacts.list()).map(c => c.peer)).toEqual([bob.node.peerId.toString()])

    // Sent on the laptop and delivered to bob live: the phone's copy says delivered, not sent.
    const sent = await laptop.client.send(bob.node.peerId, 'did you get this?')
    expect(sent.status).toBe('delivered')
    await waitFor(async () => (await phone.store.getMessage(sent.id))?.status === 'delivered', { what: 'delivered on the phone\'s copy', timeout: 60_000 })
    expect(await phone.store.getMessage(sent.id)).toMatchObject({ direction: 'out', text: 'did you get this?' })
    await waitFor(async () => await bob.store.getMessage(sent.id) != null, { what: 'the message at bob' })
    await bob.client.markRead([sent.id])
    await waitFor(async () => (await laptop.store.getMessage(sent.id))?.status === 'read', { what: 'read on the laptop', timeout: 60_000 })
    await waitFor(async () => (await phone.store.getMessage(sent.id))?.status === 'read', { what: 'read on the phone\'s copy', timeout: 60_000 })

    // To dave, offline: the phone's copy says stored; once he took it, the node's purge receipt
    // (verified on the laptop) shows on the phone's copy too.
    const dave = await createPeer(cleanup, rv.addr)
    const waiting = await laptop.client.send(dave.node.peerId, 'for when you are back')
    expect(waiting.status).toBe('stored')
    await waitFor(async () => (await phone.store.getMessage(waiting.id))?.status === 'stored', { what: 'stored on the phone\'s copy', timeout: 60_000 })
    await dave.client.start()
    await waitFor(async () => (await laptop.store.getMessage(waiting.id))?.purged?.length === 1, { what: 'the purge receipt on the laptop', timeout: 60_000 })
    await waitFor(async () => (await phone.store.getMessage(waiting.id))?.purged?.length === 1, { what: 'the purge receipt on the phone\'s copy', timeout: 60_000 })
    expect((await phone.store.getMessage(waiting.id))?.purged).toEqual((await laptop.store.getMessage(waiting.id))?.purged)
    expect((await phone.store.getMessage(waiting.id))?.purged?.[0]).toMatchObject({ device: dave.node.peerId.toString(), node: rv.node.node.peerId.toString() })

    // Bob is no device of gina's account: his contact is not planted and his "read" moves nothing.
    const second = await laptop.client.send(bob.node.peerId, 'and this one?')
    await waitFor(async () => (await phone.store.getMessage(second.id))?.status === 'delivered', { what: 'the second message delivered on the phone', timeout: 60_000 })
    const forgedStatus = OwnStatusBody.encode({ ids: [envelopeIdFromString(second.id) as Uint8Array<ArrayBuffer>], status: 'read', purged: [{ id: envelopeIdFromString(second.id) as Uint8Array<ArrayBuffer>, device: bob.node.peerId.toString(), node: rv.node.node.peerId.toString(), at: 1n, expired: true }] })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_STATUS, forgedStatus)).status).toBe('delivered')
    const forgedContact = OwnContactBody.encode({ peer: bob.node.peerId.toString(), nickname: 'your bank', username: '', addedAt: 1n, updatedAt: BigInt(Date.now() + 3_600_000), removed: false, verifiedAt: BigInt(Date.now()) })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_CONTACT, forgedContact)).status).toBe('delivered')
    const planted = OwnContactBody.encode({ peer: carol.node.peerId.toString(), nickname: 'planted', username: '', addedAt: 1n, updatedAt: BigInt(Date.now() + 3_600_000), removed: false, verifiedAt: 0n })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_CONTACT, planted)).status).toBe('delivered')
    expect(await phone.store.getMessage(second.id)).toMatchObject({ status: 'delivered' })
    expect((await phone.store.getMessage(second.id))?.purged).toBeUndefined()
    expect(await phone.client.contacts.get(bob.node.peerId)).toMatchObject({ nickname: 'Bobby' })
    expect(await phone.client.contacts.get(carol.node.peerId)).toBeUndefined()
  })

  it('groups follow: a device linked later joins every group of the old one (admin or not) and reads it; a group created (it co-administers) or joined afterwards includes it; leaving on one leaves on both; a stranger cannot add itself or make a device leave', async () => {
    const rv = await startRendezvous(cleanup)
    const [laptop, phone, carol, eve] = await Promise.all([0, 1, 2, 3].map(async () => await groupPeer(cleanup, rv)))
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    await carol.client.accounts?.signUp({ username: 'carol' }, ADULT)
    await eve.client.accounts?.signUp({ username: 'eve' }, ADULT)
    // Carol's group, with the laptop as a plain member (no admin).
    const carols = (await carol.groups.create({ name: 'carol\'s', members: [laptop.id] })).group.id
    await waitFor(async () => (await laptop.groups.list()).some(g => g.id === carols && g.member), { what: 'the laptop in carol\'s group' })

    // Linked afterwards: carol (the admin) adds the phone at the laptop's request, checked at the node.
    await link(laptop, phone, 'gina')
    await waitFor(async () => (await phone.groups.list()).some(g => g.id === carols && g.member), { what: 'the phone in carol\'s group', timeout: 60_000 })
    await waitForKeys([carol, laptop, phone], carols)
    await waitForMesh(rv, [carol, laptop, phone], carols)
    const fromCarol = await carol.groups.send(carols, 'hello both of you')
    await waitFor(async () => (await phone.store.getMessage(fromCarol.id))?.text === 'hello both of you', { what: 'carol\'s new message on the phone', timeout: 60_000 })

    // Created on the laptop after the link: the phone is a member from the start and reads it.
    const ginas = (await laptop.groups.create({ name: 'gina\'s', members: [carol.id] })).group
    expect(ginas.members).toContain(phone.id)
    expect(ginas.admins).toContain(phone.id)
    await waitFor(async () => (await phone.groups.list()).some(g => g.id === ginas.id && g.member), { what: 'the phone in gina\'s group' })
    await waitForKeys([laptop, carol, phone], ginas.id)
    const inGinas = await carol.groups.send(ginas.id, 'for gina\'s group')
    await waitFor(async () => (await phone.store.getMessage(inGinas.id))?.text === 'for gina\'s group', { what: 'a message of the new group on the phone', timeout: 60_000 })

    // The person manages it from the phone as well.
    await phone.groups.rename(ginas.id, 'gina\'s, renamed on the phone')
    await waitFor(async () => (await laptop.groups.get(ginas.id)).name === 'gina\'s, renamed on the phone', { what: 'the new name on the laptop', timeout: 60_000 })

    // Joined on the laptop after the link (invited by PeerId alone): the phone follows.
    const joined = (await carol.groups.create({ name: 'joined later', members: [laptop.id] })).group.id
    await waitFor(async () => (await phone.groups.list()).some(g => g.id === joined && g.member), { what: 'the phone in the group the laptop joined', timeout: 60_000 })

    // A stranger asks carol to add it as a device of gina, and as one of its own: refused both times.
    const asEve = (username: string): Uint8Array => AddDevicesRequest.encode({ groupId: carols, username, devices: [eve.id] })
    await eve.client.sendControl(carol.node.peerId, CONTROL_ADD_DEVICES, asEve('gina'))
    await eve.client.sendControl(carol.node.peerId, CONTROL_ADD_DEVICES, asEve('eve'))
    // A member (the laptop) cannot bring in a device the node does not list in its account either.
    await laptop.client.sendControl(carol.node.peerId, CONTROL_ADD_DEVICES, asEve('gina'))
    await waitFor(() => carol.rejected.filter(r => r.groupId === carols).length >= 3, { what: 'carol refusing three requests' })
    expect(carol.rejected.filter(r => r.groupId === carols).map(r => r.code)).toEqual([GroupErrorCode.NOT_MEMBER, GroupErrorCode.NOT_MEMBER, GroupErrorCode.NOT_MEMBER])
    expect((await carol.groups.get(carols)).members).not.toContain(eve.id)
    // Nor can it make the phone leave.
    expect((await eve.client.sendControl(phone.node.peerId, CONTROL_OWN_LEAVE, OwnLeaveRequest.encode({ groupId: carols }))).status).toBe('delivered')
    expect((await phone.groups.list()).find(g => g.id === carols)?.member).toBe(true)

    // Leaving on the laptop leaves on the phone too; carol sees both gone.
    await laptop.groups.leave(joined)
    await waitFor(async () => (await phone.groups.list()).find(g => g.id === joined)?.member === false, { what: 'the phone out of the group', timeout: 60_000 })
    await waitFor(async () => (await carol.groups.get(joined)).members.every(m => m === carol.id), { what: 'carol alone in the group', timeout: 60_000 })
  })
})
