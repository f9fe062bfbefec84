// When WebRTC cannot be set up (here: one browser's WebRTC is broken), a chat falls back to the
// relayed connection through the rendezvous, and still delivers live.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, launchBrowser, removeDir, reportMissingChromium } from '../helpers/browser.ts'
import { addContact, buildWebApp, createIdentity, disposeWebApp, messageTexts, openChat, sendMessage, startRendezvous } from './harness.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { RunningRendezvous } from './harness.ts'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 120_000

// Without Chromium the tests below are skipped and say why (in CI that is an error).
reportMissingChromium()

describe.runIf(hasChromium)('web app: fallback when WebRTC fails', () => {
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

  it('delivers over the relayed connection when the WebRTC dial fails', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    dirs.push(dataDir)
    rendezvous = await startRendezvous(dataDir, webRoot)
    const alice = await launchBrowser()
    const bob = await launchBrowser()
    sessions.push(alice, bob)
    dirs.push(alice.profileDir, bob.profileDir)
    // Bob's browser cannot create peer connections, so every WebRTC dial to him fails.
    await bob.context.addInitScript(() => {
      globalThis.RTCPeerConnection = class {
        constructor () { throw new DOMException('WebRTC is switched off in this test', 'NotSupportedError') }
      } as unknown as typeof RTCPeerConnection
    })
    await alice.page.goto(rendezvous.url)
    await bob.page.goto(rendezvous.url)
    const aliceId = await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)

    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'no WebRTC today')
    const sent = alice.page.locator('li.out[data-status="delivered"]')
    await sent.waitFor(DEADLINE)
    expect(await sent.getAttribute('data-path')).toBe('relayed')
    await openChat(bob.page, rendezvous.url, aliceId)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)
    expect(await messageTexts(bob.page)).toEqual(['no WebRTC today'])
    expect(await bob.page.locator('li.in[data-id]').getAttribute('data-path')).toBe('relayed')
    expect(alice.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
