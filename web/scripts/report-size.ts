// Prints the production bundle's size after `vite build`: every file under the output directory
// with its bytes and gzip bytes (what a browser downloads), and the totals. Node-only; not bundled.
//   tsx web/scripts/report-size.ts [dist/web] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface AssetSize {
  file: string
  bytes: number
  gzipBytes: number
}

export function measure (dir: string): AssetSize[] {
  const out: AssetSize[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) {
        walk(path)
        continue
      }
      const data = readFileSync(path)
      out.push({ file: relative(dir, path), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length })
    }
  }
  walk(dir)
  return out
}

function kb (n: number): string {
  return `${(n / 1024).toFixed(1)} kB`
}

function main (argv: string[]): void {
  const json = argv.includes('--json')
  const dir = resolve(argv.find(a => !a.startsWith('--')) ?? 'dist/web')
  let assets: AssetSize[]
  try {
    assets = measure(dir)
  } catch (err) {
    console.error(`report-size: cannot read ${dir}: ${(err as Error).message} (run vite build first)`)
    process.exit(1)
  }
  const total = assets.reduce((t, a) => ({ bytes: t.bytes + a.bytes, gzipBytes: t.gzipBytes + a.gzipBytes }), { bytes: 0, gzipBytes: 0 })
  if (json) {
    console.log(JSON.stringify({ dir, assets, total }))
    return
  }
  const width = Math.max(5, ...assets.map(a => a.file.length))
  console.log(`\nProduction bundle (${relative(process.cwd(), dir) || dir}):`)
  console.log(`${'asset'.padEnd(width)}  ${'bytes'.padStart(10)}  ${'gzip bytes'.padStart(10)}`)
  for (const a of assets) {
    console.log(`${a.file.padEnd(width)}  ${String(a.bytes).padStart(10)}  ${String(a.gzipBytes).padStart(10)}   (${kb(a.bytes)}, ${kb(a.gzipBytes)} gzip)`)
  }
  console.log(`${'total'.padEnd(width)}  ${String(total.bytes).padStart(10)}  ${String(total.gzipBytes).padStart(10)}   (${kb(total.bytes)}, ${kb(total.gzipBytes)} gzip)`)
}

if (process.argv[1] != null && resolve(process.argv[1]) === resolve(import.meta.filename)) main(process.argv.slice(2))
