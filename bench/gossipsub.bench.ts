// Gossipsub fan-out: one publisher, N subscribers connected to it (one hop), one message at a time;
// the latency of every delivery from publish() to the subscriber's message event (same process, same
// clock). 10 subscribers on loopback TCP, 100 on the memory transport; the baseline is the same
// measurement with a single subscriber.
import '../protocol/polyfills.ts'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { performance } from 'node:perf_hooks'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { median, percentile, withBaselines } from './harness.ts'
import type { BenchOptions, BenchResult } from './harness.ts'
import type { ChatNode } from '../protocol/mesh/create-node.ts'

const TOPIC = 'babacloud/bench/fanout'
let memoryNames = 0

interface FanoutTiming {
  /** Per-round median of per-delivery latency, ms. */
  roundP50: number[]
  all: number[]
  /** Publish → last subscriber, per message. */
  toAll: number[]
}

async function fanout (subscribers: number, transport: 'tcp' | 'memory', messages: number, rounds: number): Promise<FanoutTiming> {
  const make = async (listen: string[]): Promise<ChatNode> => {
    const id = await DeviceIdentity.generate()
    return await createChatNode({
      privateKey: id.privateKey,
      transports: [transport === 'memory' ? memory() : tcp()],
      listen,
      privateNetwork: true,
      connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'], maxConnections: subscribers + 64 }
    })
  }
  const publisher = await make([transport === 'memory' ? `/memory/babacloud-bench-${process.pid}-${++memoryNames}` : '/ip4/127.0.0.1/tcp/0'])
  const subs: ChatNode[] = []
  try {
    const received = new Map<number, number[]>()
    for (let i = 0; i < subscribers; i++) {
      const node = await make([])
      subs.push(node)
      node.services.pubsub.addEventListener('message', evt => {
        if (evt.detail.topic !== TOPIC) return
        const seq = new DataView(evt.detail.data.buffer, evt.detail.data.byteOffset).getUint32(0)
        received.get(seq)?.push(performance.now())
      })
      node.services.pubsub.subscribe(TOPIC)
      await node.dial(publisher.getMultiaddrs()[0])
    }
    publisher.services.pubsub.subscribe(TOPIC)
    // Subscriptions travel with the first heartbeat; publishing earlier would reach fewer peers.
    const deadline = Date.now() + 20_000
    while (publisher.services.pubsub.getSubscribers(TOPIC).length < subscribers) {
      if (Date.now() > deadline) throw new Error('subscribers did not appear in time')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await new Promise(resolve => { publisher.services.pubsub.addEventListener('gossipsub:heartbeat', resolve, { once: true }) })

    const timing: FanoutTiming = { roundP50: [], all: [], toAll: [] }
    let seq = 0
    for (let r = -1; r < rounds; r++) {
      const round: number[] = []
      for (let m = 0; m < messages; m++) {
        const data = new Uint8Array(256)
        new DataView(data.buffer).setUint32(0, ++seq)
        const arrivals: number[] = []
        received.set(seq, arrivals)
        const start = performance.now()
        await publisher.services.pubsub.publish(TOPIC, data)
        const end = Date.now() + 5_000
        while (arrivals.length < subscribers && Date.now() < end) await new Promise(resolve => setImmediate(resolve))
        if (arrivals.length < subscribers) throw new Error(`message ${seq} reached ${arrivals.length} of ${subscribers} subscribers`)
        received.delete(seq)
        // Round -1 is the warm-up.
        if (r < 0) continue
        const l = arrivals.map(t => t - start)
        round.push(...l)
        timing.all.push(...l)
        timing.toAll.push(Math.max(...l))
      }
      if (r >= 0) timing.roundP50.push(median(round))
    }
    return timing
  } finally {
    await Promise.allSettled([publisher, ...subs].map(async n => { await n.stop() }))
  }
}

export async function runGossipsubBench (options: BenchOptions = {}): Promise<BenchResult[]> {
  const quick = options.quick === true
  const messages = quick ? 5 : 30
  const rounds = quick ? 2 : 3
  const cases: Array<[number, 'tcp' | 'memory']> = quick ? [[10, 'tcp'], [20, 'memory']] : [[10, 'tcp'], [100, 'memory']]
  const results: BenchResult[] = []
  for (const [n, transport] of cases) {
    const one = await fanout(1, transport, messages, rounds)
    const many = await fanout(n, transport, messages, rounds)
    results.push(withBaselines({
      group: 'gossipsub',
      name: `fan-out to ${n} subscribers (${transport}), p50 delivery latency`,
      unit: 'ms',
      better: 'lower',
      value: median(many.roundP50),
      rounds,
      detail: { p99: percentile(many.all, 99), toAllP50: percentile(many.toAll, 50), toAllP99: percentile(many.toAll, 99), messagesPerRound: messages }
    }, [{ name: `1 subscriber (${transport})`, value: median(one.roundP50) }]))
  }
  return results
}
