// Experiments, not single runs: a scenario file with `sweep` (dotted keys of the scenario, each with
// a list of values) and `seeds` (a list, or how many seeds from `seed` on) runs every combination of
// the values with every seed, each as an ordinary simulation in its own directory, then writes one
// comparison: sweep.csv (a row per run, for notebooks), sweep.json (per combination: delivery ratio
// with a 95% confidence interval, latency percentiles per path) and sweep.html (the same as tables
// and charts, self-contained).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { cdf, escape, latencyLabel } from './report.ts'
import { percentile } from './results.ts'
import { ScenarioError, validateScenario } from './scenario.ts'
import { lineChart } from './svg-chart.ts'
import type { LatencyStats, Summary } from './results.ts'
import type { Scenario } from './scenario.ts'
import type { Series } from './svg-chart.ts'

/** Runs one experiment may ask for: each is a whole simulation. */
export const MAX_SWEEP_RUNS = 200
export const MAX_SEEDS = 50

/** One combination of the swept values (the same for each of its seeds). */
export interface SweepPoint {
  /** `key=value` pairs joined, e.g. `peers.availability.meanOffline=1h, mailbox.retention=7d`. */
  label: string
  /** A directory-safe form of the label. */
  slug: string
  values: Record<string, unknown>
}

export interface SweepRun {
  point: SweepPoint
  seed: number
  scenario: Scenario
}

export interface Experiment {
  name: string
  keys: string[]
  points: SweepPoint[]
  seeds: number[]
  runs: SweepRun[]
}

/** What one finished run contributes to the comparison. */
export interface RunOutcome {
  point: SweepPoint
  seed: number
  summary: Summary
  /** Latency of every delivered message (ms) and the path it took. */
  latencies: Array<{ ms: number, path: string }>
  /** The run's directory, relative to the experiment's. */
  dir: string
}

