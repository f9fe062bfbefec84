// The package as an operator gets it: `npm pack` (which builds the compiled JavaScript and the web
// app), a global install of the tarball into a fresh prefix, and `babacloud` run from a directory
// outside the repository. Fails when `files` misses something the node needs at run time.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

async function run (file: string, args: string[], cwd: string, timeout: number): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${file} ${args.join(' ')}: no end in ${timeout} ms\n${err}`)) }, timeout)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code}\n${err}`))
    })
  })
}

describe('packed and installed package', { timeout: 600_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('serves the web app, /healthz and /metrics and lets two CLI peers chat, from outside the repository', async () => {
    const tmp = tempDir('babacloud-pack-')
    cleanup.add(tmp.remove)
    // prepack builds dist/ (compiled JavaScript, web app); the last stdout line is the tarball's name.
    const tarball = join(tmp.dir, (await run('npm', ['pack', '--pack-destination', tmp.dir], REPO, 240_000)).trim().split('\n').pop() ?? '')
    const prefix = join(tmp.dir, 'prefix')
    // From npm's cache when warm (the registry otherwise). Install scripts off: the only one the node
    // needs is better-sqlite3's native build (minutes here), copied below from this checkout instead.
    await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund'], tmp.dir, 300_000)
    const installed = join(prefix, 'lib', 'node_modules', 'babacloud-chat')
    expect(existsSync(join(installed, 'node', 'cli.ts'))).toBe(false)
    expect(existsSync(join(installed, 'node_modules', 'tsx'))).toBe(false)
    const native = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')
    mkdirSync(join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true })
    copyFileSync(native, join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))

    const elsewhere = join(tmp.dir, 'elsewhere')
    mkdirSync(elsewhere)
    const target = { bin: join(prefix, 'bin', 'babacloud'), cwd: elsewhere }
    const node = await startRendezvousProcess(cleanup, ['--data', join(tmp.dir, 'data'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'], target)
    const http = node.info.http ?? ''
    expect(await (await fetch(`${http}/healthz`)).json()).toMatchObject({ status: 'ok', peerId: node.info.peerId })
    const index = await (await fetch(`${http}/`)).text()
    const script = /<script type="module"[^>]* src="([^"]+\.js)"/.exec(index)?.[1]
    expect(script).toBeDefined()
    const app = await fetch(`${http}${script ?? ''}`)
    expect(app.status).toBe(200)
    expect(app.headers.get('content-type')).toMatch(/javascript/)
    expect((await app.text()).length).toBeGreaterThan(100_000)
    const metrics = await fetch(`${http}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('babacloud_connections')

    const rv = node.info.multiaddrs[0]
    const init = async (name: string): Promise<string> => JSON.parse((await runCli(['init', '--home', join(tmp.dir, name), '--json'], target)).stdout).peerId
    const alice = await init('alice')
    const bob = await init('bob')
    const send = async (from: string, to: string, text: string): Promise<void> => {
      const sent = await runCli(['send', '--home', join(tmp.dir, from), '--rendezvous', rv, '--to', to, '--json', text], target)
      expect(sent.code, sent.stderr).toBe(0)
    }
    const inbox = async (who: string): Promise<string[]> => {
      const result = await runCli(['inbox', '--home', join(tmp.dir, who), '--rendezvous', rv, '--json'], target)
      expect(result.code, result.stderr).toBe(0)
      return result.stdout.trim().split('\n').map(l => JSON.parse(l).text)
    }
    await send('alice', bob, 'hello from an installed babacloud')
    expect(await inbox('bob')).toEqual(['hello from an installed babacloud'])
    await send('bob', alice, 'and back')
    expect(await inbox('alice')).toEqual(['and back'])
  })
})
