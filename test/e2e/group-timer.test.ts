// Disappearing messages in a group, set from the group header as in a 1:1 conversation: every member
// sees the system line and the setting in their own header.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { expectAccessible } from './accessibility.ts'
import { addContact, openChat, sendMessage } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 30_000 }

describeInChromium('web app: disappearing messages in a group header', () => {
  const { twoPeople } = useBrowserScenario()

  it('a member sets the group timer in its header; the other member sees the line and the setting', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'Hi Bob')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)

    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.getByRole('link', { name: 'New group' }).click()
    await alice.page.getByLabel('Group name').fill('Quiet room')
    await alice.page.getByLabel('Bob').check()
    await alice.page.getByRole('button', { name: 'Create group' }).click()
    await alice.page.getByRole('heading', { name: 'Quiet room' }).waitFor(DEADLINE)
    const groupId = decodeURIComponent(new URL(alice.page.url()).hash.split('/')[2])
    expect(await alice.page.getByTestId('timer-select').inputValue()).toBe('0')

    await alice.page.getByTestId('timer-select').selectOption('3600')
    await alice.page.getByTestId('timer-line').filter({ hasText: 'You set disappearing messages to 1 hour' }).waitFor(DEADLINE)
    await expect.poll(async () => await alice.page.getByTestId('timer-select').inputValue(), DEADLINE).toBe('3600')
    await expectAccessible(alice.page, 'group with timer')

    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator(`[data-testid="group-list"] a[data-group="${groupId}"]`).click(DEADLINE)
    await bob.page.getByTestId('timer-line').filter({ hasText: 'set disappearing messages to 1 hour' }).waitFor(DEADLINE)
    await expect.poll(async () => await bob.page.getByTestId('timer-select').inputValue(), DEADLINE).toBe('3600')
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, 120_000)
})
