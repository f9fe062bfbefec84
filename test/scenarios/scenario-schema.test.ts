// Scenario files are checked by the same schema library as the node's config, with the same
// one-line errors: file, key path, what was expected.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { ScenarioError, loadScenarioFile, validateScenario } from '../../node/simulate/scenario.ts'
import { isExperiment, loadExperimentFile } from '../../node/simulate/sweep.ts'
import { tempDir } from '../helpers/wait.ts'

const EXAMPLES = fileURLToPath(new URL('../../node/scenarios/examples', import.meta.url))

describe('scenario schema', () => {
  it('accepts every example scenario', () => {
    const files = readdirSync(EXAMPLES).filter(f => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) {
      const file = join(EXAMPLES, f)
      // An experiment (sweep:, seeds:) is checked as each scenario it expands to.
      if (isExperiment(parseYaml(readFileSync(file, 'utf8')))) expect(loadExperimentFile(file).runs.length, f).toBeGreaterThan(1)
      else expect(() => loadScenarioFile(file), f).not.toThrow()
    }
  })

  it('refuses a misspelt key anywhere in one line naming file and key', () => {
    const tmp = tempDir()
    try {
      const file = join(tmp.dir, 'typo.yaml')
      writeFileSync(file, 'seed: 1\nduration: 10s\npeers:\n  count: 4\ntraffic:\n  dmPerPeerPerMinut: 2\n')
      expect(() => loadScenarioFile(file)).toThrow(new ScenarioError(`${file}: traffic.dmPerPeerPerMinut: unknown key (did you mean dmPerPeerPerMinute?)`))
      writeFileSync(file, 'seed: 1\nduration: 10s\npeers:\n  count: 4\nfaults:\n  - { at: 1s, restartRendezvous: 0, downFor: soon }\n')
      expect(() => loadScenarioFile(file)).toThrow(`${file}: faults[0].downFor: expected a duration like "90s" or "30d", got "soon"`)
      writeFileSync(file, 'seed: 1\nduration: 10s\npeers:\n  count: 4\n  availability: { kind: periodic, meanOnline: 1s, meanOfline: 1s }\n')
      expect(() => loadScenarioFile(file)).toThrow(`${file}: peers.availability.meanOfline: unknown key (did you mean meanOffline?)`)
      writeFileSync(file, 'seed: -1\nduration: 10s\npeers:\n  count: 4\n')
      expect(() => loadScenarioFile(file)).toThrow(`${file}: seed: expected an integer of at least 0, got -1`)
    } finally {
      tmp.remove()
    }
  })

  it('checks redundancy and killRendezvous against the nodes the scenario has', () => {
    const base = { seed: 1, duration: '10s', rendezvous: 3, peers: { count: 6 } }
    const error = (patch: Record<string, unknown>): string => {
      try {
        validateScenario({ ...base, ...patch })
      } catch (err) {
        expect(err).toBeInstanceOf(ScenarioError)
        return (err as Error).message
      }
      throw new Error('expected a ScenarioError')
    }
    expect(error({ redundancy: 0 })).toBe('redundancy: expected an integer from 1 to 8 (homes per peer, and copies of each message), got 0')
    expect(error({ redundancy: 4 })).toBe('redundancy: at most the number of rendezvous nodes (3), got 4')
    expect(error({ faults: [{ at: '1s', killRendezvous: 3 }] })).toBe('faults[0].killRendezvous: expected an integer from 0 to 2 (rendezvous: 3)')
    expect(error({ faults: [{ at: '1s', killRendezvous: -1 }] })).toMatch(/^faults\[0\]\.killRendezvous: expected an integer of at least 0/)
    expect(error({ faults: [{ at: '1s', killRendezvous: 1, downFor: '2s' }] })).toBe('faults[0].downFor: only with restartRendezvous: a killed node never comes back')
    expect(error({ faults: [{ at: '1s', killRendezvous: 1, restartRendezvous: 1 }] })).toBe('faults[0]: one of restartRendezvous or killRendezvous, not both')
    expect(error({ faults: [{ at: '1s' }] })).toBe('faults[0]: expected restartRendezvous: N (with downFor), killRendezvous: N or partition: [[...], [...]] (with for)')
    expect(error({ faults: [{ at: '1s', killRendezvous: 1 }, { at: '2s', restartRendezvous: 1 }] })).toBe('faults[1].restartRendezvous: rendezvous 1 was killed before (killRendezvous): it never comes back')

    const ok = validateScenario({ ...base, redundancy: 2, faults: [{ at: '1s', killRendezvous: 2 }, { at: '2s', restartRendezvous: 0, downFor: '1s' }] })
    expect(ok.redundancy).toBe(2)
    expect(ok.faults).toEqual([{ atMs: 1_000, killRendezvous: 2 }, { atMs: 2_000, restartRendezvous: 0, downForMs: 1_000 }])
    expect(validateScenario(base).redundancy).toBe(1)
  })

  it('checks link conditions, partitions and clock skew with one-line errors naming the key', () => {
    const base = { seed: 1, duration: '10m', rendezvous: 2, peers: { count: 4 } }
    const error = (patch: Record<string, unknown>): string => {
      try {
        validateScenario({ ...base, ...patch })
      } catch (err) {
        expect(err).toBeInstanceOf(ScenarioError)
        expect((err as Error).message).not.toContain('\n')
        return (err as Error).message
      }
      throw new Error('expected a ScenarioError')
    }
    expect(error({ network: { latency: 'slow' } })).toBe('network.latency: expected a duration like "90s" or "30d", got "slow"')
    expect(error({ network: { loss: 0.7 } })).toBe('network.loss: expected a fraction of segments lost from 0 to 0.5 (0.01 is 1%), got 0.7')
    expect(error({ network: { loss: '5%' } })).toMatch(/^network\.loss: expected a fraction of segments lost/)
    expect(error({ network: { bandwidth: '1mb' } })).toBe('network.bandwidth: expected a rate in bits per second like "256kbit", "10mbit" or "1gbit", got "1mb"')
    expect(error({ network: { bandwidth: 125000 } })).toMatch(/^network\.bandwidth: expected a rate in bits per second/)
    expect(error({ network: { bandwidth: '1kbit' } })).toMatch(/^network\.bandwidth: .*at least 8kbit/)
    expect(error({ network: { latncy: '50ms' } })).toBe('network.latncy: unknown key (did you mean latency?)')
    expect(error({ network: { links: [{ between: ['p1', 'rv2'], latency: '1s' }] } })).toBe('network.links[0].between[1]: no rendezvous rv2 (rendezvous: 2, named rv0 to rv1)')
    expect(error({ network: { links: [{ between: ['p1', 'node0'] }] } })).toMatch(/^network\.links\[0\]\.between\[1\]: expected a peer \(an index like 3, or "p3"\) or a rendezvous node \("rv0"\)/)
    expect(error({ network: { links: [{ between: [1, 'p1'] }] } })).toBe('network.links[0].between: expected two different nodes')

    const part = (p: Record<string, unknown>): Record<string, unknown> => ({ faults: [{ at: '1m', ...p }] })
    expect(error(part({ partition: [[0, 1], [2, 'rv0']] }))).toBe('faults[0].for: expected how long the partition lasts, like "5m"')
    expect(error(part({ partition: [[0, 1, 'rv0']], for: '1m' }))).toBe('faults[0].partition: expected at least two groups: nodes named in no group keep all their links')
    expect(error(part({ partition: [[0, 4], [2]], for: '1m' }))).toBe('faults[0].partition[0][1]: no peer p4 (peers.count: 4, peers 0 to 3)')
    expect(error(part({ partition: [[0, 'p1'], [1]], for: '1m' }))).toBe('faults[0].partition[1][0]: p1 is in two groups')
    expect(error(part({ partition: [[0], []], for: '1m' }))).toMatch(/^faults\[0\]\.partition\[1\]: expected a group/)
    expect(error(part({ partition: [[0], [1]], for: '10m' }))).toBe('faults[0].for: the partition must heal by the end of the traffic phase (600000ms), ends at 660000ms')
    expect(error(part({ partition: [[0], [1]], for: '1m', killRendezvous: 0 }))).toBe('faults[0]: one of restartRendezvous, killRendezvous or partition per fault')
    expect(error(part({ killRendezvous: 0, for: '1m' }))).toBe('faults[0].for: only with partition')
    expect(error({ peers: { count: 4, clockSkew: 'a bit' } })).toBe('peers.clockSkew: expected a duration like "90s" or "30d", got "a bit"')

    const ok = validateScenario({
      ...base,
      peers: { count: 4, clockSkew: '2m' },
      network: { latency: '50ms', jitter: '10ms', loss: 0.01, bandwidth: '256kbit', links: [{ between: [1, 'rv0'], latency: '300ms' }] },
      faults: [{ at: '1m', partition: [[0, 'p1'], [2, 'rv1']], for: '5m' }]
    })
    expect(ok.network).toEqual({ latencyMs: 50, jitterMs: 10, loss: 0.01, bandwidthBytesPerSecond: 32_000, links: [{ between: ['p1', 'rv0'], latencyMs: 300 }] })
    expect(ok.faults).toEqual([{ atMs: 60_000, partition: [['p0', 'p1'], ['p2', 'rv1']], forMs: 300_000 }])
    expect(ok.clockSkewMs).toBe(120_000)
    expect(validateScenario(base).network).toBeUndefined()
    expect(validateScenario(base).clockSkewMs).toBe(0)
  })
})
