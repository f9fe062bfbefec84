// The "Verify safety number" dialog: both browsers show the same 60 digits, formatted as the CLI
// prints them, and the number is the one computed from the two PeerIds.
import { expect, it } from 'vitest'
import { formatSafetyNumber, safetyNumber } from '../../protocol/crypto/x3dh/safety-number.ts'
import { ed25519PublicKeyOf, parsePeerId } from '../../protocol/identity.ts'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'


async function shownNumber (page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Verify safety number' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  return await dialog.getByTestId('safety-number').getAttribute('data-number') ?? ''
}

describeInChromium('web app: safety numbers', () => {
  const { start, browser } = useBrowserScenario()

  it('shows the same safety number in both browsers', async () => {
    const rendezvous = await start()
    const [alice, bob] = await Promise.all([browser(), browser()])
    await Promise.all([alice.page.goto(rendezvous.url), bob.page.goto(rendezvous.url)])
    const [aliceId, bobId] = await Promise.all([createIdentity(alice.page), createIdentity(bob.page)])
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')

    const [onAlice, onBob] = await Promise.all([shownNumber(alice.page), shownNumber(bob.page)])
    expect(onAlice).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(onBob).toBe(onAlice)
    const a = parsePeerId(aliceId)
    const b = parsePeerId(bobId)
    // What `babacloud safety-number` prints for the same pair.
    expect(onAlice).toBe(formatSafetyNumber(safetyNumber(ed25519PublicKeyOf(a), aliceId, ed25519PublicKeyOf(b), bobId)))
    expect(await alice.page.getByRole('heading', { name: 'Safety number with Bob' }).isVisible()).toBe(true)
    await screenshotBothWidths(alice.page, 'safety-number')

    // Escape closes it and focus returns to the page.
    await alice.page.keyboard.press('Escape')
    await expect.poll(async () => await alice.page.getByRole('dialog').count()).toBe(0)
    await alice.page.getByRole('button', { name: 'Verify safety number' }).focus()
    await alice.page.keyboard.press('Enter')
    await alice.page.getByRole('dialog').waitFor()
    await alice.page.getByRole('button', { name: 'Close' }).click()
    await expect.poll(async () => await alice.page.getByRole('dialog').count()).toBe(0)

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, 60_000)
})
