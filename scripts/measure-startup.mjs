#!/usr/bin/env node
// Start-up time of a `babacloud` command, as docs/operators.md reports it: `--help` to exit, and
// `rendezvous` until /healthz answers. Usage: node scripts/measure-startup.mjs [BIN] [RUNS]
// (BIN defaults to this checkout's bin/babacloud.js; an installed one: `$(npm prefix -g)/bin/babacloud`).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = process.argv[2] ?? fileURLToPath(new URL('../bin/babacloud.js', import.meta.url))
const runs = Number(process.argv[3] ?? 5)
const command = (args) => /\.m?js$/.test(bin) ? [process.execPath, [bin, ...args]] : [bin, args]

async function help () {
  const started = performance.now()
  const [file, argv] = command(['--help'])
  const child = spawn(file, argv, { stdio: 'ignore' })
  await new Promise((resolve, reject) => { child.on('exit', resolve); child.on('error', reject) })
  return performance.now() - started
}

async function ready () {
  const data = mkdtempSync(join(tmpdir(), 'babacloud-startup-'))
  const started = performance.now()
  const [file, argv] = command(['rendezvous', '--json', '--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', d => { out += d })
  try {
    // The ready line gives the HTTP port; the node is ready when /healthz answers 200.
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const line = out.split('\n').find(l => l.startsWith('{'))
      if (line != null) {
        const res = await fetch(`${JSON.parse(line).http}/healthz`).catch(() => undefined)
        if (res?.status === 200) return performance.now() - started
      }
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    throw new Error('rendezvous did not answer /healthz within 60 s')
  } finally {
    child.kill('SIGTERM')
    await new Promise(resolve => child.on('exit', resolve))
    rmSync(data, { recursive: true, force: true })
  }
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, measure] of [['--help', help], ['rendezvous until /healthz', ready]]) {
  const times = []
  for (let i = 0; i < runs; i++) times.push(await measure())
  console.log(`${name}: median ${(median(times) / 1000).toFixed(2)} s over ${runs} runs (min ${(Math.min(...times) / 1000).toFixed(2)}, max ${(Math.max(...times) / 1000).toFixed(2)})`)
}
