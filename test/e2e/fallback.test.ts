// When WebRTC cannot be set up (here: one browser's WebRTC is broken), a chat falls back to the
// relayed connection through the rendezvous, and still delivers live.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity, messageTexts, openChat, sendMessage } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 120_000


describeInChromium('web app: fallback when WebRTC fails', () => {
  const { start, browser } = useBrowserScenario()

  it('delivers over the relayed connection when the WebRTC dial fails', async () => {
    const rendezvous = await start()
    const alice = await browser()
    const bob = await browser()
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
