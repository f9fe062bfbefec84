// The node's ping protocol is shared by libp2p's connection monitor (which aborts the connection
// when its heartbeat ping fails) and the DHT: concurrent pings on one connection must both work.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import type { ChatNode } from '../../../protocol/mesh/create-node.ts'
import { Cleanup } from '../../helpers/wait.ts'

describe('createChatNode ping', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function node (listen: string[] = []): Promise<ChatNode> {
    const identity = await DeviceIdentity.generate()
    const n = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen, privateNetwork: true })
    cleanup.add(async () => { await n.stop() })
    return n
  }

  it('answers overlapping pings on one connection (a heartbeat and a DHT check at once) without refusing either', async () => {
    const server = await node(['/ip4/127.0.0.1/tcp/0'])
    const client = await node()
    await client.dial(server.getMultiaddrs()[0])
    // With one outbound ping stream per connection, the second is refused
    // (TooManyOutboundProtocolStreamsError), and the monitor aborts the connection on such a refusal.
    const rtts = await Promise.all([1, 2, 3].map(async () => await client.services.ping.ping(server.peerId)))
    expect(rtts).toHaveLength(3)
    expect(client.getConnections(server.peerId)).toHaveLength(1)
  })
})
