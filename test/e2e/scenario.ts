// The lifecycle every browser scenario shares: the web app built once per file, a fresh rendezvous
// and fresh browser profiles per test, and everything stopped and removed after each test.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { launchBrowser, removeDir } from '../helpers/browser.ts'
import { buildWebApp, createIdentity, disposeWebApp, startRendezvous } from './harness.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { RunningRendezvous } from './harness.ts'

export interface BrowserScenario {
  /** A rendezvous node in a fresh data directory, serving the built web app; `config` as in its file. */
  start: (config?: Record<string, unknown>) => Promise<RunningRendezvous>
  /** A Chromium with a fresh profile, or with `profileDir` (kept, e.g. to reopen it later). */
  browser: (profileDir?: string) => Promise<BrowserSession>
  /** A rendezvous and two people, Alice and Bob, each with a new identity in the web app. */
  twoPeople: () => Promise<TwoPeople>
}

export interface TwoPeople {
  rv: RunningRendezvous
  alice: BrowserSession
  bob: BrowserSession
  aliceId: string
  bobId: string
}

/** Call inside a `describe`: registers the hooks and returns the two factories. */
export function useBrowserScenario (): BrowserScenario {
  let webRoot: string
  let rendezvous: RunningRendezvous | undefined
  const sessions: BrowserSession[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    webRoot = await buildWebApp()
  })

  afterAll(async () => {
    await disposeWebApp()
  })

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map(async s => { await s.close() }))
    await rendezvous?.node.stop()
    rendezvous = undefined
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  const start = async (config?: Record<string, unknown>): Promise<RunningRendezvous> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    dirs.push(dataDir)
    rendezvous = await startRendezvous(dataDir, webRoot, undefined, config)
    return rendezvous
  }
  const browser = async (profileDir?: string): Promise<BrowserSession> => {
    const session = await launchBrowser({ profileDir })
    sessions.push(session)
    if (profileDir == null) dirs.push(session.profileDir)
    return session
  }
  const twoPeople = async (): Promise<TwoPeople> => {
    const rv = await start()
    const alice = await browser()
    const bob = await browser()
    await alice.page.goto(rv.url)
    await bob.page.goto(rv.url)
    const aliceId = await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    return { rv, alice, bob, aliceId, bobId }
  }
  return { start, browser, twoPeople }
}
