// Runs one scenario end to end: schedule from the seed, execution on real nodes, then the output
// directory (schedule.json, messages.csv, samples.csv, summary.json, report.html).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VirtualClock } from '../../protocol/clock.ts'
import { SimNetwork } from './network.ts'
import { renderReport } from './report.ts'
import { latencyOf, summarize } from './results.ts'
import { SAMPLE_MS, runSchedule } from './runner.ts'
import { generateSchedule } from './schedule.ts'
import { writeExperimentReport } from './sweep.ts'
import type { Experiment, PointComparison, RunOutcome } from './sweep.ts'
import { guardUpstreamErrors } from '../upstream-errors.ts'
import type { MessageRecord, RunProgress, RunResult, Sample, Summary } from './results.ts'
import type { Scenario } from './scenario.ts'
import type { Schedule } from './schedule.ts'

export interface SimulateOptions {
  outDir: string
  onProgress?: (p: RunProgress) => void
  liveTimeoutMs?: number
  /** The whole run (records, samples), for an experiment's comparison. */
  onRun?: (run: RunResult) => void
}

export const OUTPUT_FILES = ['schedule.json', 'messages.csv', 'samples.csv', 'summary.json', 'report.html'] as const

function csvField (v: string | number | undefined): string {
  if (v == null) return ''
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const CSV_COLUMNS = ['id', 'from', 'to', 'group', 'sentAt', 'path', 'deliveredAt', 'latencyMs', 'sendStatus', 'ackedAt', 'attempts', 'size', 'envelopeBytes', 'envelopeId', 'lastError', 'expiredAt']

/** One row a scheduled message; times in ms from the start of traffic, empty when it never happened. */
export function toCsv (schedule: Schedule, records: MessageRecord[]): string {
  const rows = records.map(r => [
    r.id, schedule.peers[r.from].name, schedule.peers[r.to].name, r.group == null ? undefined : schedule.groups[r.group]?.name ?? `g${r.group}`,
    r.sentAt, r.path ?? (r.status === 'stored' ? 'mailbox' : r.sendPath), r.deliveredAt, latencyOf(r), r.status, r.ackedAt, r.attempts, r.size, r.bytes, r.envelopeId, r.error, r.expiredAt
  ].map(csvField).join(','))
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n'
}

export const SAMPLE_COLUMNS = ['t', 'online', 'sent', 'delivered', 'mailboxEnvelopes', 'mailboxBytes', 'rssBytes', 'heapUsedBytes'] as const

/** One row per sample (every SAMPLE_MS): the curves of the report as numbers. */
export function samplesCsv (samples: Sample[]): string {
  return [SAMPLE_COLUMNS.join(','), ...samples.map(s => SAMPLE_COLUMNS.map(c => s[c]).join(','))].join('\n') + '\n'
}

export async function simulate (scenario: Scenario, options: SimulateOptions): Promise<Summary> {
  mkdirSync(options.outDir, { recursive: true })
  const schedule = await generateSchedule(scenario)
  // Written before the run, so a run that crashes still leaves what it was executing.
  writeFileSync(join(options.outDir, 'schedule.json'), JSON.stringify({ scenario, ...schedule }, null, 1) + '\n')
  // Rendezvous databases are scratch: what matters is in the outputs.
  const workDir = mkdtempSync(join(tmpdir(), 'babacloud-sim-'))
  const guard = guardUpstreamErrors()
  try {
    // One clock for the whole run: schedule, nodes, clients and the network see the same (compressed) time.
    const clock = scenario.clock.speed > 1 ? new VirtualClock({ speed: scenario.clock.speed }) : undefined
    const network = scenario.network != null || scenario.faults.some(f => 'partition' in f)
      ? new SimNetwork({ seed: scenario.seed, settings: scenario.network, clock })
      : undefined
    const run = await runSchedule(schedule, {
      transport: scenario.transport,
      rendezvous: scenario.rendezvous,
      redundancy: scenario.redundancy,
      retentionMs: scenario.mailbox.retentionMs,
      clock,
      network,
      workDir,
      onProgress: options.onProgress,
      liveTimeoutMs: options.liveTimeoutMs
    })
    const summary = { ...summarize(scenario, run, SAMPLE_MS), ignoredUpstreamErrors: { ...guard.counts } }
    writeFileSync(join(options.outDir, 'messages.csv'), toCsv(schedule, run.records))
    writeFileSync(join(options.outDir, 'samples.csv'), samplesCsv(run.samples))
    writeFileSync(join(options.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n')
    writeFileSync(join(options.outDir, 'report.html'), renderReport(summary, run, scenario.faults))
    options.onRun?.(run)
    return summary
  } finally {
    guard.release()
    rmSync(workDir, { recursive: true, force: true })
  }
}

export interface ExperimentOptions {
  outDir: string
  /** Before each run: its place in the experiment. */
  onRunStart?: (index: number, total: number, label: string, seed: number) => void
  onProgress?: (p: RunProgress) => void
  liveTimeoutMs?: number
}

/**
 * Runs every combination × seed of an experiment one after another (each a whole simulation in
 * `outDir/<combination>/seed-<n>/`), then writes the comparison (sweep.csv, sweep.json, sweep.html).
 */
export async function runExperiment (experiment: Experiment, options: ExperimentOptions): Promise<{ rows: PointComparison[], outcomes: RunOutcome[] }> {
  const outcomes: RunOutcome[] = []
  for (const [i, run] of experiment.runs.entries()) {
    options.onRunStart?.(i, experiment.runs.length, run.point.label, run.seed)
    const dir = join(run.point.slug === '' ? 'base' : run.point.slug, `seed-${run.seed}`)
    let latencies: RunOutcome['latencies'] = []
    const summary = await simulate(run.scenario, {
      outDir: join(options.outDir, dir),
      onProgress: options.onProgress,
      liveTimeoutMs: options.liveTimeoutMs,
      onRun: r => { latencies = r.records.flatMap(m => { const ms = latencyOf(m); return ms == null ? [] : [{ ms, path: m.path ?? 'mailbox' }] }) }
    })
    outcomes.push({ point: run.point, seed: run.seed, summary, latencies, dir })
  }
  return { rows: writeExperimentReport(options.outDir, experiment, outcomes), outcomes }
}
