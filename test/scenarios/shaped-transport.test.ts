// The lab's link model (exact arithmetic, seeded draws), then its shaped transport on real libp2p
// nodes (Noise, yamux) over the memory and TCP transports: latency, bandwidth and loss show in what
// an application measures, and a partition cuts an open connection and holds new dials until it heals.
import { noise } from '@libp2p/noise'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { SimNetwork } from '../../node/simulate/network.ts'
import { shapedTransport } from '../../node/simulate/shaped-transport.ts'
import { memoryAddressPrefix } from '../../node/simulate/sim-rendezvous.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { NetworkSettings, NodeName } from '../../node/simulate/scenario.ts'
import type { Libp2p } from '@libp2p/interface'

const ECHO = '/babacloud-test/echo/1.0.0'
const SINK = '/babacloud-test/sink/1.0.0'
const NONE = { latencyMs: 0, jitterMs: 0, loss: 0, bandwidthBytesPerSecond: 0, links: [] }

type Kind = 'memory' | 'tcp'

describe('link model', () => {
  it('serialises at the bandwidth, adds latency, keeps order of the wire, and draws jitter and loss from the seed', () => {
    const link = new SimNetwork({ seed: 1, settings: { ...NONE, latencyMs: 50, bandwidthBytesPerSecond: 10_000 } }).link('p0', 'rv0')
    // 1,000 bytes at 10,000 B/s take 100 ms on the wire, then 50 ms of latency.
    expect(link.arrival(1_000, 0)).toBe(150)
    // Handed over at the same instant, the second chunk waits for the wire.
    expect(link.arrival(1_000, 0)).toBe(250)
    expect(link.arrival(1_000, 10_000)).toBe(10_150)

    const draws = (seed: number, from: NodeName = 'p0'): number[] => {
      const l = new SimNetwork({ seed, settings: { ...NONE, latencyMs: 100, jitterMs: 20, loss: 0.1 } }).link(from, 'rv0')
      return Array.from({ length: 200 }, (_, i) => l.arrival(3_000, i * 10_000) - i * 10_000)
    }
    const a = draws(1)
    expect(draws(1)).toEqual(a)
    expect(draws(2)).not.toEqual(a)
    expect(draws(1, 'p1')).not.toEqual(a)
    // Jitter stays within ± 20 ms; a loss costs at least the 200 ms minimum timeout (3 segments, 10% each).
    expect(a.filter(d => d < 80)).toEqual([])
    const lossless = a.filter(d => d <= 120)
    const lost = a.filter(d => d > 120)
    expect(lost.every(d => d >= 80 + 200)).toBe(true)
    expect(lost.length).toBeGreaterThan(20)
    expect(lossless.length).toBeGreaterThan(100)
  })

  it('applies a link override to that pair only, both ways', () => {
    const network = new SimNetwork({ seed: 1, settings: { ...NONE, latencyMs: 10, links: [{ between: ['p1', 'rv0'], latencyMs: 300, loss: 0.2 }] } })
    expect(network.conditions('p1', 'rv0')).toEqual({ latencyMs: 300, jitterMs: 0, loss: 0.2, bandwidthBytesPerSecond: 0 })
    expect(network.conditions('rv0', 'p1')).toEqual({ latencyMs: 300, jitterMs: 0, loss: 0.2, bandwidthBytesPerSecond: 0 })
    expect(network.conditions('p0', 'rv0')).toEqual({ latencyMs: 10, jitterMs: 0, loss: 0, bandwidthBytesPerSecond: 0 })
  })
})

