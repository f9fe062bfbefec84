// Shared pieces of the browser end-to-end tests: the web build of this test run, an in-process
// rendezvous node serving it, and the UI steps the scenarios share.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { build } from 'vite'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import type { RendezvousInfo } from '../../rendezvous/rendezvous-node.ts'
import type { Page } from 'playwright-core'
import type { BrowserSession } from '../helpers/browser.ts'

const ROOT = resolve(import.meta.dirname, '../..')
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots')

let built: Promise<string> | undefined
/** The web app test/global-setup.ts built for this whole run; each test file only reads it. */
const SHARED = join(ROOT, '.test-dist', 'web')

/** The web app for this run, or, outside one (no shared build), built once per test process into a temp dir. */
export async function buildWebApp (): Promise<string> {
  if (existsSync(join(SHARED, 'index.html'))) return SHARED
  built ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'babacloud-web-'))
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
    return outDir
  })()
  return await built
}

/** Removes this process's build (call from afterAll). */
export async function disposeWebApp (): Promise<void> {
  const dir = await built?.catch(() => undefined)
  built = undefined
  if (dir != null) await rm(dir, { recursive: true, force: true })
}

export interface RunningRendezvous {
  node: RendezvousNode
  info: RendezvousInfo
  url: string
}

/**
 * Starts a rendezvous on loopback. Without `listen`/`http` the ports are picked by the OS; pass a
 * previous run's addresses to restart it on the same ports. `raw`: more config keys, as in a file.
 */
export async function startRendezvous (dataDir: string, webRoot: string, at?: { listen: string[], http: string }, raw: Record<string, unknown> = {}): Promise<RunningRendezvous> {
  const config = resolveConfig({
    ...raw,
    listen: at?.listen ?? ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
    http: at?.http ?? '127.0.0.1:0'
  })
  const node = new RendezvousNode({ dataDir, config, webRoot })
  const info = await node.start()
  if (info.http == null) throw new Error('rendezvous started without HTTP')
  return { node, info, url: info.http }
}

/** The addresses a running rendezvous actually bound, to restart it on the same ports. */
export function boundAddresses (r: RunningRendezvous): { listen: string[], http: string } {
  const listen = r.info.multiaddrs.map(ma => ma.replace(/\/p2p\/[^/]+$/, ''))
  return { listen, http: r.url.replace(/^http:\/\//, '') }
}

/** First run: creates the identity and returns the PeerId the page shows. */
export async function createIdentity (page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create my identity' }).click()
  const peerId = page.getByTestId('own-peer-id')
  await peerId.waitFor()
  return await peerId.inputValue()
}

/** This device's PeerId, as Settings shows it. */
export async function ownPeerId (page: Page): Promise<string> {
  const back = page.url()
  await page.goto(new URL('#/settings', page.url()).toString())
  const peerId = page.getByTestId('own-peer-id')
  await peerId.waitFor()
  const value = await peerId.inputValue()
  await page.goto(back)
  return value
}

export async function addContact (page: Page, peerIdOrInvite: string, nickname: string): Promise<void> {
  await page.goto(new URL('#/', page.url()).toString())
  await page.getByLabel('PeerId or invite link').fill(peerIdOrInvite)
  await page.getByLabel('Nickname').fill(nickname)
  await page.getByRole('button', { name: 'Add contact' }).click()
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

export async function openChat (page: Page, appUrl: string, peerId: string): Promise<void> {
  await page.goto(`${appUrl}/#/chat/${peerId}`)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

/** Types a message and presses Enter, the way people send. */
export async function sendMessage (page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

/** An own message the recipient has: delivered, or read already when their screen showed it. */
export const ARRIVED = ':is([data-status="delivered"], [data-status="read"])'

export function messageItems (page: Page): ReturnType<Page['locator']> {
  return page.locator('[data-testid="messages"] li[data-id]')
}

export async function messageTexts (page: Page): Promise<string[]> {
  return await page.locator('[data-testid="messages"] li[data-id] .text').allInnerTexts()
}

export interface DroppedAcks {
  /** Hex ids of every deposit `sender` made to the store while the hook was on, in order (retries too). */
  attempts: string[]
}

/**
 * Test-only fault on a running rendezvous: the first `count` deposits by `sender` are committed and
 * then their ack is lost (the sender's connections are aborted before the answer is written), so the
 * sender cannot tell stored from lost and must retry. Wraps the store's `deposit` on this instance.
 */
export function dropDepositAcks (rv: RunningRendezvous, sender: string, count = 1): DroppedAcks {
  const store = rv.node.store
  const deposit = store.deposit.bind(store)
  const result: DroppedAcks = { attempts: [] }
  let left = count
  store.deposit = async (envelope, limits, now) => {
    if (envelope.sender !== sender) return await deposit(envelope, limits, now)
    result.attempts.push(Buffer.from(envelope.id).toString('hex'))
    const stored = await deposit(envelope, limits, now)
    if (left > 0) {
      left--
      for (const connection of rv.node.node.getConnections(peerIdFromString(sender))) connection.abort(new Error('test: deposit ack dropped after commit'))
    }
    return stored
  }
  return result
}

/**
 * The person closes the tab, then the browser. Playwright's close with unload handlers does not wait
 * for them: waiting for the page's close event lets the app's pagehide handler end its connections, as
 * it does when a person closes a tab, instead of racing the browser's exit.
 */
export async function closeTabThenBrowser (session: BrowserSession): Promise<void> {
  const closed = session.page.waitForEvent('close')
  await session.page.close({ runBeforeUnload: true })
  await closed
  await session.close()
}
