// Runs the real `babacloud` command as a child process: the CLI bundled for this test run
// (test/global-setup.ts), as the package ships it, or bin/babacloud.js (TypeScript through tsx) when
// no compiled copy is there.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { Cleanup } from './wait.ts'

const COMPILED = fileURLToPath(new URL('../../.test-dist/babacloud.mjs', import.meta.url))
const BIN = existsSync(COMPILED) ? COMPILED : fileURLToPath(new URL('../../bin/babacloud.js', import.meta.url))

/** Which `babacloud` to run: the repository's (default) or an installed one, and from where. */
export interface CliTarget {
  /** An executable (e.g. `<prefix>/bin/babacloud` after a global install), run as it is. */
  bin?: string
  cwd?: string
}

function command (target: CliTarget, args: string[]): [string, string[]] {
  return target.bin == null ? [process.execPath, [BIN, ...args]] : [target.bin, args]
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one command to its end; `input` is piped to its stdin (which is otherwise closed). */
export async function runCli (args: string[], options: CliTarget & { timeout?: number, env?: NodeJS.ProcessEnv, input?: string } = {}): Promise<CliResult> {
  return await new Promise((resolve, reject) => {
    const [file, argv] = command(options, args)
    const child = spawn(file, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: [options.input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    if (options.input != null) child.stdin?.end(options.input)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`babacloud ${args.join(' ')} did not finish in time\n${stderr}`))
    }, options.timeout ?? 30_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface RendezvousProcess {
  child: ChildProcess
  info: { peerId: string, multiaddrs: string[], http?: string }
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
}

/** Starts `babacloud rendezvous --json` and waits for its ready line. */
export async function startRendezvousProcess (cleanup: Cleanup, args: string[], target: CliTarget = {}): Promise<RendezvousProcess> {
  const [file, argv] = command(target, ['rendezvous', '--json', ...args])
  const child = spawn(file, argv, { cwd: target.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => { child.on('close', code => { resolve(code) }) })
  cleanup.add(async () => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  const info = await new Promise<RendezvousProcess['info']>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { reject(new Error(`rendezvous did not become ready\n${stderr}`)) }, 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find(l => l.startsWith('{'))
      if (line == null || !out.includes('\n')) return
      clearTimeout(timer)
      resolve(JSON.parse(line))
    })
    void exited.then(code => { clearTimeout(timer); reject(new Error(`rendezvous exited with ${code}\n${stderr}`)) })
  })
  return { child, info, exited }
}
