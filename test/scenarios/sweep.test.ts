// Experiments: a scenario file with `sweep` and `seeds` runs every combination with every seed and
// writes one comparison (sweep.csv, sweep.json, sweep.html); and the lab's mail retention, where a
// peer away longer than it loses exactly the messages its senders are told expired.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ScenarioError } from '../../node/simulate/scenario.ts'
import { MAX_SWEEP_RUNS, expandExperiment, wilson } from '../../node/simulate/sweep.ts'
import { simulate } from '../helpers/simulate.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Summary } from '../../node/simulate/results.ts'
import type { PointComparison } from '../../node/simulate/sweep.ts'

const SLOW = 240_000

const base = {
  name: 'tiny',
  seed: 3,
  duration: '1s',
  drain: '4s',
  transport: 'memory',
  peers: { count: 3, availability: { kind: 'periodic', meanOnline: '500ms', meanOffline: '500ms' } },
  traffic: { dmPerPeerPerMinute: 120, size: { min: 20, max: 200 } }
}

describe('experiments (sweep × seeds)', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('expands every combination of the swept keys with every seed, each a valid scenario', () => {
    const exp = expandExperiment({ ...base, sweep: { 'peers.availability.meanOffline': ['1s', '1h'], 'mailbox.retention': ['7d', '21d'] }, seeds: 2 })
    expect(exp.runs).toHaveLength(8)
    expect(exp.seeds).toEqual([3, 4])
    expect(exp.points.map(p => p.label)).toEqual([
      'peers.availability.meanOffline=1s, mailbox.retention=7d', 'peers.availability.meanOffline=1s, mailbox.retention=21d',
      'peers.availability.meanOffline=1h, mailbox.retention=7d', 'peers.availability.meanOffline=1h, mailbox.retention=21d'
    ])
    const last = exp.runs.at(-1)?.scenario
    expect(last).toMatchObject({ seed: 4, mailbox: { retentionMs: 21 * 86_400_000 }, peers: { availability: { kind: 'periodic', meanOfflineMs: 3_600_000 } } })
    expect(new Set(exp.points.map(p => p.slug)).size).toBe(4)
    // The base document is not changed between combinations.
    expect(exp.runs[0].scenario).toMatchObject({ seed: 3, mailbox: { retentionMs: 7 * 86_400_000 }, peers: { availability: { meanOfflineMs: 1000 } } })
  })

  it('refuses a bad experiment with one line naming the key or the combination', () => {
    const refusal = (doc: Record<string, unknown>): string => {
      try {
        expandExperiment(doc)
      } catch (err) {
        if (err instanceof ScenarioError) return err.message
        throw err
      }
      return 'accepted'
    }
    expect(refusal({ ...base, sweep: { 'peers.count': [] } })).toBe('sweep.peers.count: expected a non-empty list of values')
    expect(refusal({ ...base, sweep: { 'peers.count': [2, 1] } })).toMatch(/^with peers\.count=1: peers\.count: /)
    expect(refusal({ ...base, sweep: { seed: [1, 2] } })).toMatch(/^sweep\.seed: use seeds:/)
    expect(refusal({ ...base, seeds: 0 })).toMatch(/^seeds: expected how many seeds/)
    expect(refusal({ ...base, seeds: ['a'] })).toMatch(/^seeds: /)
    expect(refusal({ ...base, sweep: { 'traffic.dmPerPeerPerMinute': Array.from({ length: MAX_SWEEP_RUNS + 1 }, (_, i) => i) } })).toMatch(/at most 200$/)
    expect(refusal({ ...base, sweep: { 'peers.colour': ['red'] } })).toMatch(/^with peers\.colour=red: /)
  })

  it('gives Wilson intervals that stay inside [0, 1] and narrow with more messages', () => {
    expect(wilson(0, 10).low).toBe(0)
    expect(wilson(0, 10).high).toBeCloseTo(0.2775, 3)
    expect(wilson(10, 10).low).toBeCloseTo(0.7225, 3)
    expect(wilson(95, 100).low).toBeCloseTo(0.8882, 3)
    expect(wilson(950, 1000).high - wilson(950, 1000).low).toBeLessThan(wilson(95, 100).high - wilson(95, 100).low)
  })

  it('runs a 2×2 sweep with 2 seeds and writes one comparison report', async () => {
    const out = tempDir('babacloud-sweep-')
    cleanup.add(out.remove)
    const result = await simulate({ ...base, sweep: { 'peers.availability.meanOffline': ['200ms', '2s'], 'traffic.size.max': [100, 200] }, seeds: [7, 8] }, out.dir) as { combinations: PointComparison[], seeds: number[] }
    expect(result.seeds).toEqual([7, 8])
    expect(result.combinations).toHaveLength(4)
    for (const c of result.combinations) {
      expect(c.runs).toBe(2)
      expect(c.perSeed.map(s => s.seed)).toEqual([7, 8])
      expect(c.deliveryRatio.low).toBeLessThanOrEqual(c.deliveryRatio.value)
      expect(c.deliveryRatio.high).toBeGreaterThanOrEqual(c.deliveryRatio.value)
      for (const s of c.perSeed) expect(existsSync(join(out.dir, s.dir, 'report.html'))).toBe(true)
    }
    const rows = readFileSync(join(out.dir, 'sweep.csv'), 'utf8').trim().split('\n')
    expect(rows[0]).toMatch(/^peers\.availability\.meanOffline,traffic\.size\.max,seed,sent,delivered,deliveryRatio,expired,/)
    expect(rows).toHaveLength(9)
    const json = JSON.parse(readFileSync(join(out.dir, 'sweep.json'), 'utf8')) as { combinations: PointComparison[] }
    expect(json.combinations.map(c => c.label)).toEqual(result.combinations.map(c => c.label))
    // The sums agree with the runs' own summaries.
    for (const c of json.combinations) {
      const sent = c.perSeed.reduce((n, s) => n + (JSON.parse(readFileSync(join(out.dir, s.dir, 'summary.json'), 'utf8')) as Summary).sent, 0)
      expect(c.sent).toBe(sent)
    }
    const html = readFileSync(join(out.dir, 'sweep.html'), 'utf8')
    expect(html).toContain('<svg')
    expect(html).toContain('peers.availability.meanOffline=2s, traffic.size.max=200')
    // Self-contained: no scripts, nothing fetched from elsewhere.
    expect(html).not.toMatch(/<script|(src|href)="https?:/)
  }, SLOW)

  it('a peer away longer than the retention gets none of what waited; every sender is told, and nothing is lost', async () => {
    const out = tempDir('babacloud-retention-')
    cleanup.add(out.remove)
    const summary = await simulate({
      name: 'retention',
      seed: 11,
      duration: '9s',
      drain: '6s',
      transport: 'memory',
      mailbox: { retention: '2s' },
      peers: { count: 2, cohorts: [{ count: 1, availability: { kind: 'always' } }, { count: 1, availability: { kind: 'timeline', online: [['7s', '9s']] } }] },
      traffic: { dmPerPeerPerMinute: 60, size: { min: 20, max: 100 } }
    }, out.dir) as Summary
    expect(summary.expired).toBeGreaterThan(0)
    expect(summary.expiredUntold).toBe(0)
    expect(summary.delivered + summary.expired).toBe(summary.sent)
    expect(summary.storedAckedLost).toBe(0)
    const [header, ...lines] = readFileSync(join(out.dir, 'messages.csv'), 'utf8').trim().split('\n')
    const cols = header.split(',')
    const rows = lines.map(l => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
    // What expired was sent while the recipient was away; what was sent long enough before it came back, expired.
    for (const r of rows.filter(r => r.expiredAt !== '')) expect(Number(r.sentAt)).toBeLessThan(7000)
    for (const r of rows.filter(r => r.to === rows[0]?.to && Number(r.sentAt) < 2500)) expect(r.expiredAt).not.toBe('')
  }, SLOW)
})
