// Scenario files are checked by the same schema library as the node's config, with the same
// one-line errors: file, key path, what was expected.
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ScenarioError, loadScenarioFile } from '../../node/simulate/scenario.ts'
import { tempDir } from '../helpers/wait.ts'

const EXAMPLES = fileURLToPath(new URL('../../node/scenarios/examples', import.meta.url))

describe('scenario schema', () => {
  it('accepts every example scenario', () => {
    const files = readdirSync(EXAMPLES).filter(f => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) expect(() => loadScenarioFile(join(EXAMPLES, f)), f).not.toThrow()
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
})
