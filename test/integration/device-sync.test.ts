// Devices of one account in step, on real nodes: a message sent on one device shows on the other as
// sent by you, what is read on one is read on the other, a timer set on one holds on the other, and a deletion on one (for me, and for everyone) removes the message on the other; the
// same control messages from anyone else are dropped.
import { afterEach, describe, expect, it } from 'vitest'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { conversationTimer } from '../../protocol/control/disappearing.ts'
import { OWN_DELETE, OWN_READ, OWN_SENT, OWN_TIMER } from '../../protocol/control/own-devices.ts'
import { OwnDeleteBody, OwnReadBody, OwnSentBody, OwnTimerBody } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer } from '../helpers/network.ts'

const ADULT = '1990-05-17'

describe('the account\'s devices in step', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a message sent on the laptop shows on the phone as sent by you; delete for me and for everyone remove it there too; a stranger\'s requests change nothing', async () => {
    const rv = await startRendezvous(cleanup)
    const [laptop, phone, bob] = await Promise.all([0, 1, 2].map(async () => await createPeer(cleanup, rv.addr)))
    await Promise.all([laptop, phone, bob].map(async (p: TestPeer) => { await p.client.start(); await p.client.waitUntilReachable() }))
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    const fromBob = await bob.client.send(laptop.node.peerId, 'from bob, to be deleted for me')
    const kept = await bob.client.send(laptop.node.peerId, 'from bob, kept')
    const ours = await laptop.client.send(bob.node.peerId, 'from gina, to be deleted for everyone')
    await waitFor(async () => (await laptop.store.listMessages()).length === 3, { what: 'three messages on the laptop' })
    await waitFor(async () => await bob.store.getMessage(ours.id) != null, { what: 'gina\'s message at bob' })

    const { code } = await laptop.client.history.createLinkCode()
    await phone.client.history.link('gina', code)
    expect(await phone.client.history.receive(code)).toMatchObject({ added: 3 })

    // Sent on the laptop: the phone shows it as sent by you, under the same id.
    const later = await laptop.client.send(bob.node.peerId, 'sent from the laptop after the link')
    await waitFor(async () => await phone.store.getMessage(later.id) != null, { what: 'the laptop\'s message on the phone' })
    expect(await phone.store.getMessage(later.id)).toMatchObject({ direction: 'out', peer: bob.node.peerId.toString(), text: 'sent from the laptop after the link' })
    expect(phone.received.map(m => m.id)).toContain(later.id)

    // Read on the laptop: read on the phone too (no longer unread there), without a second receipt.
    expect((await phone.store.getMessage(kept.id))?.status).toBe('received')
    expect(await laptop.client.markRead([kept.id], { receipts: false })).toBe(1)
    await waitFor(async () => (await phone.store.getMessage(kept.id))?.status === 'read', { what: 'the read state on the phone', timeout: 60_000 })

    // A disappearing-message timer set on the laptop holds on the phone too, shown as set by you.
    await laptop.client.setTimer({ peer: bob.node.peerId.toString() }, 3600)
    await waitFor(async () => (await conversationTimer(phone.store, { peer: bob.node.peerId.toString() })).seconds === 3600, { what: 'the timer on the phone', timeout: 60_000 })
    expect((await phone.store.listMessages()).filter(m => m.timer === 3600)).toEqual([expect.objectContaining({ direction: 'out', peer: bob.node.peerId.toString() })])

    await laptop.client.deleteMessage(fromBob.id)
    await waitFor(async () => await phone.store.getMessage(fromBob.id) == null, { what: 'the deletion on the phone' })
    // Gone for good there too: a late copy of the envelope cannot bring it back.
    const copy = await bob.store.getMessage(fromBob.id)
    expect(copy).toBeDefined()
    if (copy != null) expect(await phone.store.addMessage({ ...copy, direction: 'in', peer: bob.node.peerId.toString() })).toBe(false)

    await laptop.client.deleteForEveryone(ours.id)
    await waitFor(async () => (await phone.store.getMessage(ours.id))?.deletedAt != null, { what: 'the tombstone on the phone' })
    expect(await phone.store.getMessage(ours.id)).toMatchObject({ text: '', direction: 'out' })
    await waitFor(async () => (await bob.store.getMessage(ours.id))?.deletedAt != null, { what: 'the tombstone at bob' })

    // Bob is no device of gina's account: his request is dropped (the handler ran before the ack).
    const body = OwnDeleteBody.encode({ ids: [envelopeIdFromString(kept.id) as Uint8Array<ArrayBuffer>], forEveryone: false, at: 0n })
    const sent = await bob.client.sendControl(phone.node.peerId, OWN_DELETE, body)
    expect(sent.status).toBe('delivered')
    // Nor can he plant a message on the phone that looks sent by gina.
    const forged = OwnSentBody.encode({ id: new Uint8Array(16).fill(7), peer: bob.node.peerId.toString(), text: 'forged as gina', sentAt: BigInt(Date.now()), group: '', replyTo: new Uint8Array(0), replyPreview: '', expiresAt: 0n })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_SENT, forged)).status).toBe('delivered')
    expect((await phone.store.listMessages()).map(m => m.text)).not.toContain('forged as gina')
    // Nor set the phone's timers.
    const timerBody = OwnTimerBody.encode({ peer: bob.node.peerId.toString(), group: '', seconds: 5, at: BigInt(Date.now() + 60_000) })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_TIMER, timerBody)).status).toBe('delivered')
    expect((await conversationTimer(phone.store, { peer: bob.node.peerId.toString() })).seconds).toBe(3600)
    // Nor mark what the phone received as read.
    const unread = await bob.client.send(phone.node.peerId, 'for the phone, unread')
    await waitFor(async () => await phone.store.getMessage(unread.id) != null, { what: 'bob\'s message on the phone' })
    expect((await bob.client.sendControl(phone.node.peerId, OWN_READ, OwnReadBody.encode({ ids: [envelopeIdFromString(unread.id) as Uint8Array<ArrayBuffer>] }))).status).toBe('delivered')
    expect((await phone.store.getMessage(unread.id))?.status).toBe('received')
    expect(await phone.store.getMessage(kept.id)).toMatchObject({ text: 'from bob, kept' })
    expect(await laptop.store.getMessage(kept.id)).toMatchObject({ text: 'from bob, kept' })
  })
})
