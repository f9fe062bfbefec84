// `babacloud simulate` as a user runs it: --json prints the summary and exits 0; a bad scenario file
// ends in one line naming the field and a non-zero exit.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('babacloud simulate', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  const dir = (): string => {
    const d = tempDir('babacloud-sim-cli-')
    cleanup.add(d.remove)
    return d.dir
  }

  it('runs a tiny scenario and prints the summary as JSON', async () => {
    const d = dir()
    const file = join(d, 'tiny.yaml')
    writeFileSync(file, [
      'seed: 3',
      'duration: 2s',
      'drain: 20s',
      'peers: { count: 3, availability: { kind: always } }',
      'traffic: { dmPerPeerPerMinute: 60, size: { min: 20, max: 200 } }'
    ].join('\n'))
    const out = join(d, 'out')
    const res = await runCli(['simulate', file, '--out', out, '--json'], { timeout: 120_000 })
    expect(res.code).toBe(0)
    // stdout is exactly one JSON object; no progress bar with --json.
    expect(res.stdout.trim().split('\n')).toHaveLength(1)
    const summary = JSON.parse(res.stdout)
    expect(summary).toMatchObject({ scenario: 'tiny', seed: 3, outDir: out, deliveryRatio: 1, duplicates: 0 })
    expect(summary.sent).toBeGreaterThan(0)
    expect(res.stderr).toBe('')
    for (const f of ['schedule.json', 'messages.csv', 'summary.json', 'report.html']) expect(existsSync(join(out, f))).toBe(true)
  }, 150_000)

  it('rejects a bad scenario with one line naming the field', async () => {
    const d = dir()
    const file = join(d, 'bad.yaml')
    writeFileSync(file, 'seed: 1\nduration: 10s\npeers:\n  count: many\n')
    const res = await runCli(['simulate', file, '--out', join(d, 'out')], { timeout: 60_000 })
    expect(res.code).not.toBe(0)
    expect(res.stdout).toBe('')
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/^babacloud: \S+bad\.yaml: peers\.count: expected an integer/)
    expect(existsSync(join(d, 'out'))).toBe(false)

    const json = await runCli(['simulate', join(d, 'missing.yaml'), '--json'], { timeout: 60_000 })
    expect(json.code).not.toBe(0)
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'BAD_SCENARIO' } })
  }, 150_000)
})
