// A sender's deposits pipelined on one kept-open stream: the node handles several at once, so they
// share a group commit instead of one commit each, and they are stored in the order they were sent.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { createEnvelope } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { MailboxClient } from '../../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { MAILBOX_PIPELINE } from '../../../rendezvous/mailbox/mailbox-service.ts'
import { startRendezvous } from '../../helpers/network.ts'
import { Cleanup } from '../../helpers/wait.ts'

const hex = (ids: Uint8Array[]): string[] => ids.map(id => Buffer.from(id).toString('hex'))

describe('pipelined deposits', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('commits a pipelining sender\'s deposits together, in the order it sent them', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    const node = await createChatNode({ privateKey: alice.privateKey, transports: [tcp()], privateNetwork: true })
    cleanup.add(async () => { await node.stop() })
    const client = new MailboxClient(node, rv.addr, 10_000, { keepStreamOpen: true, maxInFlight: MAILBOX_PIPELINE })
    cleanup.add(async () => { await client.close() })
    await client.deposit(createEnvelope(alice, bob.peerId, { text: 'opens the stream' }))

    const envelopes = Array.from({ length: 4 * MAILBOX_PIPELINE }, (_, i) => createEnvelope(alice, bob.peerId, { text: `m${i}` }))
    const before = rv.node.store.commitStats?.()
    await Promise.all(envelopes.map(async env => { await client.deposit(env) }))
    const after = rv.node.store.commitStats?.()
    if (before == null || after == null) throw new Error('the SQLite store counts its commits')
    const deposits = after.deposits - before.deposits
    const commits = after.commits - before.commits
    expect(deposits).toBe(envelopes.length)
    // One at a time, every deposit of one sender was a commit of its own.
    expect(commits).toBeLessThan(deposits)
    expect(after.largest).toBeGreaterThan(1)

    const page = await rv.node.store.fetch(bob.peerId.toString(), 0n, 50)
    expect(hex(page.envelopes.map(e => e.id)).slice(1)).toEqual(hex(envelopes.map(e => e.id)))
  })
})
