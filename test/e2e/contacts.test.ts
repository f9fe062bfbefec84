// Adding contacts in real browsers: by @username (resolved at the node, as the CLI does), with the
// username rule stated beside the field and a stale error cleared as soon as the input changes; and
// from an invite link, with one question ("Add @name?") and one button, nothing to retype.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 30_000 }

describeInChromium('web app: adding contacts by @username and invite link', () => {
  const { browser, twoPeople } = useBrowserScenario()

  it('adds @username after a stale error clears, and an invite link with one confirmation', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()

    // Alice signs up as @alice_web; her invite link now names her.
    await alice.page.goto(`${rv.url}/#/settings`)
    await alice.page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    await alice.page.getByLabel('Username').fill('alice_web')
    await alice.page.getByLabel('Birth date').fill('1990-04-02')
    await alice.page.getByRole('button', { name: 'Sign up' }).click()
    await alice.page.getByTestId('account-username').getByText('@alice_web').waitFor(DEADLINE)
    await expect.poll(async () => await alice.page.getByTestId('invite-link').inputValue()).toBe(`${rv.url}/#/invite/${aliceId}/%40alice_web`)
    const invite = await alice.page.getByTestId('invite-link').inputValue()

    // Bob: the rule is stated next to the field; a bad username says it; typing clears it.
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    const field = bob.page.getByLabel('PeerId or invite link, or @username')
    expect(await bob.page.locator('#contact-peer-rule', { hasText: '3 to 32 characters' }).count()).toBe(1)
    const error = bob.page.locator('#add-error')
    await field.fill('@Alice Web')
    await bob.page.getByRole('button', { name: 'Add contact' }).click()
    await error.getByText('is not a username').waitFor(DEADLINE)
    await field.fill('@nobody_here')
    expect(await error.innerText()).toBe('')
    await bob.page.getByRole('button', { name: 'Add contact' }).click()
    await error.getByText('Nobody is called @nobody_here').waitFor(DEADLINE)
    await field.fill('@alice_web')
    expect(await error.innerText()).toBe('')
    await bob.page.getByRole('button', { name: 'Add contact' }).click()
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor(DEADLINE)
    expect(new URL(bob.page.url()).hash).toBe(`#/chat/${aliceId}`)
    await bob.page.getByRole('heading', { name: '@alice_web', exact: true }).waitFor()

    // Alice opens Bob's invite link: one question, one button, and the conversation is open.
    await alice.page.goto(`${rv.url}/#/invite/${bobId}`)
    await alice.page.getByRole('heading', { name: 'Add this contact?' }).waitFor(DEADLINE)
    await alice.page.getByRole('button', { name: 'Add this contact' }).click()
    await alice.page.getByRole('textbox', { name: 'Message' }).waitFor(DEADLINE)
    expect(new URL(alice.page.url()).hash).toBe(`#/chat/${bobId}`)

    // A third person opening Alice's named invite is asked "Add @alice_web?".
    const carol = await browser()
    await carol.page.goto(invite)
    await carol.page.getByRole('button', { name: 'Create my identity' }).click()
    await carol.page.getByRole('heading', { name: 'Add @alice_web?' }).waitFor(DEADLINE)
    // The one button has the focus: Enter adds.
    await expect.poll(async () => await carol.page.getByRole('button', { name: 'Add @alice_web' }).evaluate(el => el.matches(':focus'))).toBe(true)
    await screenshotBothWidths(carol.page, 'invite-confirm')
    await carol.page.getByRole('button', { name: 'Add @alice_web' }).click()
    await carol.page.getByRole('textbox', { name: 'Message' }).waitFor(DEADLINE)
    await carol.page.getByRole('heading', { name: '@alice_web', exact: true }).waitFor()
    expect(new URL(carol.page.url()).hash).toBe(`#/chat/${aliceId}`)
    for (const s of [alice, bob, carol]) expect(s.errors).toEqual([])
  }, 120_000)
})
