// A person's devices in real Chromium: a browser with an account shows a link code (and its QR
// image); a new browser links with it and receives the whole history with progress; a contact renamed
// on the old one is renamed on the new one; the account's devices are listed and one is unlinked;
// how long the node keeps mail is set, with its errors.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { expectAccessible } from './accessibility.ts'
import { addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }

async function signUp (page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/#/settings`)
  await page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
  await page.getByLabel('Username', { exact: true }).fill(username)
  await page.getByLabel('Birth date').fill('1990-04-02')
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.getByTestId('account-username').getByText(`@${username}`).waitFor(DEADLINE)
}

describeInChromium('web app: linking a browser, the devices list, keep mail', () => {
  const { start, browser, twoPeople } = useBrowserScenario()

  it('a new browser links with the code the old one shows and receives its 1:1 and group history; devices listed and unlinked', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await signUp(alice.page, rv.url, 'alice_dev')

    // Some history on Alice's browser: two messages to Bob, his answer, and a group message.
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'First note to Bob')
    await sendMessage(alice.page, 'Second note to Bob')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').filter({ hasText: 'Second note to Bob' }).waitFor(DEADLINE)
    await sendMessage(bob.page, 'Bob answers')
    await alice.page.locator('li.in[data-id]').filter({ hasText: 'Bob answers' }).waitFor(DEADLINE)
    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.getByRole('link', { name: 'New group' }).click()
    await alice.page.getByLabel('Group name').fill('Book club')
    await alice.page.getByLabel('Bob').check()
    await alice.page.getByRole('button', { name: 'Create group' }).click()
    await alice.page.getByRole('heading', { name: 'Book club' }).waitFor(DEADLINE)
    await sendMessage(alice.page, 'Group hello')
    await alice.page.locator('li.out[data-id]').filter({ hasText: 'Group hello' }).waitFor(DEADLINE)

    // Alice's browser makes a link code: both halves, a QR image and how long it is valid.
    await alice.page.goto(`${rv.url}/#/settings`)
    await alice.page.locator('[data-testid="account"][data-phase="account"]').waitFor(DEADLINE)
    await alice.page.getByRole('button', { name: 'Link a new device' }).click()
    const code = (await alice.page.getByTestId('link-code').innerText({ timeout: 20_000 })).trim()
    expect(code).toMatch(/^\d{4}-\d{4}-[a-z2-9]{8}$/)
    const qr = alice.page.getByTestId('link-qr')
    await expect.poll(async () => await qr.evaluate(img => (img as HTMLImageElement).naturalWidth), DEADLINE).toBeGreaterThan(0)
    expect(await alice.page.getByTestId('link-valid-until').getAttribute('datetime')).toMatch(/^\d{4}-/)
    await expectAccessible(alice.page, 'account with link code', { bothSchemes: true })
    await screenshotBothWidths(alice.page, 'account-link-code')

    // A new browser opens the link URL the QR image carries: first run, then the form filled in.
    const fresh = await browser()
    await fresh.page.goto(`${rv.url}/#/link/${encodeURIComponent('@alice_dev')}/${code}`)
    await fresh.page.getByRole('button', { name: 'Link to my account' }).click()
    await fresh.page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    expect(await fresh.page.getByLabel('Account to link').inputValue()).toBe('@alice_dev')
    expect(await fresh.page.getByLabel('Link code').inputValue()).toBe(code)
    await expectAccessible(fresh.page, 'link to my account')
    await fresh.page.getByRole('button', { name: 'Link to my account' }).click()
    await fresh.page.getByTestId('history-transfer').waitFor(DEADLINE)
    const summary = fresh.page.getByTestId('history-summary')
    await summary.waitFor({ timeout: 60_000 })
    const text = await summary.innerText()
    expect(text).toMatch(/History received: \d+ messages in 2 conversations, 1 group, \d+ contacts?\./)
    expect(Number(/(\d+) messages/.exec(text)?.[1])).toBeGreaterThanOrEqual(4)
    // The progress bar counted every item in, and stays full beside the summary.
    const progress = fresh.page.getByTestId('history-progress')
    const total = Number(await progress.getAttribute('data-total'))
    expect(total).toBeGreaterThanOrEqual(4)
    expect(Number(await progress.getAttribute('data-received'))).toBe(total)
    expect(await fresh.page.getByText(`Received ${total} of ${total} items`).count()).toBe(1)

    // The conversations are there, with their messages.
    await fresh.page.goto(`${rv.url}/#/`)
    await fresh.page.locator(`[data-testid="contact-list"] a[data-peer="${bobId}"]`).click(DEADLINE)
    await fresh.page.locator('li.out[data-id]').filter({ hasText: 'Second note to Bob' }).waitFor(DEADLINE)
    await fresh.page.locator('li.in[data-id]').filter({ hasText: 'Bob answers' }).waitFor(DEADLINE)
    await fresh.page.goto(`${rv.url}/#/`)
    await fresh.page.locator('[data-testid="group-list"] a').filter({ hasText: 'Book club' }).click(DEADLINE)
    await fresh.page.locator('li[data-id]').filter({ hasText: 'Group hello' }).waitFor(DEADLINE)

    // One contact list for the account: Bob renamed on the old browser is renamed on the new one.
    await addContact(alice.page, bobId, 'Bobby Tables')
    await fresh.page.goto(`${rv.url}/#/`)
    await fresh.page.locator(`[data-testid="contact-list"] a[data-peer="${bobId}"]`).filter({ hasText: 'Bobby Tables' }).waitFor({ timeout: 60_000 })
    // Removed on the new browser (after a confirmation): gone from both lists, the conversation kept.
    await openChat(fresh.page, rv.url, bobId)
    await fresh.page.getByRole('button', { name: 'Remove contact' }).click()
    await expectAccessible(fresh.page, 'remove contact')
    await fresh.page.getByRole('button', { name: 'Yes, remove' }).click()
    // Back on the contacts screen (its list is not drawn when Bob was the only contact).
    await fresh.page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor(DEADLINE)
    await expect.poll(async () => await fresh.page.locator(`[data-testid="contact-list"] a[data-peer="${bobId}"]`).count(), DEADLINE).toBe(0)
    await alice.page.goto(`${rv.url}/#/`)
    await expect.poll(async () => await alice.page.locator(`[data-testid="contact-list"] a[data-peer="${bobId}"]`).count(), { timeout: 60_000 }).toBe(0)
    await openChat(alice.page, rv.url, bobId)
    await alice.page.locator('li.out[data-id]').filter({ hasText: 'Second note to Bob' }).waitFor(DEADLINE)
    await alice.page.goto(`${rv.url}/#/settings`)

    // Both browsers list both devices, each marking itself; Alice's old browser unlinks the new one.
    await fresh.page.goto(`${rv.url}/#/settings`)
    await expect.poll(async () => await fresh.page.getByTestId('device').count(), DEADLINE).toBe(2)
    expect(await fresh.page.locator('[data-testid="device"][data-this="true"]').count()).toBe(1)
    await expectAccessible(fresh.page, 'devices and history summary', { bothSchemes: true })
    await screenshotBothWidths(fresh.page, 'account-linked-devices')
    const devices = alice.page.getByTestId('device')
    await expect.poll(async () => await devices.count(), DEADLINE).toBe(2)
    const other = alice.page.locator('[data-testid="device"][data-this="false"]')
    const otherId = await other.getAttribute('data-peer')
    expect(otherId).not.toBe(aliceId)
    expect(await other.innerText()).toContain('Browser')
    await other.getByRole('button', { name: /^Unlink/ }).click()
    await other.getByRole('button', { name: 'Yes, unlink it' }).click()
    await alice.page.getByText('The device was unlinked').waitFor(DEADLINE)
    await expect.poll(async () => await devices.count(), DEADLINE).toBe(1)
    expect(await alice.page.locator('[data-testid="device"][data-this="true"]').getAttribute('data-peer')).toBe(aliceId)

    expect(alice.errors).toEqual([])
    expect(fresh.errors).toEqual([])
  }, 180_000)

  it('keep mail: the choice is saved at the node and shown, also after a reload', async () => {
    // This node keeps mail 7 days at most.
    const rv = await start({ mailbox: { retention: '7d' } })
    const alice = await browser()
    await alice.page.goto(rv.url)
    await createIdentity(alice.page)
    await signUp(alice.page, rv.url, 'alice_keep')
    const select = alice.page.getByLabel('Keep for')
    const current = alice.page.getByTestId('keep-mail-current')
    await expect.poll(async () => await current.innerText(), DEADLINE).toBe('Now: As long as my plan allows (7 days).')
    await select.selectOption({ label: '1 day' })
    await alice.page.getByText('Saved how long the node keeps messages waiting for you.').waitFor(DEADLINE)
    await expect.poll(async () => await current.innerText(), DEADLINE).toBe('Now: 1 day.')
    await expectAccessible(alice.page, 'keep mail')

    await select.selectOption('0')
    await expect.poll(async () => await current.innerText(), DEADLINE).toBe('Now: As long as my plan allows (7 days).')
    await select.selectOption({ label: '1 day' })
    await expect.poll(async () => await current.innerText(), DEADLINE).toBe('Now: 1 day.')
    await alice.page.reload()
    await expect.poll(async () => await alice.page.getByTestId('keep-mail-current').innerText(), DEADLINE).toBe('Now: 1 day.')
    expect(alice.errors).toEqual([])
  }, 90_000)
})
