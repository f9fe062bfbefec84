// The message lifecycle across real libp2p nodes on loopback: live when the recipient is online,
// through the rendezvous mailbox when it is not.
import { afterEach, describe, expect, it } from 'vitest'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'

describe('message delivery', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('stores messages for an offline recipient and hands over each exactly once, in order', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()

    const texts = ['first', 'second', 'third']
    for (const text of texts) {
      const result = await alice.client.send(bob.node.peerId, text)
      expect(result.status).toBe('stored')
    }
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toMatchObject({ count: 3 })

    await bob.client.start()
    await waitFor(() => bob.received.length >= 3, { what: 'three messages' })
    expect(bob.received.map(m => m.text)).toEqual(texts)
    expect(bob.received.every(m => m.path === 'mailbox' && m.peer === alice.node.peerId.toString())).toBe(true)

    // A second sync (e.g. a reconnect) brings nothing new and shows nothing twice.
    expect(await bob.client.sync()).toBe(0)
    expect(bob.received).toHaveLength(3)
    expect((await bob.store.listMessages()).map(m => m.text)).toEqual(texts)
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toEqual({ count: 0, bytes: 0 })
    expect((await alice.store.listMessages()).map(m => m.status)).toEqual(['stored', 'stored', 'stored'])
  })

  it('delivers live over /babacloud/dm/1.0.0 through the relay when both are online', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await bob.client.waitUntilReachable()

    const result = await alice.client.send(bob.node.peerId, 'are you there?')
    expect(result).toMatchObject({ status: 'delivered', path: 'relayed' })
    expect(bob.received).toHaveLength(1)
    expect(bob.received[0]).toMatchObject({ text: 'are you there?', path: 'relayed', id: result.id })
    // The rendezvous relayed bytes but never held the message.
    expect(await rv.node.store.stats()).toMatchObject({ envelopes: 0 })
    const metrics = await rv.node.metricsText()
    expect(metrics).not.toMatch(/babacloud_requests_total\{protocol="mailbox",type="DEPOSIT",outcome="ok"\} [1-9]/)
    expect((await alice.store.getMessage(result.id))?.status).toBe('delivered')
  })

  it('keeps delivering live over one relayed connection, message after message', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await bob.client.waitUntilReachable()
    const results = []
    for (let i = 0; i < 20; i++) results.push(await alice.client.send(bob.node.peerId, `message ${i}`))
    // A chat must not stall (and fall back to the mailbox) while a working relayed path exists.
    expect(results.map(r => r.path)).toEqual(Array(20).fill('relayed'))
    expect(bob.received.map(m => m.text)).toEqual(results.map((_, i) => `message ${i}`))
    expect(alice.node.getConnections(bob.node.peerId)).toHaveLength(1)
  })

  it('wakes an online recipient at once when a message lands in its mailbox', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    // A deposit made while Bob is connected (as when a live attempt failed) must reach him
    // without waiting for his next connection.
    const { MailboxClient } = await import('../../protocol/mailbox/mailbox-client.ts')
    const { createEnvelope } = await import('../../protocol/crypto/envelope.ts')
    await new MailboxClient(alice.node, rv.addr).deposit(createEnvelope(alice.identity, bob.node.peerId, { text: 'pushed' }))
    await waitFor(() => bob.received.length === 1, { what: 'the pushed message' })
    expect(bob.received[0]).toMatchObject({ text: 'pushed', path: 'mailbox' })
  })

  it('refuses a message to a full mailbox with a typed error and keeps what is stored', async () => {
    const rv = await startRendezvous(cleanup, { mailbox: { maxMessages: 2 } })
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await alice.client.send(bob.node.peerId, 'one')
    await alice.client.send(bob.node.peerId, 'two')
    await expect(alice.client.send(bob.node.peerId, 'three')).rejects.toMatchObject({ name: 'ProtocolError', code: 'MAILBOX_FULL' })
    expect((await alice.store.listMessages()).map(m => m.status)).toEqual(['stored', 'stored', 'failed'])

    await bob.client.start()
    await waitFor(() => bob.received.length === 2, { what: 'the two stored messages' })
    expect(bob.received.map(m => m.text)).toEqual(['one', 'two'])
  })
})
