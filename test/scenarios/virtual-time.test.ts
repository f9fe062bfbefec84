// Weeks of offline life in a short run: a 30-day scenario on a clock 100,000 times faster than real
// time, with a 21-day retention. A person away 25 days loses exactly the mail that waited longer than
// 21 days (its senders are told); a person away 9 days loses nothing. The same seed gives the same
// schedule and sent counts.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Summary } from '../../node/simulate/results.ts'

const DAY = 86_400_000

const scenario = {
  name: 'thirty-days',
  seed: 4,
  duration: '30d',
  drain: '3d',
  transport: 'memory',
  clock: { speed: 100_000 },
  mailbox: { retention: '21d' },
  peers: {
    count: 3,
    cohorts: [
      { count: 1, availability: { kind: 'always' } },
      // Away from day 0 to day 25: longer than the retention.
      { count: 1, availability: { kind: 'timeline', online: [['25d', '30d']] } },
      // Away from day 1 to day 10: shorter.
      { count: 1, availability: { kind: 'timeline', online: [['0s', '1d'], ['10d', '30d']] } }
    ]
  },
  traffic: { dmPerPeerPerMinute: 0.004, size: { min: 20, max: 100 } }
}

async function simulate (outDir: string): Promise<Summary> {
  const file = join(outDir, 'scenario.yaml')
  writeFileSync(file, stringify(scenario))
  const res = await runCli(['simulate', file, '--out', outDir, '--json'], { timeout: 200_000 })
  if (res.code !== 0) throw new Error(`simulate exited with ${res.code}: ${res.stderr}`)
  return JSON.parse(res.stdout) as Summary
}

/** One CSV line's fields; a quoted field may hold commas (error messages do). */
function fields (line: string): string[] {
  const out: string[] = []
  const re = /("([^"]|"")*"|[^,]*)(,|$)/g
  for (let m = re.exec(line); m != null && m.index < line.length; m = re.exec(line)) {
    out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1])
    if (m[3] === '') break
  }
  return out
}

function rowsOf (dir: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(join(dir, 'messages.csv'), 'utf8').trim().split('\n')
  const cols = header.split(',')
  return lines.map(l => { const f = fields(l); return Object.fromEntries(cols.map((c, i) => [c, f[i] ?? ''])) })
}

describe('simulate on a compressed clock', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('runs 30 days with a 21-day retention: exactly the mail to the person away longer expires, and its senders are told', async () => {
    const out = tempDir('babacloud-30d-')
    cleanup.add(out.remove)
    const summary = await simulate(out.dir)
    expect(summary).toMatchObject({ clockSpeed: 100_000, durationMs: 30 * DAY, duplicates: 0, storedAckedLost: 0, expiredUntold: 0 })
    expect(summary.sent).toBeGreaterThan(20)
    const rows = rowsOf(out.dir)
    const toAway = rows.filter(r => r.to === 'p1' && r.sendStatus === 'stored')
    // Deposited more than 21 days before p1 came back on day 25: expired, the sender told.
    const early = toAway.filter(r => Number(r.ackedAt) < 4 * DAY - DAY / 2)
    const late = toAway.filter(r => Number(r.sentAt) > 4 * DAY + DAY / 2)
    expect(early.length).toBeGreaterThan(0)
    expect(late.length).toBeGreaterThan(0)
    for (const r of early) expect(r.expiredAt, `message ${r.id} sent on day ${Number(r.sentAt) / DAY}`).not.toBe('')
    for (const r of late) expect(r.deliveredAt, `message ${r.id} sent on day ${Number(r.sentAt) / DAY}`).not.toBe('')
    // p2 was away 9 days: nothing to it expired.
    expect(rows.filter(r => r.to === 'p2' && r.expiredAt !== '')).toEqual([])
    expect(summary.expired).toBe(rows.filter(r => r.expiredAt !== '').length)
    expect(summary.delivered + summary.expired + summary.failed).toBe(summary.sent)

    // The same seed: the same schedule and the same number of messages.
    const again = tempDir('babacloud-30d-again-')
    cleanup.add(again.remove)
    const second = await simulate(again.dir)
    expect(second.sent).toBe(summary.sent)
    const schedule = (dir: string): unknown => JSON.parse(readFileSync(join(dir, 'schedule.json'), 'utf8')).events
    expect(schedule(again.dir)).toEqual(schedule(out.dir))
  }, 400_000)
})
