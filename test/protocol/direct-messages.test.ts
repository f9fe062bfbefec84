// The DM protocol refuses what its recipient should never store: envelopes for someone else,
// envelopes relayed by a third party, forged ones; and a retried delivery shows once.
import { afterEach, describe, expect, it } from 'vitest'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { DirectMessages } from '../../protocol/dm/direct-messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'

describe('direct messages', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('refuses bad envelopes with typed errors and acks a retry without showing it twice', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol] = [await createPeer(cleanup, rv.addr), await createPeer(cleanup, rv.addr), await createPeer(cleanup, rv.addr)]
    for (const p of [alice, bob, carol]) await p.client.start()
    const bobAddr = await bob.client.waitUntilReachable()
    const sender = (p: typeof alice): DirectMessages => new DirectMessages(p.node, { onEnvelope: async () => {} })

    const toCarol = createEnvelope(alice.identity, carol.node.peerId, { text: 'not for bob' })
    await expect(sender(alice).send(bobAddr, toCarol)).rejects.toMatchObject({ code: 'WRONG_RECIPIENT' })

    const fromAlice = createEnvelope(alice.identity, bob.node.peerId, { text: 'from alice' })
    await expect(sender(carol).send(bobAddr, fromAlice)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    const forged = { ...fromAlice, signature: Uint8Array.from(fromAlice.signature) }
    forged.signature[0] ^= 1
    await expect(sender(alice).send(bobAddr, forged)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' })
    expect(bob.received).toHaveLength(0)

    await sender(alice).send(bobAddr, fromAlice)
    await sender(alice).send(bobAddr, fromAlice)
    expect(bob.received.map(m => m.text)).toEqual(['from alice'])
  })
})
