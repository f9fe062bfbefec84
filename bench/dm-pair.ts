// Two chat clients on direct TCP with an established Double Ratchet session: the set-up shared by
// dm.bench.ts and dm-cpu.ts. The rendezvous only hands out the prekey bundles the session starts
// from; the first message and its reply go live, or the set-up fails.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../protocol/chat-client.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { SESSION_PREFIX } from '../protocol/session/secure-sessions.ts'
import { resolveConfig } from '../rendezvous/config.ts'
import { RendezvousNode } from '../rendezvous/rendezvous-node.ts'
import type { ChatNode } from '../protocol/mesh/create-node.ts'
import type { Connection } from '@libp2p/interface'

export interface DmPair {
  alice: DeviceIdentity
  bob: DeviceIdentity
  a: ChatNode
  b: ChatNode
  ca: ChatClient
  cb: ChatClient
  /** Alice's node's direct connection to Bob's. */
  connection: Connection
  /** Stops the clients, the nodes and the rendezvous, and removes the data directory. */
  stop(): Promise<void>
}

export async function startDmPair (): Promise<DmPair> {
  const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-bench-dm-'))
  const rv = new RendezvousNode({
    dataDir: join(dir, 'rv'),
    config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, limits: { requestsPerMinute: 100_000_000 } }),
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
  })
  const listen = ['/ip4/127.0.0.1/tcp/0']
  const a = await createChatNode({ privateKey: alice.privateKey, transports: [tcp()], listen, privateNetwork: true })
  const b = await createChatNode({ privateKey: bob.privateKey, transports: [tcp()], listen, privateNetwork: true })
  const clients: ChatClient[] = []
  const stop = async (): Promise<void> => {
    for (const c of clients) await c.stop()
    await a.stop()
    await b.stop()
    await rv.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const rendezvous = multiaddr((await rv.start()).multiaddrs[0])
    const ca = new ChatClient({ node: a, identity: alice, store: new MemoryChatStore(), rendezvous })
    const cb = new ChatClient({ node: b, identity: bob, store: new MemoryChatStore(), rendezvous })
    clients.push(ca, cb)
    await ca.start()
    await cb.start()
    await Promise.all([ca.sessions.ensurePrekeys(), cb.sessions.ensurePrekeys()])
    const connection = await a.dial(b.getMultiaddrs()[0])
    // A first message and its reply: from here on both ends hold an established ratchet session.
    for (const [from, to] of [[ca, cb], [cb, ca]]) {
      const r = await from.send(to.peerId, 'hello')
      if (r.status !== 'delivered') throw new Error(`the session's first messages did not go live: ${r.status}`)
    }
    for (const [c, peer] of [[ca, b.peerId], [cb, a.peerId]] as const) {
      if (await c.store.getValue(SESSION_PREFIX + peer.toString()) == null) throw new Error('expected a ratchet session between the clients')
    }
    return { alice, bob, a, b, ca, cb, connection, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
