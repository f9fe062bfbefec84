// The lab as researchers run it: a scenario document written to a file and run by the real
// `babacloud simulate` command; its summary and CSV outputs read back.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { runCli } from './cli.ts'

/** Runs `doc` through `babacloud simulate --json` with its outputs in `outDir`; the summary it printed. */
export async function simulate<T = unknown> (doc: unknown, outDir: string, timeout = 200_000): Promise<T> {
  const file = join(outDir, 'scenario.yaml')
  writeFileSync(file, stringify(doc))
  const res = await runCli(['simulate', file, '--out', outDir, '--json'], { timeout })
  if (res.code !== 0) throw new Error(`simulate exited with ${res.code}: ${res.stderr}`)
  return JSON.parse(res.stdout) as T
}

/** A CSV the lab wrote, as one record per line keyed by the header (fields without quoted commas). */
export function readCsv (file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const cols = header.split(',')
  return lines.map(l => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
}
