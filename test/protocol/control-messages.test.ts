// Control messages (receipts, group keys, attachments build on them): delivered like text, live or
// through the mailbox, handled before the ack, never shown as chat text.
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { ControlMessage } from '../../protocol/chat-client.ts'

describe('control messages', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('reach the registered handler live and from the mailbox, once, and stay out of the history', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const seen: ControlMessage[] = []
    bob.client.handleControl('test/ping', async m => { seen.push(m) })
    await alice.client.start()

    const stored = await alice.client.sendControl(bob.node.peerId, 'test/ping', Uint8Array.of(1, 2, 3))
    expect(stored.status).toBe('stored')
    await bob.client.start()
    await waitFor(() => seen.length === 1, { what: 'the stored control message' })
    expect(seen[0]).toMatchObject({ type: 'test/ping', body: Uint8Array.of(1, 2, 3), path: 'mailbox' })
    expect(seen[0].from.equals(alice.node.peerId)).toBe(true)

    await bob.client.waitUntilReachable()
    const live = await alice.client.sendControl(bob.node.peerId, 'test/ping', Uint8Array.of(4))
    expect(live.status).toBe('delivered')
    expect(seen.map(m => m.body[0])).toEqual([1, 4])
    // Unknown types are acked and dropped; nothing reaches the chat history or message events.
    expect((await alice.client.sendControl(bob.node.peerId, 'test/unknown', Uint8Array.of(9))).status).toBe('delivered')
    expect(bob.received).toHaveLength(0)
    expect(await bob.store.listMessages()).toHaveLength(0)
    expect(await alice.store.listMessages()).toHaveLength(0)
  })
})
