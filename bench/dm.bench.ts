// DM round trip with both peers online: ChatClient.send → "delivered" on a direct TCP connection,
// against a bare length-prefixed echo on an already open stream of the same connection, a new
// stream per echo on that connection (what the DM protocol did per message), and a raw `ws`
// WebSocket echo on loopback. 1 KiB of text each way. The open-stream echo is timed in turn with
// each measure (a round of one, then of the other), so their ratio holds on a machine whose speed
// changes during the run.
// The measure is the steady state of a chat: both clients have a rendezvous (for prekeys only:
// every timed message goes live, a mailbox fallback fails the bench), and an established Double
// Ratchet session, set up by a first message and its reply before the clock starts (dm-pair.ts). A breakdown
// line times the same round trip with the sealed box (per message an ephemeral X25519 key, DH and
// HKDF), which is what a first contact without prekeys sends.
import '../protocol/polyfills.ts'
import { lpStream } from '@libp2p/utils'
import { WebSocket, WebSocketServer } from 'ws'
import { ChatClient } from '../protocol/chat-client.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { startDmPair } from './dm-pair.ts'
import { percentile, timeOps, timeOpsInTurn, withBaselines } from './harness.ts'
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

/** One ChatClient.send from `from` to `to`, which must be delivered live on the direct connection. */
function sendOp (from: ChatClient, to: ChatClient): () => Promise<void> {
  const text = 'x'.repeat(SIZE)
  return async () => {
    const r = await from.send(to.peerId, text)
    if (r.status !== 'delivered' || r.path !== 'direct') throw new Error(`expected a direct delivery, got ${r.status}/${r.path}`)
  }
}

export async function runDmBench (options: BenchOptions = {}): Promise<BenchResult[]> {
  const plan: RoundPlan = options.quick === true ? { warmup: 5, rounds: 3, perRound: 10 } : { warmup: 50, rounds: 5, perRound: 100 }
  const { alice, bob, a, b, ca, cb, connection, stop } = await startDmPair()
  const clients: ChatClient[] = []
  let ws: Awaited<ReturnType<typeof wsEcho>> | undefined
  try {
    ws = await wsEcho()
    await echoServer(b)
    const payload = new Uint8Array(SIZE).fill(7)
    const open = lpStream(await connection.newStream(ECHO))
    const echo = async (): Promise<void> => { await open.write(payload); await open.read() }
    // The open-stream echo is each measure's main baseline: timed in turn with it.
    const [chat, chatEcho] = await timeOpsInTurn([sendOp(ca, cb), echo], plan)

    // Breakdown: the same round trip with the sealed box, between clients without prekeys.
    await ca.stop()
    await cb.stop()
    const sa = new ChatClient({ node: a, identity: alice, store: new MemoryChatStore() })
    const sb = new ChatClient({ node: b, identity: bob, store: new MemoryChatStore() })
    clients.push(sa, sb)
    await sa.start()
    await sb.start()
    // Fresh stores: no session, no prekeys to start one, so every message is a sealed box.
    const [sealed, sealedEcho] = await timeOpsInTurn([sendOp(sa, sb), echo], plan)

    const newStreamEcho = await timeOps(async () => {
      const stream = await connection.newStream(ECHO)
      const lp = lpStream(stream)
      await lp.write(payload)
      await lp.read()
      await stream.close()
    }, plan)
    const wsTiming = await timeOps(ws.op, plan)

    const baselines = (openEcho: number): Array<{ name: string, value: number }> => [
      { name: 'libp2p lp echo on an open stream', value: openEcho },
      { name: 'libp2p lp echo on a new stream each time', value: newStreamEcho.medianUs },
      { name: 'raw ws WebSocket echo', value: wsTiming.medianUs }
    ]
    return [withBaselines({
      group: 'dm',
      name: 'ChatClient.send round trip, direct TCP, 1 KiB',
      unit: 'µs/op',
      better: 'lower',
      value: chat.medianUs,
      rounds: plan.rounds,
      detail: { p50Us: percentile(chat.samplesUs, 50), p99Us: percentile(chat.samplesUs, 99), opsPerRound: plan.perRound }
    }, baselines(chatEcho.medianUs)), withBaselines({
      group: 'dm',
      name: 'round trip breakdown: ChatClient.send with the sealed box (no prekeys), direct TCP, 1 KiB',
      unit: 'µs/op',
      better: 'lower',
      value: sealed.medianUs,
      rounds: plan.rounds,
      detail: { p50Us: percentile(sealed.samplesUs, 50), p99Us: percentile(sealed.samplesUs, 99), opsPerRound: plan.perRound }
    }, baselines(sealedEcho.medianUs))]
  } finally {
    await ws?.close()
    for (const c of clients) await c.stop()
    await stop()
  }
}
