// Scenarios on hostile networks, end to end through `babacloud simulate` on real nodes: a partition
// that heals loses and duplicates nothing on the memory and TCP transports, slow, lossy links with
// peer clocks a few minutes off still deliver everything, later by at least the links' latency, and a
// peer clock beyond the nodes' 10-minute window is refused for what it deposits.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateScenario } from '../../node/simulate/scenario.ts'
import { generateSchedule } from '../../node/simulate/schedule.ts'
import { readCsv, simulate } from '../helpers/simulate.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Summary } from '../../node/simulate/results.ts'

/** Each run takes 15-30 s here; a loaded CI machine gets room. */
const SLOW = 180_000

describe('simulate on hostile networks', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it.each(['memory', 'tcp'])('delivers everything exactly once after a partition heals (%s)', async transport => {
    const out = tempDir('babacloud-sim-partition-')
    cleanup.add(out.remove)
    // p0 and p1 lose their rendezvous and the other peers for 4 s: what they send waits, what is sent
    // to them waits at the node, and all of it arrives after the heal.
    const doc = {
      name: `partition-${transport}`,
      seed: 3,
      duration: '10s',
      drain: '40s',
      transport,
      peers: { count: 4 },
      traffic: { dmPerPeerPerMinute: 40, size: { min: 20, max: 300 } },
      faults: [{ at: '2s', partition: [[0, 1], [2, 3, 'rv0']], for: '4s' }]
    }
    const summary = await simulate<Summary>(doc, out.dir, 170_000)
    expect(summary.errors).toEqual([])
    expect(summary).toMatchObject({ deliveryRatio: 1, duplicates: 0, storedAckedLost: 0, undelivered: 0 })
    const [partition] = summary.partitions
    expect(partition).toMatchObject({ partition: 0, groups: [['p0', 'p1'], ['p2', 'p3', 'rv0']] })
    expect(partition.healedAt).toBeGreaterThan(partition.startedAt)
    // Both cut-off peers had a connection to the node, and lost it.
    expect(summary.network?.connectionsCut).toBeGreaterThanOrEqual(2)

    const healedAt = partition.healedAt as number
    const cutOff = new Set(['p0', 'p1'])
    const during = readCsv(join(out.dir, 'messages.csv')).filter(r => (cutOff.has(r.from) || cutOff.has(r.to)) && Number(r.sentAt) >= partition.startedAt && Number(r.sentAt) < healedAt)
    expect(during.length).toBeGreaterThanOrEqual(3)
    expect(during.every(r => r.deliveredAt !== '' && Number(r.deliveredAt) >= healedAt)).toBe(true)
    expect(readFileSync(join(out.dir, 'report.html'), 'utf8')).toContain('partition p0 p1 | p2 p3 rv0')
  }, SLOW)

  it('delivers everything over slow, lossy, narrow links to peers with skewed clocks, later by the latency', async () => {
    const out = tempDir('babacloud-sim-badnet-')
    cleanup.add(out.remove)
    const doc = {
      name: 'bad-network',
      seed: 11,
      duration: '8s',
      drain: '40s',
      transport: 'memory',
      rendezvous: 2,
      redundancy: 2,
      peers: { count: 6, clockSkew: '3m' },
      traffic: { dmPerPeerPerMinute: 20, size: { min: 20, max: 2000 } },
      network: { latency: '150ms', jitter: '20ms', loss: 0.01, bandwidth: '2mbit' }
    }
    const summary = await simulate<Summary>(doc, out.dir, 170_000)
    expect(summary.errors).toEqual([])
    expect(summary.sent).toBeGreaterThanOrEqual(5)
    expect(summary).toMatchObject({ deliveryRatio: 1, duplicates: 0, storedAckedLost: 0 })
    expect(summary.network).toMatchObject({ latencyMs: 150, jitterMs: 20, loss: 0.01, bandwidthBytesPerSecond: 250_000 })
    // Offsets drawn within ±3 minutes, and not all alike.
    const skew = summary.clockOffsetMs as { min: number, max: number }
    expect(skew.min).toBeGreaterThanOrEqual(-180_000)
    expect(skew.max).toBeLessThanOrEqual(180_000)
    expect(skew.max - skew.min).toBeGreaterThan(10_000)
    // Every message crossed at least two links (sender to node, node to recipient), each at least latency - jitter.
    const rows = readCsv(join(out.dir, 'messages.csv'))
    for (const r of rows) expect(Number(r.latencyMs)).toBeGreaterThanOrEqual(2 * (150 - 20))
  }, SLOW)

  it('skews each peer\'s own clock: a peer more than 10 minutes fast has its deposits refused, the others deliver', async () => {
    const out = tempDir('babacloud-sim-skew-')
    cleanup.add(out.remove)
    const doc = { name: 'skew-30m', seed: 6, duration: '6s', drain: '10s', transport: 'memory', peers: { count: 4, clockSkew: '30m' }, traffic: { dmPerPeerPerMinute: 30, size: { min: 20, max: 200 } } }
    // The seed puts p0 about 24 minutes ahead of the nodes, past their 10-minute window, and every
    // other peer within it (p3 7 minutes ahead, p1 and p2 behind).
    const schedule = await generateSchedule(validateScenario(doc))
    const offsets = schedule.peers.map(p => p.clockOffsetMs as number)
    expect(offsets[0]).toBeGreaterThan(11 * 60_000)
    expect(offsets.slice(1).every(o => o < 9 * 60_000)).toBe(true)

    const summary = await simulate<Summary>(doc, out.dir, 170_000)
    expect(summary.errors).toEqual([])
    expect(summary.duplicates).toBe(0)
    const rows = readCsv(join(out.dir, 'messages.csv'))
    const fromFast = rows.filter(r => r.from === 'p0')
    const others = rows.filter(r => r.from !== 'p0')
    expect(fromFast.length).toBeGreaterThanOrEqual(2)
    expect(others.length).toBeGreaterThanOrEqual(5)
    for (const r of fromFast) {
      expect(r.deliveredAt).toBe('')
      expect(r.lastError).toMatch(/timestamp is outside the accepted window/)
    }
    // Slow clocks, and mail to the fast peer, are no problem.
    expect(others.every(r => r.deliveredAt !== '')).toBe(true)
    expect(others.some(r => r.to === 'p0')).toBe(true)
  }, SLOW)
})
