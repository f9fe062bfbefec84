// Installable and offline: the built app ships a manifest and a service worker, so a browser that
// opened it once opens it again while its node is down, shows what it has, and queues what is written.
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { SERVICE_WORKER, precacheManifest } from '../../web/pwa/build-plugin.ts'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { ARRIVED, addContact, boundAddresses, buildWebApp, createIdentity, disposeWebApp, messageTexts, sendMessage, startRendezvous } from './harness.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { Page } from 'playwright-core'
import type { RunningRendezvous } from './harness.ts'

const DEADLINE = { timeout: 20_000 }
const SCENARIO_TIMEOUT = 120_000
/** What Chromium itself logs while the node is down; anything else is the app's fault. */
const EXPECTED_WHILE_DOWN = /WebSocket connection to .* failed|Failed to load resource|net::ERR_CONNECTION_REFUSED/

/** The app-shell caches the page's origin holds. */
async function shellCaches (page: Page): Promise<string[]> {
  return await page.evaluate(async () => (await caches.keys()).filter(k => k.startsWith('babacloud-shell-')))
}

/**
 * A copy of `webRoot` as the next build would be: index.html changed, and sw.js listing the same
 * files under the version the build computes for them.
 */
async function nextBuild (webRoot: string, dir: string): Promise<string> {
  await cp(webRoot, dir, { recursive: true })
  await writeFile(join(dir, 'index.html'), (await readFile(join(dir, 'index.html'), 'utf8')) + '<!-- next build -->\n')
  const files = new Map<string, Uint8Array>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files.set(path.slice(dir.length + 1), await readFile(path))
  }
  const manifest = precacheManifest(files)
  const sw = await readFile(join(dir, SERVICE_WORKER), 'utf8')
  await writeFile(join(dir, SERVICE_WORKER), sw.replace(/^const PRECACHE = .*;$/m, `const PRECACHE = ${JSON.stringify(manifest)};`))
  return manifest.version
}

describeInChromium('web app: installable and opening offline', () => {
  let webRoot: string
  let rendezvous: RunningRendezvous | undefined
  const sessions: BrowserSession[] = []
  const dirs: string[] = []

  beforeAll(async () => { webRoot = await buildWebApp() })
  afterAll(async () => { await disposeWebApp() })
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map(async s => { await s.close() }))
    await rendezvous?.node.stop()
    rendezvous = undefined
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  async function browser (): Promise<BrowserSession> {
    const session = await launchBrowser()
    sessions.push(session)
    dirs.push(session.profileDir)
    return session
  }

  it('opens from the service worker with the node down, queues a message, and sends it when the node is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    dirs.push(dataDir)
    rendezvous = await startRendezvous(dataDir, webRoot)
    const at = boundAddresses(rendezvous)
    const url = rendezvous.url

    const alice = await browser()
    await alice.page.goto(url)
    const aliceId = await createIdentity(alice.page)
    const bob = await browser()
    await bob.page.goto(url)
    await createIdentity(bob.page)

    // What makes it installable: a manifest with a name, icons and standalone display.
    const manifest = await bob.page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')
      return link == null ? undefined : await (await fetch(link.href)).json() as { name: string, display: string, icons: Array<{ src: string, type: string }> }
    })
    expect(manifest?.name).toBe('BabaCloud Chat')
    expect(manifest?.display).toBe('standalone')
    expect(manifest?.icons.map(i => i.type)).toEqual(expect.arrayContaining(['image/svg+xml', 'image/png']))
    for (const icon of manifest?.icons ?? []) expect((await bob.page.request.get(new URL(icon.src, url).href)).ok()).toBe(true)

    await addContact(bob.page, aliceId, 'Alice')
    await sendMessage(bob.page, 'sent while the node was up')
    await bob.page.locator(`li.out${ARRIVED}`).waitFor(DEADLINE)
    // The worker controls the page once it has the app shell.
    await bob.page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, DEADLINE)
    // One cache, named by this build's version (a new build brings a new one and drops this one),
    // holding every file the build lists.
    const shell = await bob.page.evaluate(async () => {
      const sw = await (await fetch('/sw.js')).text()
      const precache = JSON.parse(/const PRECACHE = (\{.*?\});/.exec(sw)?.[1] ?? '{}') as { version: string, files: string[] }
      const cached = await (await caches.open(`babacloud-shell-${precache.version}`)).keys()
      return { precache, names: await caches.keys(), cached: cached.map(r => new URL(r.url).pathname.slice(1)).sort() }
    })
    expect(shell.names).toEqual([`babacloud-shell-${shell.precache.version}`])
    expect(shell.cached).toEqual([...shell.precache.files].sort())
    expect(shell.cached).toEqual(expect.arrayContaining(['index.html', 'manifest.webmanifest', 'icon-192.png']))

    await rendezvous.node.stop()
    rendezvous = undefined
    await alice.close()
    // Nothing answers on the node's port now: only the worker can open the app.
    expect(await bob.page.request.get(url).then(() => 'answered', () => 'refused')).toBe('refused')
    await bob.page.reload()
    await bob.page.locator('[data-testid="connection"][data-rendezvous="offline"]').waitFor(DEADLINE)
    expect(await bob.page.getByTestId('connection').innerText()).toContain('Offline')
    await bob.page.goto(`${url}/#/`)
    await bob.page.locator('[data-testid="contact-list"]').getByText('Alice').click()
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor()
    expect(await messageTexts(bob.page)).toEqual(['sent while the node was up'])

    await sendMessage(bob.page, 'written with the node down')
    await bob.page.locator('li.out[data-status="queued"]').waitFor(DEADLINE)
    expect(await bob.page.getByTestId('outbox').getAttribute('data-count')).toBe('1')

    rendezvous = await startRendezvous(dataDir, webRoot, at)
    await bob.page.locator('li.out[data-status="queued"]').waitFor({ state: 'detached', ...DEADLINE })
    await bob.page.getByTestId('outbox').waitFor({ state: 'detached', ...DEADLINE })
    expect(await bob.page.locator('li.out[data-status="stored"], li.out' + ARRIVED).count()).toBe(2)
    expect(bob.errors.filter(e => !EXPECTED_WHILE_DOWN.test(e))).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('replaces the cached app with a new build once the page reaches the node again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    const nextRoot = await mkdtemp(join(tmpdir(), 'babacloud-web-next-'))
    dirs.push(dataDir, nextRoot)
    rendezvous = await startRendezvous(dataDir, webRoot)
    const at = boundAddresses(rendezvous)
    const { page } = await browser()
    await page.goto(rendezvous.url)
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, DEADLINE)
    const [first] = await shellCaches(page)
    expect(first).toMatch(/^babacloud-shell-[0-9a-f]{16}$/)

    const version = await nextBuild(webRoot, nextRoot)
    expect(`babacloud-shell-${version}`).not.toBe(first)
    await rendezvous.node.stop()
    rendezvous = await startRendezvous(dataDir, nextRoot, at)
    await page.reload()
    // The new worker installs the new files and drops the old cache: one build kept, never two.
    await expect.poll(async () => await shellCaches(page), DEADLINE).toEqual([`babacloud-shell-${version}`])
    const cached = await page.evaluate(async v => await (await (await caches.open(`babacloud-shell-${v}`)).match('/index.html'))?.text(), version)
    expect(cached).toContain('<!-- next build -->')
  }, SCENARIO_TIMEOUT)
})
