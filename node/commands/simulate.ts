// `babacloud simulate SCENARIO.yaml`: runs peers and rendezvous nodes in this process on a seeded
// schedule and writes schedule.json, messages.csv, samples.csv, summary.json and report.html. A file
// with `sweep:` and/or `seeds:` is an experiment: every combination × seed, then sweep.csv,
// sweep.json and sweep.html comparing them.
import { readFileSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { CliError } from '../cli-error.ts'
import { print } from '../output.ts'
import { ScenarioError, loadScenarioFile } from '../simulate/scenario.ts'
import { runExperiment, simulate } from '../simulate/simulate.ts'
import { expandExperiment, isExperiment } from '../simulate/sweep.ts'
import { guardUpstreamErrors } from '../upstream-errors.ts'
import type { RunProgress } from '../simulate/results.ts'
import type { Scenario } from '../simulate/scenario.ts'
import type { Command } from 'commander'

// The progress line on stderr: redrawn in place on a terminal; on a file or pipe one plain line per
// phase, so logs stay readable; off with --json.
const WIDTH = 24

interface ProgressBar {
  update(p: RunProgress): void
  done(): void
}

function createProgressBar (stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressBar {
  if (!enabled) return { update: () => {}, done: () => {} }
  let lastPhase = ''
  let drawn = false
  return {
    update (p) {
      const text = `${p.phase.padEnd(8)} ${Math.round(p.elapsedMs / 1000)}/${Math.round(p.totalMs / 1000)}s  ` +
        `online ${p.online}/${p.peers}  sent ${p.sent}  delivered ${p.delivered}  mailbox ${p.mailboxEnvelopes}`
      if (stream.isTTY === true) {
        const filled = p.phase === 'stopping' ? WIDTH : Math.min(WIDTH, Math.round((p.elapsedMs / Math.max(1, p.totalMs)) * WIDTH))
        const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled)
        // Longer than the terminal, the line would wrap and every redraw would add a line.
        const columns = stream.columns > 20 ? stream.columns : 120
        stream.write(`\r\x1b[2K${`${bar} ${text}`.slice(0, columns - 1)}`)
        drawn = true
      } else if (p.phase !== lastPhase) {
        stream.write(`simulate: ${text}\n`)
      }
      lastPhase = p.phase
    },
    done () {
      if (drawn) stream.write('\r\x1b[2K')
    }
  }
}

interface SimulateOpts {
  out?: string
  seed?: string
  json?: boolean
}

function load (file: string, seed?: string): Scenario {
  let scenario: Scenario
  try {
    scenario = loadScenarioFile(file)
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(err.message, err.code)
    throw err
  }
  if (seed != null) {
    const n = Number(seed)
    if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`--seed expects a non-negative integer, got ${seed}`)
    scenario.seed = n
  }
  return scenario
}

function defaultOut (scenario: Pick<Scenario, 'name'>): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `simulation-${scenario.name}-${stamp}`
}

/** The file as YAML, or undefined when it cannot be read (load() then says why). */
function readDoc (file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

async function experiment (file: string, opts: SimulateOpts): Promise<void> {
  if (opts.seed != null) throw new CliError('--seed: an experiment names its seeds in the file (seeds: N or a list)')
  let exp
  try {
    exp = expandExperiment(readDoc(file), basename(file, extname(file)))
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(`${file}: ${err.message}`, err.code)
    throw err
  }
  guardUpstreamErrors()
  const outDir = resolve(opts.out ?? defaultOut(exp))
  const bar = createProgressBar(process.stderr, opts.json !== true)
  let result
  try {
    result = await runExperiment(exp, {
      outDir,
      onRunStart: (i, total, label, seed) => { if (opts.json !== true) process.stderr.write(`${process.stderr.isTTY === true ? '\r\x1b[2K' : ''}simulate: run ${i + 1}/${total}: ${label === '' ? 'base' : label}, seed ${seed}\n`) },
      onProgress: p => { bar.update(p) }
    })
  } finally {
    bar.done()
  }
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`
  print(opts, { outDir, experiment: exp.name, keys: exp.keys, seeds: exp.seeds, combinations: result.rows },
    result.rows.map(r => `${r.label}: delivered ${r.delivered}/${r.sent} = ${pct(r.deliveryRatio.value)} [${pct(r.deliveryRatio.low)}, ${pct(r.deliveryRatio.high)}], expired ${r.expired}, duplicates ${r.duplicates}, p50 ${r.latencyMs.p50 ?? '–'} ms`).join('\n') +
    `\nreport: ${outDir}/sweep.html (per run: sweep.csv)`)
}

export function registerSimulate (program: Command): void {
  program.command('simulate')
    .description('run a scripted network of peers and rendezvous nodes in this process and measure delivery')
    .argument('<scenario>', 'scenario or experiment (sweep:, seeds:) file, YAML; see docs/research.md')
    .option('--out <dir>', 'output directory (default: ./simulation-NAME-TIMESTAMP)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--json', 'print the summary as one JSON object; no progress bar')
    .action(async (file: string, opts: SimulateOpts) => {
      if (isExperiment(readDoc(file))) {
        await experiment(file, opts)
        return
      }
      const scenario = load(file, opts.seed)
      // Kept for the rest of the process: a libp2p race may still fire while the command exits.
      guardUpstreamErrors()
      const outDir = resolve(opts.out ?? defaultOut(scenario))
      const bar = createProgressBar(process.stderr, opts.json !== true)
      let summary
      try {
        summary = await simulate(scenario, { outDir, onProgress: p => { bar.update(p) } })
      } finally {
        bar.done()
      }
      const l = summary.latencyMs
      print(opts, { outDir, ...summary },
        `${summary.scenario}: delivered ${summary.delivered}/${summary.sent} (ratio ${summary.deliveryRatio.toFixed(4)}), ` +
        `duplicates ${summary.duplicates}, latency p50 ${l.p50 ?? '–'} ms p95 ${l.p95 ?? '–'} ms p99 ${l.p99 ?? '–'} ms, ` +
        `mailbox peak ${summary.mailbox.peakEnvelopes}, wall ${(summary.wallTimeMs / 1000).toFixed(1)} s\n` +
        summary.errors.map(e => `error: ${e}\n`).join('') + `report: ${outDir}/report.html`)
    })
}
