// Handlers wrapped by release-streams.ts (the node's ping and DHT handlers) still talk over their
// streams as before, and once a handler returns its stand-in holds nothing of the real stream, so a
// listener the handler left behind cannot keep the stream, its connection or the node alive.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { releasingHandler } from '../../../protocol/mesh/release-streams.ts'
import type { ChatNode } from '../../../protocol/mesh/create-node.ts'
import type { Stream } from '@libp2p/interface'
import { Cleanup } from '../../helpers/wait.ts'

const ECHO = '/babacloud-test/echo/1.0.0'

describe('releasing streams after their handler', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function node (options: { listen?: string[], dhtServer?: boolean } = {}): Promise<ChatNode> {
    const identity = await DeviceIdentity.generate()
    const n = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: options.listen ?? [], dhtServer: options.dhtServer, privateNetwork: true })
    cleanup.add(async () => { await n.stop() })
    return n
  }

  it('forwards to the stream while the handler runs and lets go of it when the handler returns', async () => {
    const server = await node({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    const client = await node()
    let standIn: Stream | undefined
    let returned: () => void = () => {}
    const handlerReturned = new Promise<void>(resolve => { returned = resolve })
    const echo = releasingHandler(async stream => {
      standIn = stream
      // What ping and kad-dht do: a scoped logger, and a timeout listener that is never removed.
      const log = stream.log.newScope('echo')
      const signal = AbortSignal.timeout(10_000)
      signal.addEventListener('abort', () => { stream.abort(new Error('timed out')) })
      for await (const buf of stream) {
        log('echo %d bytes', buf.byteLength)
        stream.send(buf)
        break
      }
      await stream.close({ signal })
    })
    await server.handle(ECHO, async (stream, connection) => {
      await echo(stream, connection)
      returned()
    })

    const stream = await client.dialProtocol(server.getMultiaddrs()[0], ECHO)
    stream.send(new TextEncoder().encode('hello'))
    let reply = ''
    for await (const buf of stream) {
      reply = new TextDecoder().decode(buf.subarray())
      break
    }
    expect(reply).toBe('hello')
    await stream.close()

    // Once the handler returned, the stand-in reads as closed and no longer reaches the stream.
    await handlerReturned
    expect(standIn?.status).toBe('closed')
    expect(standIn?.send).toBeUndefined()
    expect(standIn?.log).toBeUndefined()
    expect(() => { standIn?.abort(new Error('late')) }).not.toThrow()
  })

  it('keeps the node\'s ping and DHT answering through the wrapped handlers', async () => {
    const server = await node({ listen: ['/ip4/127.0.0.1/tcp/0'], dhtServer: true })
    const client = await node()
    await client.dial(server.getMultiaddrs()[0])
    expect(await client.services.ping.ping(server.peerId)).toBeGreaterThanOrEqual(0)
    // A DHT query the server answers: its reply is a PEER_RESPONSE event.
    const events: string[] = []
    await expect.poll(async () => {
      for await (const e of client.services.dht.getClosestPeers(new TextEncoder().encode('release-streams'), { signal: AbortSignal.timeout(5_000) })) events.push(e.name)
      return events.includes('PEER_RESPONSE')
    }, { timeout: 15_000 }).toBe(true)
  })
})
