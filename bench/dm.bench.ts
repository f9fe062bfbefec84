// DM round trip with both peers online: ChatClient.send → "delivered" on a direct TCP connection,
// against a bare length-prefixed echo on an already open stream of the same connection, a new
// stream per echo on that connection (what the DM protocol does per message), and a raw `ws`
// WebSocket echo on loopback. 1 KiB of text each way.
import '../protocol/polyfills.ts'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { WebSocket, WebSocketServer } from 'ws'
import { ChatClient } from '../protocol/chat-client.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { percentile, timeOps, withBaselines } from './harness.ts'
import type { BenchOptions, BenchResult, RoundPlan } from './harness.ts'
import type { ChatNode } from '../protocol/mesh/create-node.ts'
import type { Stream } from '@libp2p/interface'
import type { AddressInfo } from 'node:net'

const ECHO = '/babacloud-bench/echo/1.0.0'
const SIZE = 1024

async function echoServer (node: ChatNode): Promise<void> {
  await node.handle(ECHO, async (stream: Stream) => {
    const lp = lpStream(stream)
    try {
      while (true) await lp.write(await lp.read())
    } catch {
      // The dialer closed the stream: the benchmark moved on.
    }
    await stream.close().catch(() => {})
  }, { maxInboundStreams: 1024 })
}

async function wsEcho (): Promise<{ op: () => Promise<void>, close: () => Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise(resolve => server.once('listening', resolve))
  server.on('connection', sock => { sock.on('message', (data: Buffer) => { sock.send(data) }) })
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
  await new Promise((resolve, reject) => { client.once('open', resolve); client.once('error', reject) })
  let pending: (() => void) | undefined
  client.on('message', () => { pending?.() })
  const payload = new Uint8Array(SIZE).fill(7)
  return {
    op: async () => { await new Promise<void>(resolve => { pending = resolve; client.send(payload) }) },
    close: async () => {
      client.close()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

export async function runDmBench (options: BenchOptions = {}): Promise<BenchResult[]> {
  const plan: RoundPlan = options.quick === true ? { warmup: 5, rounds: 3, perRound: 10 } : { warmup: 50, rounds: 5, perRound: 100 }
  const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
  const listen = ['/ip4/127.0.0.1/tcp/0']
  const a = await createChatNode({ privateKey: alice.privateKey, transports: [tcp()], listen, privateNetwork: true })
  const b = await createChatNode({ privateKey: bob.privateKey, transports: [tcp()], listen, privateNetwork: true })
  // No rendezvous: a failed live delivery throws instead of quietly using the mailbox.
  const ca = new ChatClient({ node: a, identity: alice, store: new MemoryChatStore() })
  const cb = new ChatClient({ node: b, identity: bob, store: new MemoryChatStore() })
  const ws = await wsEcho()
  try {
    await ca.start()
    await cb.start()
    await echoServer(b)
    const connection = await a.dial(b.getMultiaddrs()[0])
    const text = 'x'.repeat(SIZE)
    const chat = await timeOps(async () => {
      const r = await ca.send(b.peerId, text)
      if (r.status !== 'delivered' || r.path !== 'direct') throw new Error(`expected a direct delivery, got ${r.status}/${r.path}`)
    }, plan)

    const payload = new Uint8Array(SIZE).fill(7)
    const open = lpStream(await connection.newStream(ECHO))
    const openEcho = await timeOps(async () => { await open.write(payload); await open.read() }, plan)
    const newStreamEcho = await timeOps(async () => {
      const stream = await connection.newStream(ECHO)
      const lp = lpStream(stream)
      await lp.write(payload)
      await lp.read()
      await stream.close()
    }, plan)
    const wsTiming = await timeOps(ws.op, plan)

    return [withBaselines({
      group: 'dm',
      name: 'ChatClient.send round trip, direct TCP, 1 KiB',
      unit: 'µs/op',
      better: 'lower',
      value: chat.medianUs,
      rounds: plan.rounds,
      detail: { p50Us: percentile(chat.samplesUs, 50), p99Us: percentile(chat.samplesUs, 99), opsPerRound: plan.perRound }
    }, [
      { name: 'libp2p lp echo on an open stream', value: openEcho.medianUs },
      { name: 'libp2p lp echo on a new stream each time', value: newStreamEcho.medianUs },
      { name: 'raw ws WebSocket echo', value: wsTiming.medianUs }
    ])]
  } finally {
    await ws.close()
    await ca.stop()
    await cb.stop()
    await a.stop()
    await b.stop()
  }
}
