// Every screen of the web app through axe-core, in the light and the dark theme (the app follows the
// system's colour scheme): no serious or critical violation anywhere. Plus keyboard-only use: Tab
// reaches the composer and the send button, and Enter sends. Dark screenshots of a few screens.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { iconPng } from '../../web/pwa/icons.ts'
import { expectAccessible } from './accessibility.ts'
import { ARRIVED, addContact, createIdentity, sendMessage } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 20_000 }
const BOTH = { bothSchemes: true }

/** The accessible name and role of what has the keyboard focus, through shadow roots. */
async function focused (page: Page): Promise<{ tag: string, label: string }> {
  return await page.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement != null) el = el.shadowRoot.activeElement
    return { tag: el?.tagName.toLowerCase() ?? '', label: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '' }
  })
}

/** Presses Tab until `match` has the focus; fails after `max` presses. */
async function tabTo (page: Page, match: (f: { tag: string, label: string }) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (match(await focused(page))) return
  }
  throw new Error(`Tab never reached the element (last: ${JSON.stringify(await focused(page))})`)
}

describeInChromium('web app: accessibility of every screen, light and dark', () => {
  const { start, browser } = useBrowserScenario()

  it('has no serious or critical axe violation on any screen, and works by keyboard alone', async () => {
    const rv = await start()
    const [alice, bob] = await Promise.all([browser(), browser()])
    await Promise.all([alice.page.goto(rv.url), bob.page.goto(rv.url)])
    const page = alice.page

    await page.getByRole('button', { name: 'Create my identity' }).waitFor()
    await expectAccessible(page, 'first run', BOTH)
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshotBothWidths(page, 'first-run-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    const aliceId = await createIdentity(page)
    await expectAccessible(page, 'first run: your invite', BOTH)
    const bobId = await createIdentity(bob.page)

    // Bob opens Alice's invite: the one-question screen.
    await bob.page.goto(`${rv.url}/#/invite/${aliceId}`)
    await bob.page.getByTestId('invite-confirm').waitFor()
    await expectAccessible(bob.page, 'invite', BOTH)
    await bob.page.getByRole('button', { name: /^Add / }).click()
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor()

    await page.goto(`${rv.url}/#/`)
    await page.getByRole('heading', { name: 'Add a contact' }).waitFor()
    await expectAccessible(page, 'contacts, none yet', BOTH)
    await addContact(page, bobId, 'Bob')
    await sendMessage(page, 'Hello Bob')
    await page.locator(`li.out${ARRIVED}`).waitFor(DEADLINE)
    await sendMessage(bob.page, 'Hi Alice, a reply to show both sides')
    await page.locator('li.in[data-id]').waitFor(DEADLINE)
    await expectAccessible(page, '1:1 conversation', BOTH)
    // A message's menu open, then the reply bar above the composer.
    const incoming = page.locator('[data-testid="messages"] li.in[data-id]').first()
    await incoming.getByRole('button', { name: 'Message actions' }).click()
    await page.getByRole('menuitem', { name: 'Reply', exact: true }).waitFor()
    await expectAccessible(page, 'message menu', BOTH)
    await page.getByRole('menuitem', { name: 'Reply', exact: true }).click()
    await page.getByRole('button', { name: 'Cancel reply' }).waitFor()
    await expectAccessible(page, 'composer replying', BOTH)
    await page.getByRole('button', { name: 'Cancel reply' }).click()
    // A picture and a file in the conversation, and a disappearing-messages line (set, then off).
    // A file waits in the preview (picture, caption, Send file / Cancel) until it is sent.
    await page.locator('#attach-input').setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: iconPng(64) })
    await page.getByRole('button', { name: 'Send file' }).waitFor(DEADLINE)
    await expectAccessible(page, 'file preview', BOTH)
    await page.getByRole('button', { name: 'Send file' }).click()
    await page.locator('li.out img[data-testid="attachment-image"]').waitFor(DEADLINE)
    await page.locator('#attach-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes\n') })
    await page.getByRole('button', { name: 'Send file' }).click()
    await page.locator('li.out [data-testid="attachment-file"]', { hasText: 'notes.txt' }).waitFor(DEADLINE)
    await page.getByTestId('timer-select').selectOption('300')
    await page.getByTestId('timer-line').first().waitFor(DEADLINE)
    await expectAccessible(page, '1:1 conversation with files and a timer line', BOTH)
    await page.getByTestId('timer-select').selectOption('0')
    await page.getByTestId('timer-line').nth(1).waitFor(DEADLINE)
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshotBothWidths(page, 'conversation-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // Keyboard only: from the top of the page, Tab reaches the composer, then the send button.
    await page.reload()
    await page.getByRole('textbox', { name: 'Message' }).waitFor()
    await page.locator('body').focus()
    await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
    await tabTo(page, f => f.tag === 'textarea' || f.label === 'Message')
    await page.keyboard.type('typed with the keyboard only')
    await tabTo(page, f => f.tag === 'button' && /^Send$/i.test(f.label), 5)
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="messages"] li.out .text', { hasText: 'typed with the keyboard only' }).waitFor(DEADLINE)

    await page.getByRole('button', { name: 'Verify safety number' }).click()
    await page.getByRole('dialog').waitFor()
    await expectAccessible(page, 'safety number', BOTH)
    await page.keyboard.press('Escape')

    await page.goto(`${rv.url}/#/`)
    await page.locator('[data-testid="contact-list"]').getByText('Bob').waitFor()
    // With an unread message: the badge and the bold preview are checked too.
    await sendMessage(bob.page, 'one more while you look at the list')
    await page.locator('[data-testid="contact-list"] [data-testid="unread"]').waitFor(DEADLINE)
    await expectAccessible(page, 'contacts', BOTH)
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshotBothWidths(page, 'contacts-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    await page.getByRole('link', { name: 'New group' }).click()
    await page.getByLabel('Group name').waitFor()
    await expectAccessible(page, 'group create', BOTH)
    await page.getByLabel('Group name').fill('Weekend plans')
    await page.getByLabel('Bob').check()
    await page.getByRole('button', { name: 'Create group' }).click()
    await page.getByRole('heading', { name: 'Weekend plans' }).waitFor(DEADLINE)
    await sendMessage(page, 'Group hello')
    await page.locator('[data-testid="messages"] li[data-id]').first().waitFor(DEADLINE)
    await expectAccessible(page, 'group conversation', BOTH)

    await page.goto(`${rv.url}/#/settings`)
    await page.locator('[data-testid="account"][data-phase="none"]').waitFor(DEADLINE)
    await expectAccessible(page, 'settings, account sign-up', BOTH)
    await page.getByLabel('Username').fill('alice_a11y')
    await page.getByLabel('Birth date').fill('1990-04-02')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.locator('[data-testid="account"][data-phase="account"]').waitFor(DEADLINE)
    await expectAccessible(page, 'settings, account', BOTH)
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshotBothWidths(page, 'settings-dark')

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, 180_000)
})