export interface PointComparison {
  label: string
  values: Record<string, unknown>
  runs: number
  sent: number
  delivered: number
  expired: number
  duplicates: number
  /** Pooled over the seeds, with a Wilson 95% interval on those counts. */
  deliveryRatio: { value: number, low: number, high: number }
  /** Per seed, to show the spread between runs. */
  perSeed: Array<{ seed: number, deliveryRatio: number, wallTimeMs: number, dir: string }>
  latencyMs: LatencyStats & { byPath: Record<string, LatencyStats> }
  mailboxPeakEnvelopes: number
  envelopeBytes: number
  wallTimeMs: number
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v != null && !Array.isArray(v)

/** `doc` with `value` at the dotted `path`, creating mappings on the way; the original is not changed. */
function withValue (doc: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path
  if (rest.length === 0) return { ...doc, [head]: value }
  const inner = doc[head]
  return { ...doc, [head]: withValue(isRecord(inner) ? inner : {}, rest, value) }
}

const show = (v: unknown): string => typeof v === 'string' ? v : JSON.stringify(v)

/** Whether a parsed scenario document asks for an experiment (several runs). */
export function isExperiment (doc: unknown): boolean {
  return isRecord(doc) && (doc.sweep != null || doc.seeds != null)
}

/**
 * Expands an experiment document: every combination of the `sweep` values × every seed, each
 * validated as a scenario (errors name the combination). One-line ScenarioErrors for bad shapes.
 */
export function expandExperiment (doc: unknown, name = 'experiment'): Experiment {
  if (!isRecord(doc)) throw new ScenarioError('(top level): expected a mapping')
  const { sweep = {}, seeds: seedsRaw, ...base } = doc
  if (!isRecord(sweep)) throw new ScenarioError('sweep: expected a mapping of dotted scenario keys to lists of values, e.g. { peers.availability.meanOffline: [1h, 1d] }')
  const keys = Object.keys(sweep)
  for (const key of keys) {
    const values = sweep[key]
    if (!Array.isArray(values) || values.length === 0) throw new ScenarioError(`sweep.${key}: expected a non-empty list of values`)
    if (!/^[A-Za-z]\w*(\.[A-Za-z]\w*)*$/.test(key)) throw new ScenarioError(`sweep.${key}: expected a dotted scenario key like peers.availability.meanOffline`)
    if (key === 'seed' || key === 'name') throw new ScenarioError(`sweep.${key}: use seeds: for seeds; a name is not swept`)
  }
  const baseSeed = typeof base.seed === 'number' ? base.seed : 0
  let seeds: number[]
  if (seedsRaw == null) {
    seeds = [baseSeed]
  } else if (typeof seedsRaw === 'number' && Number.isSafeInteger(seedsRaw) && seedsRaw >= 1 && seedsRaw <= MAX_SEEDS) {
    seeds = Array.from({ length: seedsRaw }, (_, i) => baseSeed + i)
  } else if (Array.isArray(seedsRaw) && seedsRaw.length >= 1 && seedsRaw.length <= MAX_SEEDS && seedsRaw.every(s => Number.isSafeInteger(s) && (s as number) >= 0)) {
    seeds = [...new Set(seedsRaw as number[])]
  } else {
    throw new ScenarioError(`seeds: expected how many seeds (1 to ${MAX_SEEDS}, counting up from seed) or a list of non-negative integers`)
  }
  let points: SweepPoint[] = [{ label: '', slug: '', values: {} }]
  for (const key of keys) {
    points = points.flatMap(p => (sweep[key] as unknown[]).map((v, i) => {
      const label = `${p.label === '' ? '' : `${p.label}, `}${key}=${show(v)}`
      const slug = `${p.slug === '' ? '' : `${p.slug}_`}${key.split('.').at(-1) ?? key}-${show(v).replace(/[^\w.-]+/g, '') || i}`
      return { label, slug, values: { ...p.values, [key]: v } }
    }))
  }
  if (points.length * seeds.length > MAX_SWEEP_RUNS) {
    throw new ScenarioError(`sweep: ${points.length} combinations × ${seeds.length} seeds = ${points.length * seeds.length} runs; at most ${MAX_SWEEP_RUNS}`)
  }
  const runs: SweepRun[] = []
  for (const point of points) {
    let d: Record<string, unknown> = base
    for (const [key, v] of Object.entries(point.values)) d = withValue(d, key.split('.'), v)
    for (const seed of seeds) {
      let scenario: Scenario
      try {
        scenario = validateScenario({ ...d, seed }, name)
      } catch (err) {
        if (err instanceof ScenarioError && point.label !== '') throw new ScenarioError(`with ${point.label}: ${err.message}`)
        throw err
      }
      runs.push({ point, seed, scenario })
    }
  }
  return { name: typeof base.name === 'string' && base.name.trim() !== '' ? base.name.trim() : name, keys, points, seeds, runs }
}

export function loadExperimentFile (path: string): Experiment {
  let doc: unknown
  try {
    doc = parseYaml(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ScenarioError(`cannot read experiment ${path}: ${(err as Error).message.split('\n')[0]}`)
  }
  try {
    return expandExperiment(doc, basename(path, extname(path)))
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(`${path}: ${err.message}`)
    throw err
  }
}

/** Wilson score interval for k successes in n trials at 95%: sound near 0 and 1, unlike ±1.96·σ. */
export function wilson (k: number, n: number): { value: number, low: number, high: number } {
  if (n === 0) return { value: 1, low: 0, high: 1 }
  const z = 1.959964
  const p = k / n
  const denom = 1 + z * z / n
  const centre = (p + z * z / (2 * n)) / denom
  const half = (z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / denom
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

function stats (values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b)
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null }
}

/** Pools each combination's seeds into one comparison row. */
export function compare (experiment: Experiment, outcomes: RunOutcome[]): PointComparison[] {
  return experiment.points.map(point => {
    const mine = outcomes.filter(o => o.point.slug === point.slug)
    const sum = (f: (s: Summary) => number): number => mine.reduce((n, o) => n + f(o.summary), 0)
    const sent = sum(s => s.sent)
    const delivered = sum(s => s.delivered)
    const latencies = mine.flatMap(o => o.latencies)
    const paths = [...new Set(latencies.map(l => l.path))].sort()
    return {
      label: point.label === '' ? '(base)' : point.label,
      values: point.values,
      runs: mine.length,
      sent,
      delivered,
      expired: sum(s => s.expired ?? 0),
      duplicates: sum(s => s.duplicates),
      deliveryRatio: wilson(delivered, sent),
      perSeed: mine.map(o => ({ seed: o.seed, deliveryRatio: o.summary.deliveryRatio, wallTimeMs: o.summary.wallTimeMs, dir: o.dir })),
      latencyMs: { ...stats(latencies.map(l => l.ms)), byPath: Object.fromEntries(paths.map(p => [p, stats(latencies.filter(l => l.path === p).map(l => l.ms))])) },
      mailboxPeakEnvelopes: Math.max(0, ...mine.map(o => o.summary.mailbox.peakEnvelopes)),
      envelopeBytes: sum(s => s.bytes.total),
      wallTimeMs: sum(s => s.wallTimeMs)
    }
  })
}

const csvField = (v: unknown): string => {
  const s = v == null ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const SWEEP_COLUMNS = ['seed', 'sent', 'delivered', 'deliveryRatio', 'expired', 'duplicates', 'latencyP50Ms', 'latencyP95Ms', 'mailboxPeakEnvelopes', 'envelopeBytes', 'wallTimeMs', 'dir']

/** One row per run: the swept values, then the run's numbers. */
export function sweepCsv (experiment: Experiment, outcomes: RunOutcome[]): string {
  const header = [...experiment.keys, ...SWEEP_COLUMNS]
  const rows = outcomes.map(o => [
    ...experiment.keys.map(k => o.point.values[k]),
    o.seed, o.summary.sent, o.summary.delivered, o.summary.deliveryRatio, o.summary.expired ?? 0, o.summary.duplicates,
    o.summary.latencyMs.p50, o.summary.latencyMs.p95, o.summary.mailbox.peakEnvelopes, o.summary.bytes.total, o.summary.wallTimeMs, o.dir
  ].map(csvField).join(','))
  return [header.join(','), ...rows].join('\n') + '\n'
}

const PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#4b5563']

/** sweep.html: the comparison table, delivery ratios with their intervals, latency CDFs per combination and per path. */
export function renderSweepReport (experiment: Experiment, rows: PointComparison[], outcomes: RunOutcome[]): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`
  const table = rows.map(r => `<tr><th>${escape(r.label)}</th><td>${r.runs}</td><td>${r.sent}</td><td>${r.delivered}</td>` +
    `<td>${pct(r.deliveryRatio.value)} <span class="ci">[${pct(r.deliveryRatio.low)}, ${pct(r.deliveryRatio.high)}]</span></td>` +
    `<td>${r.expired}</td><td>${r.duplicates}</td><td>${r.latencyMs.p50 ?? '–'} / ${r.latencyMs.p95 ?? '–'}</td><td>${r.mailboxPeakEnvelopes}</td>` +
    `<td>${r.perSeed.map(s => `<a href="${escape(s.dir)}/report.html">${s.seed}: ${pct(s.deliveryRatio)}</a>`).join(' ')}</td></tr>`).join('\n')
  // Delivery ratio per combination: the point and its interval, drawn as a short vertical line.
  const ratioSeries: Series[] = rows.map((r, i) => ({ name: r.label, color: PALETTE[i % PALETTE.length], points: [[i + 1, r.deliveryRatio.low], [i + 1, r.deliveryRatio.value], [i + 1, r.deliveryRatio.high]] }))
  const ratioChart = lineChart({ title: 'Delivery ratio with 95% interval (pooled over seeds)', xLabel: 'combination (table order)', yLabel: 'delivered / sent', series: ratioSeries, yMax: 1, formatY: v => `${Math.round(v * 100)}%`, formatX: v => Number.isInteger(v) ? String(v) : '' })
  // Rows come in the experiment's point order (compare()): row i pools the runs of point i.
  const latenciesOf = (i: number, path?: string): number[] => outcomes
    .filter(o => o.point.slug === experiment.points[i].slug)
    .flatMap(o => o.latencies.filter(l => path == null || l.path === path).map(l => l.ms))
  const cdfChart = (title: string, path?: string): string => lineChart({
    title,
    xLabel: 'latency (log scale)',
    yLabel: 'fraction delivered',
    series: rows.map((r, i) => ({ name: r.label, color: PALETTE[i % PALETTE.length], points: cdf(latenciesOf(i, path)) })).filter(s => s.points.length > 0),
    logX: true,
    yMax: 1,
    formatX: latencyLabel,
    formatY: v => `${Math.round(v * 100)}%`
  })
  const latencyChart = cdfChart('Latency CDF per combination (all paths, pooled over seeds)')
  const paths = [...new Set(outcomes.flatMap(o => o.latencies.map(l => l.path)))].sort()
  const perPath = paths.map(path => cdfChart(`Latency CDF, ${path}`, path))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BabaCloud experiment: ${escape(experiment.name)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #111827; max-width: 1280px }
table { border-collapse: collapse; margin-bottom: 16px }
th, td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top }
thead th { border-bottom: 1px solid #d1d5db }
.ci { color: #4b5563 }
.charts { display: flex; flex-wrap: wrap; gap: 16px }
.charts svg { border: 1px solid #e5e7eb; background: #fff }
p.note { color: #4b5563; max-width: 900px }
</style></head>
<body>
<h1>Experiment: ${escape(experiment.name)}</h1>
<p>${experiment.points.length} combination${experiment.points.length === 1 ? '' : 's'} of ${experiment.keys.map(k => `<code>${escape(k)}</code>`).join(', ') || 'the base scenario'}, each with seeds ${experiment.seeds.join(', ')}: ${outcomes.length} runs.</p>
<table>
<thead><tr><th>combination</th><th>runs</th><th>sent</th><th>delivered</th><th>delivery ratio [95% CI]</th><th>expired</th><th>duplicates</th><th>latency p50 / p95 ms</th><th>mailbox peak</th><th>per seed</th></tr></thead>
<tbody>
${table}
</tbody></table>
<div class="charts">
${ratioChart}
${latencyChart}
${perPath.join('\n')}
</div>
<p class="note">Delivery ratios pool every seed of a combination (delivered over sent) with a Wilson 95% interval; messages are not
independent (one peer's absence delays several), so read the interval as a lower bound on the uncertainty and compare the per-seed values.
Each run's own report (charts over time, storage and bytes) is linked from its seed. Numbers per run: sweep.csv.</p>
</body></html>
`
}

/** Writes sweep.csv, sweep.json and sweep.html into `outDir`; returns the comparison rows. */
export function writeExperimentReport (outDir: string, experiment: Experiment, outcomes: RunOutcome[]): PointComparison[] {
  mkdirSync(outDir, { recursive: true })
  const rows = compare(experiment, outcomes)
  writeFileSync(join(outDir, 'sweep.csv'), sweepCsv(experiment, outcomes))
  writeFileSync(join(outDir, 'sweep.json'), JSON.stringify({ experiment: experiment.name, keys: experiment.keys, seeds: experiment.seeds, combinations: rows }, null, 2) + '\n')
  writeFileSync(join(outDir, 'sweep.html'), renderSweepReport(experiment, rows, outcomes))
  return rows
}