describe.each<Kind>(['memory', 'tcp'])('shaped transport over %s', kind => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** A listening node "rv0" and a dialling node "p0" on one network. */
  async function pair (settings: NetworkSettings): Promise<{ network: SimNetwork, server: Libp2p, client: Libp2p }> {
    const network = new SimNetwork({ seed: 7, settings })
    const node = async (name: NodeName, listen: string[]): Promise<Libp2p> => {
      const transport = kind === 'memory' ? shapedTransport(memory(), network, name) : shapedTransport(tcp(), network, name)
      const n = await createLibp2p({ addresses: { listen }, transports: [transport], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
      cleanup.add(async () => { await n.stop() })
      network.register(n.peerId.toString(), name)
      return n
    }
    const server = await node('rv0', [kind === 'memory' ? `${memoryAddressPrefix()}-rv0` : '/ip4/127.0.0.1/tcp/0'])
    await server.handle(ECHO, async stream => {
      const lp = lpStream(stream)
      for (;;) {
        const msg = await lp.read().catch(() => undefined)
        if (msg == null) return
        await lp.write(msg.subarray())
      }
    })
    // Counts what arrives and answers with the count once the writer closes.
    await server.handle(SINK, async stream => {
      let bytes = 0
      let sum = 0
      for await (const chunk of stream) {
        for (const b of chunk.subarray()) sum = (sum + b) % 65521
        bytes += chunk.byteLength
      }
      stream.send(new TextEncoder().encode(`${bytes}:${sum}`))
      await stream.close()
    })
    return { network, server, client: await node('p0', []) }
  }

  async function roundTrips (client: Libp2p, server: Libp2p, n: number, size = 100): Promise<number[]> {
    const stream = await client.dialProtocol(server.getMultiaddrs()[0], ECHO)
    const lp = lpStream(stream)
    const times: number[] = []
    for (let i = 0; i < n; i++) {
      const msg = new Uint8Array(size).fill(i)
      const start = performance.now()
      await lp.write(msg)
      const back = await lp.read()
      times.push(performance.now() - start)
      expect(Buffer.from(back.subarray()).equals(Buffer.from(msg))).toBe(true)
    }
    await stream.close()
    return times
  }

  it('delays every round trip by the latency of the link both ways', async () => {
    const { client, server } = await pair({ ...NONE, links: [{ between: ['p0', 'rv0'], latencyMs: 150 }] })
    const times = await roundTrips(client, server, 5)
    for (const t of times) expect(t).toBeGreaterThanOrEqual(295)
  }, 60_000)

  it('takes at least size / bandwidth to move a large transfer, and moves it whole', async () => {
    const { client, server } = await pair({ ...NONE, bandwidthBytesPerSecond: 125_000 })
    const data = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 251)
    const expected = `${data.length}:${data.reduce((s, b) => (s + b) % 65521, 0)}`
    const stream = await client.dialProtocol(server.getMultiaddrs()[0], SINK)
    const start = performance.now()
    for (let i = 0; i < data.length; i += 16 * 1024) {
      if (!stream.send(data.subarray(i, i + 16 * 1024))) await stream.onDrain()
    }
    await stream.close()
    let answer = ''
    for await (const chunk of stream) answer += new TextDecoder().decode(chunk.subarray())
    const elapsed = performance.now() - start
    expect(answer).toBe(expected)
    expect(elapsed).toBeGreaterThanOrEqual(data.length / 125_000 * 1000 - 5)
  }, 60_000)

  it('makes lost segments cost retransmission timeouts while the stream stays whole', async () => {
    const { client, server } = await pair({ ...NONE, loss: 0.2 })
    const times = await roundTrips(client, server, 20)
    // At 20% of segments lost, some round trips wait out at least one 200 ms timeout; none is corrupted.
    expect(times.filter(t => t >= 199).length).toBeGreaterThanOrEqual(1)
  }, 60_000)

  it('cuts an open connection when a partition begins and holds new dials until it heals', async () => {
    const { network, client, server } = await pair(NONE)
    await roundTrips(client, server, 1)
    expect(client.getConnections(server.peerId)).toHaveLength(1)

    network.partition(0, [['p0'], ['rv0']])
    await waitFor(() => client.getConnections(server.peerId).length === 0, { what: 'the connection to be cut' })
    expect(network.stats.connectionsCut).toBe(1)
    // A dial into the partition gets no answer: it ends when the dialler gives up.
    await expect(client.dial(server.getMultiaddrs()[0], { signal: AbortSignal.timeout(300) })).rejects.toThrow()
    expect(client.getConnections(server.peerId)).toHaveLength(0)

    // One that waits longer gets through once the partition heals.
    const partitionedAt = performance.now()
    const dial = client.dial(server.getMultiaddrs()[0], { signal: AbortSignal.timeout(20_000) })
    setTimeout(() => { network.heal(0) }, 400)
    await dial
    expect(performance.now() - partitionedAt).toBeGreaterThanOrEqual(395)
    expect(network.stats.dialsBlocked).toBeGreaterThanOrEqual(2)
    expect(await roundTrips(client, server, 1)).toHaveLength(1)
  }, 60_000)
})
