// Operational logs are structured, and hold neither message content nor full IP addresses.
import { Writable } from 'node:stream'
import { multiaddr } from '@multiformats/multiaddr'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../rendezvous/config.ts'
import { maskIp } from '../../rendezvous/logging.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'

describe('rendezvous logs', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('keeps only the network of an IP address', () => {
    expect(maskIp('203.0.113.77')).toBe('203.0.113.0/24')
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48')
    expect(maskIp('not an ip')).toBe('unknown')
  })

  it('log events as JSON lines, without message text or full addresses', async () => {
    const lines: string[] = []
    const sink = new Writable({ write (chunk, _enc, done) { lines.push(...String(chunk).trim().split('\n')); done() } })
    const data = tempDir()
    cleanup.add(data.remove)
    const node = new RendezvousNode({
      dataDir: data.dir,
      log: pino({ level: 'debug' }, sink),
      config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, limits: { requestsPerMinute: 30 } })
    })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    const alice = await createPeer(cleanup, multiaddr(info.multiaddrs[0]))
    const bob = await createPeer(cleanup, multiaddr(info.multiaddrs[0]))
    await alice.client.start()
    const canary = `canary-${Math.random().toString(36).slice(2)}`
    const results = await Promise.allSettled(Array.from({ length: 12 }, async () => await alice.client.send(bob.node.peerId, canary)))
    expect(results.some(r => r.status === 'rejected')).toBe(true)
    await waitFor(() => lines.some(l => l.includes('limit hit')), { what: 'the limit to be logged' })

    const entries = lines.map(l => JSON.parse(l) as Record<string, unknown>)
    expect(entries.find(e => e.msg === 'connection opened')).toMatchObject({ network: '127.0.0.0/24', level: 20 })
    expect(entries.find(e => e.msg === 'limit hit')).toMatchObject({ limit: 'mailbox_requests_per_minute' })
    const all = lines.join('\n')
    expect(all).not.toContain(canary)
    expect(all).not.toContain('127.0.0.1')
  })
})
