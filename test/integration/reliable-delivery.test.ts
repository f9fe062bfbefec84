// Delivery as reliable as the outbox makes it, on real nodes: every message taken from the mailbox
// turns "delivered" at its sender (receipts retried like messages, statuses never going back), and
// a deposit whose ack was lost reaches its recipient once when it is retried.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeliveryRouter } from '../../protocol/delivery/router.ts'
import { UnreachableError } from '../../protocol/errors.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { createTestPeer, startHostileNode } from '../helpers/hostile-node.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { ChatClientInit } from '../../protocol/chat-client.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const MESSAGES = 30

describe('reliable delivery', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** A peer with delivery receipts; `mailboxOnly`: its router never tries live (every message is deposited). */
  async function peer (rendezvous: Multiaddr, options: { mailboxOnly?: boolean } = {}): Promise<{ client: ChatClient, store: MemoryChatStore }> {
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
    const store = new MemoryChatStore()
    const init: ChatClientInit = { node, identity, store, rendezvous, deliveryReceipts: true, federation: false }
    if (options.mailboxOnly === true) {
      init.parts = {
        router: new DeliveryRouter({
          node,
          dm: { send: async () => { throw new UnreachableError('live delivery is off for this peer') } },
          log: node.logger.forComponent('test:router'),
          mailbox: new MailboxClient(node, rendezvous),
          timeoutMs: 10_000,
          liveTimeoutMs: 5_000,
          circuitFallback: false
        })
      }
    }
    const client = new ChatClient(init)
    cleanup.add(async () => {
      await client.stop()
      await node.stop()
    })
    return { client, store }
  }

  const statuses = async (store: MemoryChatStore): Promise<string[]> => (await store.listMessages()).filter(m => m.direction === 'out').map(m => m.status)

  it(`turns every one of ${MESSAGES} messages taken from the mailbox "delivered" at the sender`, async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv.addr)
    const bob = await peer(rv.addr)
    await alice.client.start()
    for (let i = 0; i < MESSAGES; i++) expect((await alice.client.send(bob.client.peerId, `offline ${i}`)).status).toBe('stored')
    await bob.client.start()
    await waitFor(async () => (await statuses(alice.store)).every(s => s === 'delivered') || undefined, { what: 'every message delivered' })
    expect(await statuses(alice.store)).toEqual(Array(MESSAGES).fill('delivered'))
    // Nothing owed stays behind at the recipient.
    await waitFor(async () => (await bob.store.listOutbox()).length === 0, { what: 'receipts acked' })
  })

  it(`never leaves a message "stored" when its receipt overtakes the deposit's ack (${MESSAGES} times)`, async () => {
    const rv = await startRendezvous(cleanup)
    // Bob is online: each deposit wakes him, he syncs and his receipt races Alice's own "stored".
    const alice = await peer(rv.addr, { mailboxOnly: true })
    const bob = await peer(rv.addr)
    await Promise.all([alice.client.start(), bob.client.start()])
    await alice.client.waitUntilReachable()
    for (let i = 0; i < MESSAGES; i++) await alice.client.send(bob.client.peerId, `online ${i}`)
    await waitFor(async () => (await statuses(alice.store)).every(s => s === 'delivered') || undefined, { what: 'every message delivered' })
    expect(await statuses(alice.store)).toEqual(Array(MESSAGES).fill('delivered'))
  })

  it('retries a deposit whose ack was lost with the same envelope: the recipient gets it once', async () => {
    const hostile = await startHostileNode(cleanup, { dropDepositAcks: 1 })
    const alice = await createTestPeer(cleanup, hostile.addr)
    const bob = await createTestPeer(cleanup, hostile.addr)
    await alice.client.start()
    // Committed on the node, but the sender never heard so: it waits in the outbox.
    const err = await alice.client.send(bob.node.peerId, 'exactly once').catch((e: unknown) => e) as UnreachableError
    expect(err).toMatchObject({ name: 'UnreachableError', messageId: expect.stringMatching(/^[0-9a-f]{32}$/) })
    const first = { id: err.messageId as string }
    expect(await alice.store.getMessage(first.id)).toMatchObject({ status: 'queued' })
    expect(hostile.deposits).toHaveLength(1)
    await alice.client.flushOutbox()
    expect(await alice.store.getMessage(first.id)).toMatchObject({ status: 'stored' })
    expect(hostile.deposits).toHaveLength(2)
    expect(hostile.deposits[1]).toEqual(hostile.deposits[0])

    // This node serves both copies: the same id is shown once.
    await bob.client.start()
    await waitFor(() => bob.received.length > 0, { what: 'the message at bob' })
    await bob.client.sync()
    expect(bob.received.map(m => [m.id, m.text])).toEqual([[first.id, 'exactly once']])
  })
})
