// Disappearing messages in real browsers: the timer set in the conversation header reaches the other
// person as a system line (and as their header's setting), and a message sent under it leaves both
// screens, and Bob's store, when it runs out.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 20_000 }
const SCENARIO_TIMEOUT = 120_000

describeInChromium('web app: disappearing messages', () => {
  const { start, browser } = useBrowserScenario()

  it('a timer set in the header shows on both sides, and a message under it disappears from both screens', async () => {
    const rv = await start()
    const alice = await browser()
    const bob = await browser()
    await alice.page.goto(rv.url)
    await bob.page.goto(rv.url)
    const aliceId = await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await openChat(bob.page, rv.url, aliceId)

    await alice.page.getByTestId('timer-select').selectOption('5')
    await alice.page.getByTestId('timer-line').filter({ hasText: 'You set disappearing messages to 5 seconds' }).waitFor(DEADLINE)
    await bob.page.getByTestId('timer-line').filter({ hasText: 'set disappearing messages to 5 seconds' }).waitFor(DEADLINE)
    expect(await bob.page.getByTestId('timer-select').inputValue()).toBe('5')

    await sendMessage(alice.page, 'Vanishing note')
    const atBob = bob.page.locator('li.in[data-id]').filter({ hasText: 'Vanishing note' })
    const atAlice = alice.page.locator('li.out[data-id]').filter({ hasText: 'Vanishing note' })
    await atBob.waitFor(DEADLINE)
    // Five seconds after Alice wrote it, it leaves both screens without a reload.
    await atBob.waitFor({ state: 'detached', ...DEADLINE })
    await atAlice.waitFor({ state: 'detached', ...DEADLINE })
    // The timer lines stay; the message is gone from the store too (a reload does not bring it back).
    expect(await bob.page.getByTestId('timer-line').count()).toBe(1)
    await bob.page.reload()
    await bob.page.getByTestId('timer-line').waitFor(DEADLINE)
    expect(await bob.page.locator('li[data-id]').filter({ hasText: 'Vanishing note' }).count()).toBe(0)
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
