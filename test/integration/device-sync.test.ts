// Devices of one account in step, on real nodes: a deletion on one device (for me, and for everyone)
// removes the message on the account's other device; the same control message from anyone else is
// dropped.
import { afterEach, describe, expect, it } from 'vitest'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { OWN_DELETE } from '../../protocol/control/own-devices.ts'
import { OwnDeleteBody } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer } from '../helpers/network.ts'

const ADULT = '1990-05-17'

describe('deletions follow to the account\'s devices', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('delete for me and for everyone on the laptop remove the message on the phone; a stranger\'s request changes nothing', async () => {
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
    expect(await phone.store.getMessage(kept.id)).toMatchObject({ text: 'from bob, kept' })
    expect(await laptop.store.getMessage(kept.id)).toMatchObject({ text: 'from bob, kept' })
  })
})
