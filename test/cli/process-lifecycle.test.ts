// The node as a process: a busy address is one line naming it and what to do, and stopping
// `npm start` by the PID of npm (what a supervisor or `kill` does) stops the node with it.
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { AddressInfo, Server } from 'node:net'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

async function busyPort (cleanup: Cleanup): Promise<number> {
  const server: Server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  cleanup.add(async () => { await new Promise(resolve => server.close(resolve)) })
  return (server.address() as AddressInfo).port
}

async function refused (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('error', () => { resolve(true) })
  })
}

/** Processes whose command line names `marker` (a fresh temp dir): what this test started. */
function processesNaming (marker: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry))
    } catch {}
  }
  return pids
}

describe('rendezvous process', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it.each([
    ['--listen', (port: number) => `/ip4/127.0.0.1/tcp/${port}`, ['--http', 'off', '--metrics', 'off']],
    ['--http', (port: number) => `127.0.0.1:${port}`, ['--listen', '/ip4/127.0.0.1/tcp/0', '--metrics', 'off']],
    ['--metrics', (port: number) => `127.0.0.1:${port}`, ['--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off']]
  ])('reports a busy %s address in one line that names it', async (option, address, rest) => {
    const port = await busyPort(cleanup)
    const tmp = tempDir('babacloud-busy-')
    cleanup.add(tmp.remove)
    const busy = address(port)
    const result = await runCli(['rendezvous', '--data', tmp.dir, option, busy, ...rest])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      `babacloud: cannot listen on ${busy} (${option}): address already in use; stop the process that holds it (\`ss -ltnp\` shows it, often an earlier babacloud still running) or choose another address with ${option} or its key in the config file`
    ])

    const json = await runCli(['rendezvous', '--json', '--data', tmp.dir, option, busy, ...rest])
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'ADDRESS_IN_USE' } })
  })

  it('stops the node when npm start is sent SIGTERM', async () => {
    const tmp = tempDir('babacloud-npm-start-')
    cleanup.add(tmp.remove)
    // Whatever happens, nothing this test started outlives it.
    cleanup.add(() => { for (const pid of processesNaming(tmp.dir)) process.kill(pid, 'SIGKILL') })
    const npm = spawn('npm', ['start', '--', '--data', tmp.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--metrics', 'off', '--json'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<[number | null, string | null]>(resolve => { npm.on('exit', (code, signal) => { resolve([code, signal]) }) })
    let out = ''
    let err = ''
    npm.stdout.on('data', (d: Buffer) => { out += d.toString() })
    npm.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const ready = await waitFor(() => {
      const line = out.split('\n').find(l => l.startsWith('{') && l.endsWith('}'))
      return line == null ? undefined : JSON.parse(line) as { multiaddrs: string[], http: string }
    }, { timeout: 90_000, what: `npm start to print the ready line (stderr: ${err})` })
    const ports = [Number(new URL(ready.http).port), Number(/\/tcp\/(\d+)/.exec(ready.multiaddrs[0])?.[1])]
    for (const port of ports) expect(await refused(port)).toBe(false)
    expect(processesNaming(tmp.dir).length).toBeGreaterThan(0)

    npm.kill('SIGTERM')
    // 'exit', not 'close': an orphaned node would hold npm's stdout open.
    await exited
    for (const port of ports) await waitFor(async () => await refused(port), { timeout: 15_000, what: `port ${port} to be closed after SIGTERM to npm` })
    expect(processesNaming(tmp.dir)).toEqual([])
  })
})
