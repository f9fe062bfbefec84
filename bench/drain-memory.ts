// The memory profile of a mailbox drain: one process runs a rendezvous node with N envelopes queued
// for one reader, then a ChatClient drains them (fetch, verify, open, store, ack) over libp2p TCP.
// Prints the drain time, the CPU time it took (client and node together), peak RSS (process.resourceUsage().maxRSS, which includes the node and the
// queued envelopes), the highest sampled heap during the drain and the heap after a GC.
//   npx tsx --expose-gc bench/drain-memory.ts 10000
// DRAIN_CPU_PROFILE=drain.cpuprofile also writes a CPU profile of the drain alone (not the set-up).
// The client checks envelopes on the main thread; DRAIN_POOL=1: on a worker pool (one worker per
// core but one, at least one; the CPU time printed covers the workers too).
import '../protocol/polyfills.ts'
import '../rendezvous/crypto/install.ts'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { WorkerCryptoPool } from '../node/crypto-pool.ts'
import { ChatClient } from '../protocol/chat-client.ts'
import { createEnvelope } from '../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { Envelope } from '../protocol/wire/generated/messages.ts'
import { resolveConfig } from '../rendezvous/config.ts'
import { RendezvousNode } from '../rendezvous/rendezvous-node.ts'

const DAY = 86_400_000
const MB = 1024 * 1024

const gc = (): void => { (globalThis as { gc?: () => void }).gc?.() }

async function main (): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000)
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-drain-memory-'))
  const rv = new RendezvousNode({
    dataDir: join(dir, 'rv'),
    config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, mailbox: { maxMessages: 1_000_000, maxBytes: '10gb' }, limits: { requestsPerMinute: 100_000_000 } }),
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
  })
  const rvAddr = multiaddr((await rv.start()).multiaddrs[0])
  const senders = await Promise.all(Array.from({ length: 16 }, async () => await DeviceIdentity.generate()))
  const reader = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: reader.privateKey, transports: [tcp()], privateNetwork: true })
  try {
    const queued: Array<Promise<unknown>> = []
    for (let i = 0; i < count; i++) {
      const s = senders[i % senders.length]
      const env = createEnvelope(s, reader.peerId, { text: 'x'.repeat(1024) })
      queued.push(rv.store.deposit({ id: env.id, sender: s.peerId.toString(), recipient: reader.peerId.toString(), sentAt: Number(env.sentAt), bytes: Envelope.encode(env) }, { maxMessages: 1e9, maxBytes: 1e12, retentionMs: DAY }))
      if (queued.length >= 500) await Promise.all(queued.splice(0))
    }
    await Promise.all(queued)
    gc()
    const heapBefore = process.memoryUsage().heapUsed
    const rssBefore = process.memoryUsage().rss
    let heapPeak = heapBefore
    let rssPeak = rssBefore
    const sampler = setInterval(() => {
      const m = process.memoryUsage()
      heapPeak = Math.max(heapPeak, m.heapUsed)
      rssPeak = Math.max(rssPeak, m.rss)
    }, 20)
    const cryptoPool = process.env.DRAIN_POOL === '1' ? new WorkerCryptoPool(Math.max(1, availableParallelism() - 1)) : undefined
    // Started before the clock, as in a running client (the first drain would start it otherwise).
    await cryptoPool?.start()
    const client = new ChatClient({ node, identity: reader, store: new MemoryChatStore(), rendezvous: rvAddr, ...(cryptoPool != null ? { cryptoPool } : {}) })
    const profilePath = process.env.DRAIN_CPU_PROFILE
    const inspector = profilePath != null ? new Session() : undefined
    if (inspector != null) {
      inspector.connect()
      await inspector.post('Profiler.enable')
      await inspector.post('Profiler.start')
    }
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const received = await client.sync()
    const seconds = (performance.now() - started) / 1000
    // CPU time moves far less than wall time on a shared, loaded machine.
    const cpu = process.cpuUsage(cpuBefore)
    if (inspector != null && profilePath != null) {
      const { profile } = await inspector.post('Profiler.stop')
      writeFileSync(profilePath, JSON.stringify(profile))
      inspector.disconnect()
    }
    clearInterval(sampler)
    await cryptoPool?.close()
    if (received !== count) throw new Error(`drained ${received} of ${count}`)
    gc()
    const heapAfter = process.memoryUsage().heapUsed
    console.log(JSON.stringify({
      count,
      pool: cryptoPool != null,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(count / seconds),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeDrainMb: Math.round(rssBefore / MB),
      rssPeakSampledMb: Math.round(rssPeak / MB),
      heapBeforeDrainMb: Math.round(heapBefore / MB),
      heapPeakSampledMb: Math.round(heapPeak / MB),
      // Still holds the drained messages in the MemoryChatStore (about 1 KiB of text each).
      heapAfterDrainMb: Math.round(heapAfter / MB)
    }))
  } finally {
    await node.stop()
    await rv.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
setImmediate(() => process.exit())
