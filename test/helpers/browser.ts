// Real Chromium for browser tests: Debian's `chromium` package driven by playwright-core, never a
// downloaded browser. One persistent context per profile directory, so a reopened profile keeps its
// IndexedDB (identity, history, outbox) like a person's browser does.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { describe, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'

/** Debian's package; BABACLOUD_CHROMIUM points elsewhere (or at nothing, to see the skip). */
export const CHROMIUM_PATH = process.env.BABACLOUD_CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export const hasChromium = existsSync(CHROMIUM_PATH)

/** The one command that brings what is missing. */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium'

export const CHROMIUM_MISSING = `Chromium is not installed at ${CHROMIUM_PATH}; install it with \`${CHROMIUM_INSTALL}\``

/**
 * `describe` for tests that drive a real Chromium. Without one they are reported as skipped with
 * the reason and the command that brings it (a note on a skipped test, and a line on stderr); on
 * CI (`CI=true`, where .ci/run installs Chromium) a missing Chromium fails the file instead.
 */
export function describeInChromium (name: string, fn: () => void): void {
  if (hasChromium) {
    describe(name, fn)
    return
  }
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM_MISSING} (CI must run the browser tests)`)
  console.warn(`SKIPPED "${name}": ${CHROMIUM_MISSING}`)
  describe(name, () => {
    it('runs in Chromium', ctx => { ctx.skip(CHROMIUM_MISSING) })
    describe.skip('in Chromium', fn)
  })
}

export async function makeProfileDir (prefix = 'babacloud-chromium-'): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix))
}

export interface BrowserSession {
  context: BrowserContext
  page: Page
  profileDir: string
  /** Page errors and console errors seen so far: the app must produce none. */
  errors: string[]
  close(): Promise<void>
}

export interface LaunchOptions {
  /** Reuse a profile (same IndexedDB); a fresh temp dir by default. */
  profileDir?: string
  viewport?: { width: number, height: number }
  /** More Chromium flags, e.g. to trust a test certificate. */
  extraArgs?: string[]
}

export async function launchBrowser (options: LaunchOptions = {}): Promise<BrowserSession> {
  if (!hasChromium) throw new Error(CHROMIUM_MISSING)
  const profileDir = options.profileDir ?? await makeProfileDir()
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    viewport: options.viewport ?? { width: 1200, height: 800 },
    acceptDownloads: true
  })
  const page = context.pages()[0] ?? await context.newPage()
  const errors: string[] = []
  page.on('pageerror', err => { errors.push(`pageerror: ${err.message}`) })
  page.on('console', msg => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`) })
  let closed = false
  return {
    context,
    page,
    profileDir,
    errors,
    async close () {
      if (closed) return
      closed = true
      await context.close().catch(() => {})
    }
  }
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
}
