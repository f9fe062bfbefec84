// Shared by the benchmarks: warm-up then timed rounds with the median, result records that carry
// their baselines (measured in the same process, so ratios survive a noisy machine better than
// absolute numbers), and the bench-results/ file handling.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

export interface BenchOptions {
  /** BENCH_QUICK=1: small sizes, few rounds; checks that everything runs, not how fast. */
  quick?: boolean
}

export interface Baseline {
  name: string
  value: number
  /** value of the measured case / value of this baseline. */
  ratio: number
}

export interface BenchResult {
  group: string
  name: string
  /** e.g. "µs/op" (lower is better) or "ops/s" (higher is better). */
  unit: string
  better: 'lower' | 'higher'
  /** Median over rounds. */
  value: number
  rounds: number
  baselines: Baseline[]
  /** Secondary numbers: percentiles, sizes. */
  detail?: Record<string, number>
}

export interface Timing {
  /** Median over rounds of the mean µs per op. */
  medianUs: number
  roundsUs: number[]
  /** Every op's duration in µs (for percentiles). */
  samplesUs: number[]
}

export interface RoundPlan {
  warmup: number
  rounds: number
  perRound: number
}

export function median (values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function percentile (values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** Sequential async ops: `warmup` untimed, then `rounds` × `perRound` timed one by one. */
export async function timeOps (op: () => Promise<unknown>, plan: RoundPlan): Promise<Timing> {
  return (await timeOpsInTurn([op], plan))[0]
}

/**
 * `timeOps` for a measure and its baselines together: their rounds are taken in turn (A B A B …),
 * so a machine that slows down or speeds up during the run moves each of them alike, not only the
 * one that happened to run at that time.
 */
export async function timeOpsInTurn (ops: Array<() => Promise<unknown>>, plan: RoundPlan): Promise<Timing[]> {
  for (const op of ops) for (let i = 0; i < plan.warmup; i++) await op()
  const timings: Timing[] = ops.map(() => ({ medianUs: Number.NaN, roundsUs: [], samplesUs: [] }))
  for (let r = 0; r < plan.rounds; r++) {
    for (const [k, op] of ops.entries()) {
      const start = performance.now()
      for (let i = 0; i < plan.perRound; i++) {
        const t = performance.now()
        await op()
        timings[k].samplesUs.push((performance.now() - t) * 1000)
      }
      timings[k].roundsUs.push(((performance.now() - start) * 1000) / plan.perRound)
    }
  }
  for (const t of timings) t.medianUs = median(t.roundsUs)
  return timings
}

/** Times one whole batch per round (throughput work); `prepare` runs untimed before each round. */
export async function timeRounds (rounds: number, prepare: (round: number) => Promise<void> | void, run: (round: number) => Promise<number>): Promise<{ medianPerSec: number, perSec: number[] }> {
  const perSec: number[] = []
  for (let r = 0; r < rounds; r++) {
    await prepare(r)
    const start = performance.now()
    const ops = await run(r)
    perSec.push(ops / ((performance.now() - start) / 1000))
  }
  return { medianPerSec: median(perSec), perSec }
}

export function withBaselines (result: Omit<BenchResult, 'baselines'>, baselines: Array<{ name: string, value: number }>): BenchResult {
  return { ...result, baselines: baselines.map(b => ({ ...b, ratio: result.value / b.value })) }
}

const fmt = (v: number): string => v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)

/** "2.4× slower than" / "0.81× the throughput of": ratios read the same way for either unit. */
export function formatResult (r: BenchResult): string {
  const lines = [`${r.group.padEnd(9)} ${r.name}: ${fmt(r.value)} ${r.unit} (median of ${r.rounds})`]
  for (const b of r.baselines) {
    const ratio = b.ratio >= 0.1 ? b.ratio.toFixed(2) : b.ratio.toPrecision(2)
    const how = r.better === 'lower' ? `${ratio}× the time of` : `${ratio}× the throughput of`
    lines.push(`${' '.repeat(10)}${how} ${b.name} (${fmt(b.value)} ${r.unit})`)
  }
  if (r.detail != null) lines.push(`${' '.repeat(10)}${Object.entries(r.detail).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`)
  return lines.join('\n')
}

export interface ResultsFile {
  startedAt: string
  quick: boolean
  node: string
  results: BenchResult[]
  errors: Array<{ bench: string, message: string }>
}

/**
 * Writes bench-results/<timestamp>.json and returns the newest earlier file of the same mode (a
 * quick smoke run is no reference for a full one), if any.
 */
export function saveResults (dir: string, file: ResultsFile): { path: string, previous?: ResultsFile, previousPath?: string } {
  mkdirSync(dir, { recursive: true })
  const name = `${file.startedAt.replace(/[:.]/g, '-')}.json`
  const earlier = readdirSync(dir).filter(f => f.endsWith('.json') && f < name).sort().reverse()
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n')
  for (const f of earlier) {
    try {
      const previous = JSON.parse(readFileSync(join(dir, f), 'utf8')) as ResultsFile
      if (previous.quick === file.quick) return { path, previous, previousPath: join(dir, f) }
    } catch {
      // A truncated or hand-edited file is no reference; look further back.
    }
  }
  return { path }
}

/** One line per result also present in the previous run: how the median moved. */
export function compare (current: BenchResult[], previous: ResultsFile): string[] {
  const before = new Map(previous.results.map(r => [`${r.group}/${r.name}`, r]))
  return current.flatMap(r => {
    const p = before.get(`${r.group}/${r.name}`)
    if (p == null || p.unit !== r.unit || !(p.value > 0)) return []
    const change = (r.value / p.value - 1) * 100
    const worse = r.better === 'lower' ? change > 0 : change < 0
    const sign = change >= 0 ? '+' : ''
    return [`${r.group}/${r.name}: ${fmt(p.value)} → ${fmt(r.value)} ${r.unit} (${sign}${change.toFixed(1)}%${Math.abs(change) >= 10 ? (worse ? ', worse' : ', better') : ''})`]
  })
}

/**
 * Runs `work` under a CPU profile written to `path` (100 µs sampling) when a path is given, e.g.
 * `DEPOSIT_CPU_PROFILE=deposits.cpuprofile BENCH_ONLY=mailbox npm run bench`.
 */
export async function withCpuProfile<T> (path: string | undefined, work: () => Promise<T>): Promise<T> {
  if (path == null || path === '') return await work()
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(path, JSON.stringify(profile))
    session.disconnect()
  }
}
