// CPU per DM round trip on an established ratchet session, both peers in this process (the set-up
// of dm.bench.ts): `process.cpuUsage` over N sends after a warm-up, which moves far less than wall
// time on a shared machine.
//   npx tsx bench/dm-cpu.ts 2000
// DM_CPU_PROFILE=dm.cpuprofile also writes a CPU profile of the timed sends.
import '../protocol/polyfills.ts'
import '../rendezvous/crypto/install.ts'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../protocol/chat-client.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { resolveConfig } from '../rendezvous/config.ts'
import { RendezvousNode } from '../rendezvous/rendezvous-node.ts'

async function main (): Promise<void> {
  const count = Number(process.argv[2] ?? 2000)
  const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-dm-cpu-'))
  const rv = new RendezvousNode({
    dataDir: join(dir, 'rv'),
    config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, limits: { requestsPerMinute: 100_000_000 } }),
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
  })
  const listen = ['/ip4/127.0.0.1/tcp/0']
  const a = await createChatNode({ privateKey: alice.privateKey, transports: [tcp()], listen, privateNetwork: true })
  const b = await createChatNode({ privateKey: bob.privateKey, transports: [tcp()], listen, privateNetwork: true })
  const rendezvous = multiaddr((await rv.start()).multiaddrs[0])
  const ca = new ChatClient({ node: a, identity: alice, store: new MemoryChatStore(), rendezvous })
  const cb = new ChatClient({ node: b, identity: bob, store: new MemoryChatStore(), rendezvous })
  try {
    await ca.start()
    await cb.start()
    await Promise.all([ca.sessions.ensurePrekeys(), cb.sessions.ensurePrekeys()])
    await a.dial(b.getMultiaddrs()[0])
    for (const [from, to] of [[ca, cb], [cb, ca]]) await from.send(to.peerId, 'hello')
    const text = 'x'.repeat(1024)
    const send = async (): Promise<void> => {
      const r = await ca.send(cb.peerId, text)
      if (r.status !== 'delivered' || r.path !== 'direct') throw new Error(`expected a direct delivery, got ${r.status}/${r.path}`)
    }
    for (let i = 0; i < 300; i++) await send()
    const profilePath = process.env.DM_CPU_PROFILE
    const inspector = profilePath != null ? new Session() : undefined
    if (inspector != null) {
      inspector.connect()
      await inspector.post('Profiler.enable')
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 })
      await inspector.post('Profiler.start')
    }
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    for (let i = 0; i < count; i++) await send()
    const cpu = process.cpuUsage(cpuBefore)
    const ms = performance.now() - started
    if (inspector != null && profilePath != null) {
      const { profile } = await inspector.post('Profiler.stop')
      writeFileSync(profilePath, JSON.stringify(profile))
      inspector.disconnect()
    }
    console.log(JSON.stringify({ count, wallUsPerSend: Math.round(ms * 1000 / count), cpuUsPerSend: Math.round((cpu.user + cpu.system) / count) }))
  } finally {
    await ca.stop()
    await cb.stop()
    await a.stop()
    await b.stop()
    await rv.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
setImmediate(() => process.exit())
