// Two independently run rendezvous nodes (separate processes and data) federate over the DHT: a
// sender homed on one node finds the other node in the recipient's signed home record and deposits there.
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { homeKey, openHomeRecord } from '../../protocol/federation/home.ts'
import { startRendezvousProcess } from '../helpers/cli.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { TestPeer } from '../helpers/network.ts'
import type { PeerId } from '@libp2p/interface'

/** True once `asker` finds a valid home record of `recipient` in the DHT that names `home`. */
async function findsHome (asker: TestPeer, recipient: PeerId, home: string): Promise<boolean> {
  try {
    for await (const e of asker.node.services.dht.get(homeKey(recipient), { signal: AbortSignal.timeout(3_000) })) {
      if (e.name === 'VALUE' && openHomeRecord(recipient, e.value, Date.now()).homes.some(h => h.peer.toString() === home)) return true
    }
  } catch {}
  return false
}

describe('federation', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('delivers both ways between users of two nodes while each is offline in turn', async () => {
    const d1 = tempDir('babacloud-fed1-')
    const d2 = tempDir('babacloud-fed2-')
    cleanup.add(d1.remove)
    cleanup.add(d2.remove)
    const node1 = await startRendezvousProcess(cleanup, ['--data', d1.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const node2 = await startRendezvousProcess(cleanup, ['--data', d2.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--bootstrap', node1.info.multiaddrs[0]])

    const alice = await createPeer(cleanup, multiaddr(node1.info.multiaddrs[0]))
    const bob = await createPeer(cleanup, multiaddr(node2.info.multiaddrs[0]))
    await alice.client.start()
    await bob.client.start()
    await waitFor(async () => await findsHome(alice, bob.node.peerId, node2.info.peerId), { timeout: 30_000, what: "bob's home record naming node 2" })
    await waitFor(async () => await findsHome(bob, alice.node.peerId, node1.info.peerId), { timeout: 30_000, what: "alice's home record naming node 1" })

    await bob.client.stop()
    const toBob = await alice.client.send(bob.node.peerId, 'from node 1 to node 2')
    expect(toBob.status).toBe('stored')
    await bob.client.start()
    await waitFor(() => bob.received.length === 1, { what: 'the message at bob\'s home' })
    expect(bob.received[0]).toMatchObject({ text: 'from node 1 to node 2', path: 'mailbox' })

    await alice.client.stop()
    expect((await bob.client.send(alice.node.peerId, 'and back from node 2')).status).toBe('stored')
    await alice.client.start()
    await waitFor(() => alice.received.length === 1, { what: 'the reply at alice\'s home' })
    expect(alice.received[0].text).toBe('and back from node 2')
  })
})
