#!/usr/bin/env node
// Builds the web app into dist/web with Vite. With --if-changed (what `npm start` uses) it builds
// only when the sources differ from the last build: a hash of web/, protocol/ (the app imports it),
// the Vite config and the lock file, kept beside dist/web. Content, not mtimes: a checkout changes
// every mtime without changing what the app is.
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const INPUTS = ['web', 'protocol', 'vite.config.ts', 'package-lock.json']
const STAMP = join(root, 'dist', '.web-sources.sha256')

function * files (path) {
  if (!existsSync(path)) return
  if (!statSync(path).isDirectory()) {
    yield path
    return
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) yield * files(child)
    else if (entry.isFile()) yield child
  }
}

export function sourceHash () {
  const hash = createHash('sha256')
  for (const input of INPUTS) {
    for (const file of files(join(root, input))) {
      hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0')
    }
  }
  return hash.digest('hex')
}

const ifChanged = process.argv.includes('--if-changed')
const hash = sourceHash()
const built = existsSync(join(root, 'dist', 'web', 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash
if (ifChanged && built) process.exit(0)

const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
const args = [vite, 'build', ...(ifChanged ? ['--logLevel', 'warn'] : [])]
if (ifChanged) process.stderr.write('web app sources changed since the last build: building dist/web\n')
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
if (result.status !== 0) process.exit(result.status ?? 1)
mkdirSync(dirname(STAMP), { recursive: true })
writeFileSync(STAMP, hash + '\n')
