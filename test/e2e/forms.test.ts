// Forms state their rules before anyone types, repeat them in the error, and drop an error as soon
// as the input changes or the form succeeds: sign-up, add a contact, new group.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { expectAccessible } from './accessibility.ts'
import { createIdentity } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 20_000 }
const RULE = '3 to 32 characters: lowercase letters a–z, digits 0–9 and the underscore (_)'

function yearsAgo (years: number): string {
  const d = new Date()
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d.toISOString().slice(0, 10)
}

describeInChromium('web app: forms say their rules and clear stale errors', () => {
  const { start, browser } = useBrowserScenario()

  it('sign-up, add a contact and new group show the rules, and errors go once the input changes or the form succeeds', async () => {
    const rv = await start()
    const alice = await browser()
    const page = alice.page
    await page.goto(rv.url)
    await createIdentity(page)

    // Sign-up: the rule is there before typing.
    await page.goto(`${rv.url}/#/settings`)
    await page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    expect(await page.getByTestId('username-rule').innerText()).toContain(RULE.slice(1))
    const error = page.getByTestId('account-error')
    const username = page.getByLabel('Username')
    await username.fill('Alice Web')
    await page.getByLabel('Birth date').fill('1990-04-02')
    await page.getByRole('button', { name: 'Sign up' }).click()
    expect(await error.innerText()).toContain(RULE)
    expect(await username.getAttribute('aria-invalid')).toBe('true')
    // Not the browser's bare "Please match the requested format": the field is valid as far as it knows.
    expect(await username.evaluate(el => (el as HTMLInputElement).validationMessage)).toBe('')
    await expectAccessible(page, 'sign-up with an error')
    await username.fill('Alice')
    expect(await error.innerText()).toBe('')
    expect(await username.getAttribute('aria-invalid')).toBe('false')
    await page.getByRole('button', { name: 'Sign up' }).click()
    expect(await error.innerText()).toContain('Use lowercase letters')

    // The node's own refusal goes too once the input changes.
    await username.fill('alice_forms')
    await page.getByLabel('Birth date').fill(yearsAgo(10))
    await page.getByRole('button', { name: 'Sign up' }).click()
    await error.getByText('at least 13 years old').waitFor(DEADLINE)
    await page.getByLabel('Birth date').fill('1990-04-02')
    expect(await error.innerText()).toBe('')
    // And a success leaves no error behind.
    await page.getByLabel('Birth date').fill(yearsAgo(10))
    await page.getByRole('button', { name: 'Sign up' }).click()
    await error.getByText('at least 13 years old').waitFor(DEADLINE)
    await page.getByLabel('Birth date').fill('1990-04-02')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByTestId('account-username').getByText('@alice_forms').waitFor(DEADLINE)
    expect(await error.innerText()).toBe('')

    // Add a contact: the rule under the field, in the error, and the error gone on the next keystroke.
    await page.goto(`${rv.url}/#/`)
    const peer = page.getByLabel('PeerId or invite link, or @username')
    expect(await peer.evaluate(el => el.getAttribute('aria-describedby'))).toContain('contact-peer-rule')
    await page.getByText(`A username starts with @ and has ${RULE}.`).waitFor()
    await peer.fill('@Not Valid')
    await page.getByRole('button', { name: 'Add contact' }).click()
    const addError = page.getByRole('alert').filter({ hasText: 'is not a username' })
    await addError.waitFor(DEADLINE)
    expect(await addError.innerText()).toContain(RULE)
    await peer.press('End')
    await peer.press('Backspace')
    await expect.poll(async () => await addError.count()).toBe(0)

    // New group: the name is required; the message goes when a name is typed.
    await page.getByRole('link', { name: 'New group' }).click()
    await page.getByRole('button', { name: 'Create group' }).click()
    const groupError = page.getByRole('alert').filter({ hasText: 'Give the group a name.' })
    await groupError.waitFor()
    await page.getByLabel('Group name').fill('W')
    await expect.poll(async () => await groupError.count()).toBe(0)

    expect(alice.errors).toEqual([])
  }, 90_000)
})
