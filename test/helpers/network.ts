// Real rendezvous nodes and chat peers on loopback for integration tests.
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { tempDir } from './wait.ts'
import type { Cleanup } from './wait.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { ChatMessage, ChatStore } from '../../protocol/store/chat-store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface TestRendezvous {
  node: RendezvousNode
  addr: Multiaddr
  dataDir: string
}

export async function startRendezvous (cleanup: Cleanup, raw: Record<string, unknown> = {}, dataDir?: string, now?: () => number): Promise<TestRendezvous> {
  let dir = dataDir
  if (dir == null) {
    const tmp = tempDir('babacloud-rv-')
    cleanup.add(tmp.remove)
    dir = tmp.dir
  }
  const node = new RendezvousNode({ dataDir: dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, ...raw }), now })
  const info = await node.start()
  cleanup.add(async () => { await node.stop() })
  return { node, addr: multiaddr(info.multiaddrs[0]), dataDir: dir }
}

export interface TestPeer {
  identity: DeviceIdentity
  node: ChatNode
  client: ChatClient
  store: ChatStore
  /** Every message event, in order. */
  received: Array<ChatMessage & { path: string }>
}

/** A chat peer on its own libp2p node; `start: false` leaves it offline. */
export async function createPeer (cleanup: Cleanup, rendezvous: Multiaddr | undefined, options: { identity?: DeviceIdentity, store?: ChatStore, now?: () => number, homes?: Multiaddr[], redundancy?: number } = {}): Promise<TestPeer> {
  const identity = options.identity ?? await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  const store = options.store ?? new MemoryChatStore()
  const client = new ChatClient({ node, identity, store, rendezvous, now: options.now, homes: options.homes, redundancy: options.redundancy })
  const received: TestPeer['received'] = []
  client.addEventListener('message', (evt: ChatClientEvents['message']) => { received.push(evt.detail) })
  cleanup.add(async () => {
    await client.stop()
    await node.stop()
  })
  return { identity, node, client, store, received }
}
