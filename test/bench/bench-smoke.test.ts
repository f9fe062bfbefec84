// The bench driver's plumbing at smoke size: result records, result files, comparison with the
// previous file. Asserts structure only: timings on a shared CI machine mean nothing.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { compare, formatResult, median, percentile, saveResults, timeOps, timeOpsInTurn } from '../../bench/harness.ts'
import { normalize, runBenches } from '../../bench/run.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('bench driver', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('runs the DM bench at smoke size and records ratios against its baselines', async () => {
    const { results, errors } = await runBenches({ quick: true, only: ['dm'] })
    expect(errors).toEqual([])
    // The tracked measure (an established ratchet session) and its sealed-box breakdown line.
    expect(results.map(r => r.name)).toEqual(['ChatClient.send round trip, direct TCP, 1 KiB', 'round trip breakdown: ChatClient.send with the sealed box (no prekeys), direct TCP, 1 KiB'])
    const [dm] = results
    expect(dm).toMatchObject({ group: 'dm', unit: 'µs/op', better: 'lower' })
    expect(dm.value).toBeGreaterThan(0)
    expect(dm.baselines.map(b => b.name)).toEqual(['libp2p lp echo on an open stream', 'libp2p lp echo on a new stream each time', 'raw ws WebSocket echo'])
    for (const b of dm.baselines) expect(b.ratio).toBeCloseTo(dm.value / b.value, 6)
    expect(formatResult(dm)).toContain('× the time of raw ws WebSocket echo')

    const dir = tempDir('babacloud-bench-results-')
    cleanup.add(dir.remove)
    const first = saveResults(dir.dir, { startedAt: '2026-01-01T00:00:00.000Z', quick: true, node: process.version, results, errors })
    expect(first.previous).toBeUndefined()
    const second = saveResults(dir.dir, { startedAt: '2026-01-02T00:00:00.000Z', quick: true, node: process.version, results, errors })
    expect(second.previous?.results).toEqual(JSON.parse(readFileSync(first.path, 'utf8')).results)
    expect(compare(results, second.previous!)).toEqual([expect.stringMatching(/^dm\/ChatClient\.send .*\(\+0\.0%\)$/), expect.stringMatching(/^dm\/round trip breakdown: .*\(\+0\.0%\)$/)])
    // A full run is compared with the last full run, never with a smoke run in between.
    saveResults(dir.dir, { startedAt: '2026-01-03T00:00:00.000Z', quick: false, node: process.version, results, errors })
    const fourth = saveResults(dir.dir, { startedAt: '2026-01-04T00:00:00.000Z', quick: true, node: process.version, results, errors })
    expect(fourth.previousPath).toBe(second.path)
  })

  it('adapts ops/s records from benches written to another shape', () => {
    expect(normalize('crypto', [{ name: 'ratchet', opsPerSec: 50, baselineOpsPerSec: 100, ratio: 0.5, rounds: 5 }])).toEqual([
      { group: 'crypto', name: 'ratchet', unit: 'ops/s', better: 'higher', value: 50, rounds: 5, baselines: [{ name: 'baseline', value: 100, ratio: 0.5 }] }
    ])
    expect(normalize('x', { nothing: 'useful' })).toEqual([])
  })

  it('takes warm-up, rounds and medians as planned', async () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10)
    let calls = 0
    const timing = await timeOps(async () => { calls++ }, { warmup: 3, rounds: 4, perRound: 5 })
    expect(calls).toBe(23)
    expect(timing.roundsUs).toHaveLength(4)
    expect(timing.samplesUs).toHaveLength(20)
    expect(timing.medianUs).toBe(median(timing.roundsUs))
  })

  it('times a measure and its baseline in alternating rounds', async () => {
    const order: string[] = []
    const [a, b] = await timeOpsInTurn([async () => { order.push('a') }, async () => { order.push('b') }], { warmup: 1, rounds: 3, perRound: 2 })
    // Warm-up of each, then a round of one and a round of the other, three times.
    expect(order.join('')).toBe('ab' + 'aabb'.repeat(3))
    for (const t of [a, b]) {
      expect(t.roundsUs).toHaveLength(3)
      expect(t.samplesUs).toHaveLength(6)
      expect(t.medianUs).toBe(median(t.roundsUs))
    }
  })
})
