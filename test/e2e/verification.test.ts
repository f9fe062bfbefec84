// QR codes and verified contacts in real Chromium: the invite card draws the invite link as a QR code
// (and redraws it when the link changes); the safety number dialog draws the number as one and marks
// the contact verified, shown in the chat header and kept across reloads; when the contact's account
// gets a device this browser has not verified (linked with the real CLI), the mark goes and the
// conversation warns until the person verifies again.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { runCli } from '../helpers/cli.ts'
import { addContact, createIdentity } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }

async function qr (page: Page, scope = page.locator('body')): Promise<{ text: string, svg: string }> {
  const code = scope.getByTestId('qr-code')
  await code.locator('svg').waitFor(DEADLINE)
  return { text: await code.getAttribute('data-text') ?? '', svg: await code.innerHTML() }
}

/** What the app's own store says it trusts for `@username` (written by the first check). */
async function trustedDevices (page: Page, username: string): Promise<string[] | undefined> {
  return await page.evaluate(async key => {
    const app = document.querySelector('chat-app') as unknown as { service: { local: { store: { getValue: (k: string) => Promise<Uint8Array | undefined> } } } }
    const bytes = await app.service.local.store.getValue(key)
    return bytes == null ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as { trusted: string[] }).trusted
  }, `trust/contact/@${username}`)
}

describeInChromium('web app: QR codes and verified contacts', () => {
  const { start, browser } = useBrowserScenario()

  it('draws the invite link as a QR code and redraws it when the link names the account', async () => {
    const rv = await start()
    const { page, errors } = await browser()
    await page.goto(rv.url)
    await createIdentity(page)
    const first = await qr(page)
    expect(first.text).toBe(await page.getByTestId('invite-link').inputValue())
    expect(first.text).toMatch(/#\/invite\/12D3KooW\w+$/)
    expect(await page.getByRole('img', { name: 'QR code of your invite link' }).count()).toBe(1)
    await screenshotBothWidths(page, 'invite-qr')

    await page.goto(`${rv.url}/#/settings`)
    await page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    await page.getByLabel('Username').fill('dana_web')
    await page.getByLabel('Birth date').fill('1990-04-02')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await expect.poll(async () => (await qr(page)).text, DEADLINE).toBe(`${first.text}/%40dana_web`)
    expect((await qr(page)).text).toBe(await page.getByTestId('invite-link').inputValue())
    expect((await qr(page)).svg).not.toBe(first.svg)
    expect(errors).toEqual([])
  }, 60_000)

  it('marks a contact verified, and drops it with a warning when the account gets a new device', async () => {
    const rv = await start()
    const { page, errors } = await browser()
    await page.goto(rv.url)
    await createIdentity(page)
    await page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)

    // Ana is a terminal user with an account.
    const tcp = rv.info.multiaddrs.find(ma => !ma.includes('/ws')) as string
    const dir = rv.node.dataDir
    const cli = async (home: string, ...args: string[]): Promise<Record<string, unknown>> => {
      const r = await runCli([...args, '--home', join(dir, home), '--json'], { timeout: 60_000 })
      if (r.code !== 0) throw new Error(`babacloud ${args.join(' ')}: ${r.stderr}`)
      return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
    }
    const anaId = (await cli('ana', 'init')).peerId as string
    await cli('ana', 'account', 'create', '--rendezvous', tcp, '--username', 'ana_cli', '--birth-date', '1985-02-03')

    await addContact(page, '@ana_cli', '')
    expect(new URL(page.url()).hash).toBe(`#/chat/${anaId}`)
    await expect.poll(async () => await trustedDevices(page, 'ana_cli'), DEADLINE).toEqual([anaId])
    expect(await page.getByTestId('verified').count()).toBe(0)

    // The dialog shows the number as digits and as a QR code; "Mark as verified" is kept here.
    await page.getByRole('button', { name: 'Verify safety number' }).click()
    const dialog = page.getByRole('dialog')
    const number = await dialog.getByTestId('safety-number').getAttribute('data-number') ?? ''
    expect((await qr(page, dialog)).text).toBe(`babacloud-safety-number:${number.replace(/ /g, '')}`)
    expect(await dialog.getByTestId('verification-state').innerText()).toBe('@ana_cli is not marked as verified.')
    await dialog.getByRole('button', { name: 'Mark as verified' }).click()
    await dialog.getByTestId('verification-state').getByText('You marked @ana_cli as verified.').waitFor(DEADLINE)
    await screenshotBothWidths(page, 'safety-number-verified')
    await dialog.getByRole('button', { name: 'Close' }).click()
    await page.getByTestId('verified').waitFor(DEADLINE)
    await page.reload()
    await page.getByTestId('verified').waitFor(DEADLINE)
    expect(await page.getByTestId('key-change').count()).toBe(0)

    // Ana links a second device to her account: this browser has not verified it.
    const code = (await cli('ana', 'account', 'link-code')).code as string
    const phoneId = (await cli('phone', 'init')).peerId as string
    await cli('phone', 'account', 'link', '--rendezvous', tcp, '--account', '@ana_cli', '--code', code)
    // Opening the conversation again checks her account's devices.
    await page.goto(`${rv.url}/#/`)
    await page.goto(`${rv.url}/#/chat/${anaId}`)
    const warning = page.getByTestId('key-change')
    await warning.waitFor(DEADLINE)
    expect(await warning.getAttribute('role')).toBe('alert')
    expect(await warning.innerText()).toContain('@ana_cli has a device you have not verified')
    expect(await page.getByTestId('verified').count()).toBe(0)
    await screenshotBothWidths(page, 'key-change')
    // Still unverified after a reload: the warning is stored, not only shown.
    await page.reload()
    await warning.waitFor(DEADLINE)

    // Compared again and verified: the new device is trusted, the warning goes, and stays gone.
    await warning.getByRole('button', { name: 'Compare safety numbers' }).click()
    await dialog.getByRole('button', { name: 'Mark as verified' }).click()
    await dialog.getByRole('button', { name: 'Close' }).click()
    await page.getByTestId('verified').waitFor(DEADLINE)
    expect(await warning.count()).toBe(0)
    await expect.poll(async () => new Set(await trustedDevices(page, 'ana_cli')), DEADLINE).toEqual(new Set([anaId, phoneId]))
    await page.reload()
    await page.getByTestId('verified').waitFor(DEADLINE)
    expect(await warning.count()).toBe(0)
    expect(errors).toEqual([])
  }, 180_000)
})
