// The mailbox protocol under bad input and unauthorised requests: every case gets a typed error
// frame, nothing stored is lost, and the node keeps serving other peers.
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL, MAX_REQUEST_BYTES } from '../../protocol/constants.ts'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { MailboxRequest, MailboxResponse } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'

/** Writes raw bytes as one length-prefixed frame and reads the node's answer. */
async function rawExchange (peer: TestPeer, rv: TestRendezvous, frame: Uint8Array, declaredLength?: number): Promise<MailboxResponse> {
  const stream = await peer.node.dialProtocol(rv.addr, MAILBOX_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const lp = lpStream(stream)
  if (declaredLength == null) {
    await lp.write(frame)
  } else {
    // A length prefix that promises more than the limit; the body is never read by the node.
    const { encode } = await import('uint8-varint')
    await stream.send(encode(declaredLength))
    await stream.send(frame)
  }
  const reply = await lp.read({ signal: AbortSignal.timeout(10_000) })
  stream.abort(new Error('done'))
  return MailboxResponse.decode(reply)
}

describe('mailbox protocol', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function setup (): Promise<{ rv: TestRendezvous, alice: TestPeer, bob: TestPeer, mallory: TestPeer }> {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const mallory = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await mallory.client.start()
    return { rv, alice, bob, mallory }
  }

  it('lets only the recipient fetch and ack its mailbox', async () => {
    const { rv, alice, bob, mallory } = await setup()
    const sent = await alice.client.send(bob.node.peerId, 'for bob only')
    expect(sent.status).toBe('stored')

    // Requests act for the connection's PeerId: Mallory sees her own (empty) mailbox...
    const asMallory = new MailboxClient(mallory.node, rv.addr)
    expect((await asMallory.fetch()).envelopes).toHaveLength(0)
    // ...and acking Bob's message id deletes nothing.
    const bobsId = Uint8Array.from(Buffer.from(sent.id, 'hex'))
    expect(await asMallory.ack([bobsId])).toBe(0)
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toMatchObject({ count: 1 })

    await bob.client.start()
    await waitFor(() => bob.received.length === 1, { what: "bob's message" })
    expect(bob.received[0].text).toBe('for bob only')
  })

  it('answers a malformed frame with MALFORMED', async () => {
    const { rv, mallory } = await setup()
    const res = await rawExchange(mallory, rv, Uint8Array.from([0x0a, 0xff, 0xff, 0x01, 0x02]))
    expect(res.error).toMatchObject({ code: 'MALFORMED' })
  })

  it('answers a frame over the limit with TOO_LARGE without reading it', async () => {
    const { rv, mallory } = await setup()
    const res = await rawExchange(mallory, rv, new Uint8Array(16), MAX_REQUEST_BYTES + 1)
    expect(res.error).toMatchObject({ code: 'TOO_LARGE' })
  })

  it('refuses an envelope with a forged signature', async () => {
    const { rv, alice, bob, mallory } = await setup()
    const env = createEnvelope(alice.identity, bob.node.peerId, { text: 'genuine' })
    const forged = { ...env, ciphertext: Uint8Array.from(env.ciphertext) }
    forged.ciphertext[forged.ciphertext.length - 1] ^= 1
    await expect(new MailboxClient(alice.node, rv.addr).deposit(forged)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' })
    // An intact envelope deposited by someone other than its signer is refused too.
    await expect(new MailboxClient(mallory.node, rv.addr).deposit(env)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    expect(await rv.node.store.stats()).toMatchObject({ envelopes: 0 })
  })

  it('refuses a replayed envelope id, even after delivery', async () => {
    const { rv, alice, bob } = await setup()
    const env = createEnvelope(alice.identity, bob.node.peerId, { text: 'once' })
    const mailbox = new MailboxClient(alice.node, rv.addr)
    await mailbox.deposit(env)
    await expect(mailbox.deposit(env)).rejects.toMatchObject({ name: 'ProtocolError', code: 'REPLAY' })
    await bob.client.start()
    await waitFor(() => bob.received.length === 1, { what: 'the message' })
    await expect(mailbox.deposit(env)).rejects.toMatchObject({ code: 'REPLAY' })
    expect(await bob.client.sync()).toBe(0)
    expect(bob.received).toHaveLength(1)
  })

  it('keeps serving other peers after bad input', async () => {
    const { rv, alice, bob, mallory } = await setup()
    const garbage = MailboxRequest.encode({ type: MailboxRequest.Type.DEPOSIT })
    const res = await rawExchange(mallory, rv, garbage)
    expect(res.error).toMatchObject({ code: 'MALFORMED' })
    await rawExchange(mallory, rv, new Uint8Array(8), MAX_REQUEST_BYTES * 4)
    expect((await alice.client.send(bob.node.peerId, 'still works')).status).toBe('stored')
  })
})
