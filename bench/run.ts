// `npm run bench`: runs every bench/*.bench.ts that exports a run…Bench function (this project's and
// any added later, such as crypto.bench.ts), prints each result with its same-process baselines,
// writes bench-results/<timestamp>.json and compares it with the previous file.
//   BENCH_QUICK=1   small sizes and few rounds: a smoke test, numbers not meaningful
//   BENCH_ONLY=dm,mailbox   run only these files (names without .bench.ts)
import '../protocol/polyfills.ts'
// Crypto on node:crypto, as every Node entry point runs it (docs/performance.md, "Crypto backends").
import '../rendezvous/crypto/install.ts'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compare, formatResult, saveResults } from './harness.ts'
import type { BenchOptions, BenchResult, ResultsFile } from './harness.ts'

const HERE = fileURLToPath(new URL('.', import.meta.url))

/** Adapts results of benches written to another shape (e.g. crypto.bench.ts's ops/s records). */
export function normalize (bench: string, raw: unknown): BenchResult[] {
  const items = Array.isArray(raw) ? raw : [raw]
  return items.flatMap((item): BenchResult[] => {
    const r = item as Record<string, unknown>
    if (typeof r?.value === 'number' && typeof r.unit === 'string' && Array.isArray(r.baselines)) return [r as unknown as BenchResult]
    if (typeof r?.opsPerSec === 'number') {
      const base = typeof r.baselineOpsPerSec === 'number' ? [{ name: 'baseline', value: r.baselineOpsPerSec, ratio: r.opsPerSec / r.baselineOpsPerSec }] : []
      return [{ group: bench, name: String(r.name ?? bench), unit: 'ops/s', better: 'higher', value: r.opsPerSec, rounds: Number(r.rounds ?? 1), baselines: base }]
    }
    return []
  })
}

export interface RunBenchesOptions extends BenchOptions {
  only?: string[]
  log?: (line: string) => void
}

/** Imports and runs the benches; a failing bench is reported and the others still run. */
export async function runBenches (options: RunBenchesOptions = {}): Promise<Pick<ResultsFile, 'results' | 'errors'>> {
  const log = options.log ?? (() => {})
  const files = readdirSync(HERE).filter(f => f.endsWith('.bench.ts')).sort()
  const results: BenchResult[] = []
  const errors: ResultsFile['errors'] = []
  for (const file of files) {
    const bench = file.replace(/\.bench\.ts$/, '')
    if (options.only != null && !options.only.includes(bench)) continue
    const mod = await import(pathToFileURL(join(HERE, file)).href) as Record<string, unknown>
    for (const [name, fn] of Object.entries(mod)) {
      if (!/^run\w*Bench$/.test(name) || typeof fn !== 'function') continue
      log(`== ${file} ${name}`)
      try {
        // Sizes for benches that take rounds/roundMs (crypto) as well as those that take quick.
        const raw = await fn({ quick: options.quick, rounds: options.quick === true ? 3 : 5, roundMs: options.quick === true ? 50 : 300 })
        const normalized = normalize(bench, raw)
        for (const r of normalized) log(formatResult(r))
        results.push(...normalized)
      } catch (err) {
        const message = (err as Error).message ?? String(err)
        errors.push({ bench: `${file}:${name}`, message })
        log(`   failed: ${message}`)
      }
    }
  }
  return { results, errors }
}

async function main (): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1'
  const names = process.env.BENCH_ONLY?.split(',').map(s => s.trim()).filter(s => s !== '') ?? []
  const only = names.length > 0 ? names : undefined
  const startedAt = new Date().toISOString()
  const started = performance.now()
  console.log(`benchmarks${quick ? ' (BENCH_QUICK: smoke sizes, numbers not meaningful)' : ''}, node ${process.version}`)
  const { results, errors } = await runBenches({ quick, only, log: line => { console.log(line) } })
  const saved = saveResults(join(HERE, '..', 'bench-results'), { startedAt, quick, node: process.version, results, errors })
  console.log(`\nwrote ${saved.path} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  if (saved.previous != null) {
    const lines = compare(results, saved.previous)
    console.log(lines.length > 0 ? `against ${saved.previousPath}:\n${lines.join('\n')}` : `nothing comparable in ${saved.previousPath}`)
  } else {
    console.log(`no earlier ${quick ? 'BENCH_QUICK ' : ''}results to compare with`)
  }
  process.exitCode = errors.length > 0 ? 1 : 0
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
  // libp2p can leave timers behind; the run is over.
  setImmediate(() => process.exit())
}
