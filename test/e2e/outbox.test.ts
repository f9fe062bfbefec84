// The outbox: messages written while the rendezvous is down wait on the device (across a reload)
// and leave by themselves when it is back.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { ARRIVED, addContact, boundAddresses, buildWebApp, createIdentity, disposeWebApp, messageItems, messageTexts, closeTabThenBrowser, openChat, sendMessage, startRendezvous } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { RunningRendezvous } from './harness.ts'

const DEADLINE = { timeout: 20_000 }
/** Whole scenarios: several browsers and node restarts on a possibly busy machine. */
const SCENARIO_TIMEOUT = 120_000

/** What Chromium itself logs while the node is down; anything else is the app's fault. */
const EXPECTED_WHILE_DOWN = /WebSocket connection to .* failed|Failed to load resource/


describeInChromium('web app: outbox', () => {
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

  async function browser (profileDir?: string): Promise<BrowserSession> {
    const session = await launchBrowser({ profileDir })
    sessions.push(session)
    if (profileDir == null) dirs.push(session.profileDir)
    return session
  }


  afterEach(async () => {
    await Promise.all(sessions.splice(0).map(async s => { await s.close() }))
    await rendezvous?.node.stop()
    rendezvous = undefined
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('sends what was written while the rendezvous was down once it is back, also after a reload', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    dirs.push(dataDir)
    rendezvous = await startRendezvous(dataDir, webRoot)
    const at = boundAddresses(rendezvous)
    const url = rendezvous.url

    const alice = await browser()
    await alice.page.goto(url)
    const aliceId = await createIdentity(alice.page)
    await closeTabThenBrowser(alice)

    const bob = await browser()
    await bob.page.goto(url)
    await createIdentity(bob.page)
    await addContact(bob.page, aliceId, 'Alice')
    const connection = bob.page.getByTestId('connection')
    await bob.page.locator('[data-testid="connection"][data-rendezvous="online"]').waitFor(DEADLINE)

    // 1. The node goes down with the page open: the message waits in the outbox.
    await rendezvous.node.stop()
    rendezvous = undefined
    await bob.page.locator('[data-testid="connection"][data-rendezvous="offline"]').waitFor(DEADLINE)
    expect(await connection.innerText()).toContain('Offline')
    await sendMessage(bob.page, 'written while the node was down')
    await bob.page.locator('li.out[data-status="queued"]').waitFor(DEADLINE)
    expect(await bob.page.getByTestId('outbox').getAttribute('data-count')).toBe('1')
    expect(await bob.page.locator('li.out .status').innerText()).toBe('Waiting in outbox')
    await screenshotBothWidths(bob.page, 'conversation-offline-outbox')

    // Back on the same data dir and ports: the app reconnects and the outbox empties itself.
    rendezvous = await startRendezvous(dataDir, webRoot, at)
    await bob.page.locator('li.out[data-status="stored"]').waitFor(DEADLINE)
    await bob.page.getByTestId('outbox').waitFor({ state: 'detached', ...DEADLINE })
    expect(await messageItems(bob.page).count()).toBe(1)

    // 2. Down again; this time Bob's browser closes before the node returns.
    await rendezvous.node.stop()
    rendezvous = undefined
    await bob.page.locator('[data-testid="connection"][data-rendezvous="offline"]').waitFor(DEADLINE)
    await sendMessage(bob.page, 'and this one survives a reload')
    await bob.page.locator('li.out[data-status="queued"]').waitFor(DEADLINE)
    const bobErrors = bob.errors.filter(e => !EXPECTED_WHILE_DOWN.test(e))
    await closeTabThenBrowser(bob)
    rendezvous = await startRendezvous(dataDir, webRoot, at)
    const bobAgain = await browser(bob.profileDir)
    await openChat(bobAgain.page, url, aliceId)
    await expect.poll(async () => await bobAgain.page.locator('li.out[data-status="stored"]').count(), DEADLINE).toBe(2)
    expect(await bobAgain.page.getByTestId('outbox').count()).toBe(0)

    // Alice comes back and finds both, once each, in order.
    const aliceAgain = await browser(alice.profileDir)
    await aliceAgain.page.goto(url)
    await aliceAgain.page.locator('[data-testid="contact-list"] a').first().click()
    await expect.poll(async () => await messageItems(aliceAgain.page).count(), DEADLINE).toBe(2)
    expect(await messageTexts(aliceAgain.page)).toEqual(['written while the node was down', 'and this one survives a reload'])

    // Bob's reopened app gets its relay reservation on the restarted node: Alice's reply goes live.
    await bobAgain.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await sendMessage(aliceAgain.page, 'got both')
    await aliceAgain.page.locator(`li.out${ARRIVED}`).waitFor(DEADLINE)
    await bobAgain.page.locator('li.in[data-id]').waitFor(DEADLINE)
    expect(await messageTexts(bobAgain.page)).toEqual(['written while the node was down', 'and this one survives a reload', 'got both'])

    expect(bobErrors).toEqual([])
    expect(bobAgain.errors).toEqual([])
    expect(aliceAgain.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
