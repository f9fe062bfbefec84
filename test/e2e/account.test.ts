// Settings in a real Chromium: the account at the rendezvous node (sign up with the node's under-13
// refusal, plan, export, delete) and the privacy-policy notice until "I have read it".
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { createIdentity } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 20_000 }


function yearsAgo (years: number): string {
  const d = new Date()
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d.toISOString().slice(0, 10)
}

describeInChromium('web app: account and privacy policy in Settings', () => {
  const { start, browser } = useBrowserScenario()

  it('signs up (refusing under-13s as the node does), shows the plan, exports and deletes; the policy notice stays away once read', async () => {
    const rv = await start()
    const alice = await browser()
    const page = alice.page
    await page.goto(rv.url)
    await createIdentity(page)
    await page.goto(`${rv.url}/#/settings`)

    // Nothing acknowledged yet: the node's policy (version 1) is shown in Settings.
    const notice = page.getByTestId('policy-notice')
    await notice.waitFor(DEADLINE)
    expect(await notice.innerText()).toContain('version 1')

    const account = page.getByTestId('account')
    await page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    await page.getByLabel('Username').fill('alice_web')
    await page.getByLabel('Birth date').fill(yearsAgo(10))
    await page.getByRole('button', { name: 'Sign up' }).click()
    await account.getByRole('alert').getByText('at least 13 years old').waitFor(DEADLINE)

    await page.getByLabel('Birth date').fill('1990-04-02')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByTestId('account-username').getByText('@alice_web').waitFor(DEADLINE)
    await expect.poll(async () => await page.getByTestId('account-plan').innerText(), DEADLINE).not.toBe('unknown')
    expect(await page.getByTestId('account-plan').innerText()).toMatch(/\w+/)
    await screenshotBothWidths(page, 'account-settings')

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export account data' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^babacloud-account-export-.*\.json$/)
    const exported = await readFile(await file.path(), 'utf8')
    expect(exported).toContain('alice_web')

    await page.getByRole('button', { name: 'I have read it' }).click()
    await expect.poll(async () => await notice.count()).toBe(0)
    await page.reload()
    await page.locator('[data-testid="account"][data-phase="account"]').waitFor(DEADLINE)
    expect(await page.getByTestId('policy-notice').count()).toBe(0)

    // The node publishes version 2: a notice on every screen, and the new text in Settings.
    await page.route('**/api/policy', async route => { await route.fulfill({ json: { version: 2, text: 'New policy text, version 2.' } }) })
    await page.goto(`${rv.url}/#/`)
    await page.reload()
    await page.getByRole('link', { name: 'Read it in Settings' }).click()
    await page.getByTestId('policy-notice').getByText('you read version 1').waitFor(DEADLINE)
    await page.getByRole('button', { name: 'I have read it' }).click()
    await expect.poll(async () => await page.getByTestId('policy-notice').count()).toBe(0)

    await page.getByRole('button', { name: 'Delete account…' }).click()
    await page.getByRole('button', { name: 'Yes, delete my account' }).click()
    await account.getByText('Your account was deleted from this node.').waitFor(DEADLINE)
    await page.locator('[data-testid="account"][data-phase="none"]').waitFor()
    expect(await rv.node.accounts.resolve('alice_web').catch(() => [])).toEqual([])

    expect(alice.errors).toEqual([])
  }, 60_000)
})
