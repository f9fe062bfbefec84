// The package as an operator gets it: `npm pack` (which builds the compiled JavaScript and the web
// app), a global install of the tarball into a fresh prefix, and `babacloud` run from a directory
// outside the repository. Fails when `files` misses something the node needs at run time, or when
// the packaged web app does not start in a real browser. Packed and installed once for the file.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addContact, createIdentity, messageTexts, openChat, sendMessage } from '../e2e/harness.ts'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { CliTarget, RendezvousProcess } from '../helpers/cli.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
/** Pack (builds dist/) and install: minutes on a busy machine. */
const INSTALL_TIMEOUT = 600_000
const DEADLINE = { timeout: 30_000 }

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

/** Packs the repository and installs the tarball globally into a prefix under `dir`. */
async function packAndInstall (dir: string): Promise<CliTarget> {
  // prepack builds dist/ (compiled JavaScript, web app); the last stdout line is the tarball's name.
  const tarball = join(dir, (await run('npm', ['pack', '--pack-destination', dir], REPO, 240_000)).trim().split('\n').pop() ?? '')
  const prefix = join(dir, 'prefix')
  // From npm's cache when warm (the registry otherwise). Install scripts off: the only one the node
  // needs is better-sqlite3's native build (minutes here), copied below from this checkout instead.
  await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund'], dir, 300_000)
  const installed = join(prefix, 'lib', 'node_modules', 'babacloud-chat')
  expect(existsSync(join(installed, 'node', 'cli.ts'))).toBe(false)
  expect(existsSync(join(installed, 'node_modules', 'tsx'))).toBe(false)
  const native = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')
  mkdirSync(join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true })
  copyFileSync(native, join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
  const elsewhere = join(dir, 'elsewhere')
  mkdirSync(elsewhere)
  return { bin: join(prefix, 'bin', 'babacloud'), cwd: elsewhere }
}

describe('packed and installed package', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  const install = tempDir('babacloud-pack-')
  let target: CliTarget = {}

  beforeAll(async () => { target = await packAndInstall(install.dir) }, INSTALL_TIMEOUT)
  afterAll(() => { install.remove() })
  afterEach(async () => { await cleanup.run() })

  /** The installed `babacloud rendezvous`, with WebSockets for browsers, and device homes beside it. */
  async function startNode (): Promise<{ node: RendezvousProcess, home: (name: string) => string }> {
    const tmp = tempDir('babacloud-installed-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', join(tmp.dir, 'data'), '--listen', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0'], target)
    return { node, home: name => join(tmp.dir, name) }
  }

  /** A device home driven through the installed CLI. */
  function cliPeer (home: string, rendezvous: string): { init: () => Promise<string>, send: (to: string, text: string) => Promise<void>, inbox: () => Promise<Array<{ kind: string, from: string, text: string }>> } {
    const cli = async (args: string[]): Promise<string> => {
      const result = await runCli([...args, '--home', home, '--json'], { ...target, timeout: 60_000 })
      expect(result.code, result.stderr).toBe(0)
      return result.stdout
    }
    return {
      init: async () => JSON.parse(await cli(['init'])).peerId,
      send: async (to, text) => { await cli(['send', '--rendezvous', rendezvous, '--to', to, text]) },
      inbox: async () => (await cli(['inbox', '--rendezvous', rendezvous])).trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l))
    }
  }

  it('serves the web app, /healthz and /metrics and lets two CLI peers chat, from outside the repository', async () => {
    const { node, home } = await startNode()
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

    const tcp = node.info.multiaddrs.find(ma => !ma.includes('/ws')) ?? ''
    const alice = cliPeer(home('alice'), tcp)
    const bob = cliPeer(home('bob'), tcp)
    const aliceId = await alice.init()
    const bobId = await bob.init()
    await alice.send(bobId, 'hello from an installed babacloud')
    expect((await bob.inbox()).map(m => m.text)).toEqual(['hello from an installed babacloud'])
    await bob.send(aliceId, 'and back')
    expect((await alice.inbox()).map(m => m.text)).toEqual(['and back'])
  })

  describeInChromium('the installed node\'s web app in Chromium', () => {
    it('a person in the browser chats with an installed CLI peer', async () => {
      const { node, home } = await startNode()
      const url = node.info.http ?? ''
      const tcp = node.info.multiaddrs.find(ma => !ma.includes('/ws')) ?? ''
      const carol = cliPeer(home('carol'), tcp)
      const carolId = await carol.init()

      const session = await launchBrowser()
      cleanup.add(async () => { await session.close(); await removeDir(session.profileDir) })
      const { page } = session
      await page.goto(url)
      const aliceId = await createIdentity(page)
      await addContact(page, carolId, 'Carol')
      await sendMessage(page, 'hello from the installed web app')

      const received = await waitFor(async () => (await carol.inbox()).find(m => m.kind === 'message'), { what: 'the browser\'s message at the CLI peer', timeout: 60_000 })
      expect(received).toMatchObject({ from: aliceId, text: 'hello from the installed web app' })

      await carol.send(aliceId, 'hello back from the CLI')
      await openChat(page, url, carolId)
      await page.locator('li.in[data-id]').waitFor(DEADLINE)
      expect(await messageTexts(page)).toEqual(['hello from the installed web app', 'hello back from the CLI'])
      expect(session.errors).toEqual([])
    })
  })
})
