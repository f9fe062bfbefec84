// A sent message's life on the sender's screen, in real Chromium: waiting at the node for more than
// a day raises a banner over the conversation (the browser's clock is moved forward, no waiting),
// and the message's details show delivered/read per recipient device and the node's purge receipt.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { expectAccessible } from './accessibility.ts'
import { addContact, openChat, sendMessage } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 30_000 }
const DAY_MS = 24 * 60 * 60_000

/** A PeerId as the app shortens it. */
function shortPeerId (peerId: string): string {
  return `${peerId.slice(0, 8)}…${peerId.slice(-6)}`
}

describeInChromium('web app: stuck messages and per-device state', () => {
  const { twoPeople } = useBrowserScenario()

  it('messages stored past a day raise a dismissable banner; once Bob is back it goes, and the details name his device', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')
    // Bob closes the app: what Alice sends now waits at the node.
    await bob.page.goto('about:blank')
    await sendMessage(alice.page, 'Are you there?')
    await sendMessage(alice.page, 'Call me back')
    const stored = alice.page.locator('li.out[data-status="stored"]')
    await expect.poll(async () => await stored.count(), DEADLINE).toBe(2)
    const banner = alice.page.getByTestId('stuck-banner')
    expect(await banner.count()).toBe(0)

    // A day and an hour later (the browser's clock, not a wait): the banner says what happened.
    await alice.page.clock.setFixedTime(Date.now() + DAY_MS + 60 * 60_000)
    await alice.page.reload()
    await banner.waitFor(DEADLINE)
    const text = await banner.innerText()
    expect(text).toContain('2 messages have waited on the node since')
    expect(text).toContain('Bob has not come online to receive them')
    await expectAccessible(alice.page, 'conversation with stuck banner', { bothSchemes: true })
    await banner.getByRole('button', { name: 'Dismiss' }).click()
    await banner.waitFor({ state: 'detached', ...DEADLINE })
    await alice.page.clock.setFixedTime(Date.now())

    // Bob comes back and reads them: the banner has no reason to return, and each message's
    // details name Bob's device and the node's receipt for its copy.
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').filter({ hasText: 'Call me back' }).waitFor(DEADLINE)
    const last = alice.page.locator('li.out[data-id]').filter({ hasText: 'Call me back' }).getByTestId('message-status')
    await expect.poll(async () => await last.getAttribute('data-devices'), DEADLINE).toContain(`Read on device ${shortPeerId(bobId)}`)
    await expect.poll(async () => await last.getAttribute('data-devices'), DEADLINE).toContain(`Removed from the node for device ${shortPeerId(bobId)}`)
    expect(await last.getAttribute('title')).toContain(`Read on device ${shortPeerId(bobId)}`)
    await alice.page.reload()
    await alice.page.locator('li.out[data-id]').first().waitFor(DEADLINE)
    expect(await alice.page.locator('li.out[data-id]').filter({ hasText: 'Call me back' }).getByTestId('message-status').getAttribute('data-devices'))
      .toContain(`Read on device ${shortPeerId(bobId)}`)
    expect(await banner.count()).toBe(0)
    expect(alice.errors).toEqual([])
  }, 120_000)
})
