// CPU per DM round trip on an established ratchet session, both peers in this process (the set-up
// of dm.bench.ts, dm-pair.ts): `process.cpuUsage` over N sends after a warm-up, which moves far
// less than wall time on a shared machine.
//   npx tsx bench/dm-cpu.ts 2000
// DM_CPU_PROFILE=dm.cpuprofile also writes a CPU profile of the timed sends.
import '../protocol/polyfills.ts'
import '../rendezvous/crypto/install.ts'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { performance } from 'node:perf_hooks'
import { startDmPair } from './dm-pair.ts'

async function main (): Promise<void> {
  const count = Number(process.argv[2] ?? 2000)
  const { ca, cb, stop } = await startDmPair()
  try {
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
    await stop()
  }
}

await main()
setImmediate(() => process.exit())
