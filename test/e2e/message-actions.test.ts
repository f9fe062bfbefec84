// Replies, reactions, edits and deletion from a message's menu, in two real Chromium browsers: each
// step is seen on the other side without a reload, in a 1:1 chat and in a group.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { notifications, setHidden, watchPageState } from './page-state.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { BrowserScenario } from './scenario.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { Locator, Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 150_000

function message (page: Page, text: string): Locator {
  return page.locator('[data-testid="messages"] li[data-id]', { has: page.locator('.text', { hasText: text }) })
}

/** Opens the message's menu with its "⋯" button and picks `item`. */
async function choose (page: Page, text: string, item: string): Promise<void> {
  await message(page, text).getByRole('button', { name: 'Message actions' }).click()
  await page.getByRole('menuitem', { name: item, exact: true }).click()
}

async function react (page: Page, text: string, emoji: string): Promise<void> {
  await choose(page, text, 'React…')
  await page.getByRole('menuitemradio', { name: `React with ${emoji}` }).click()
}

/** The reaction chips under a message: emoji → [count, who]. */
async function reactions (page: Page, text: string): Promise<Record<string, [number, string]>> {
  const chips = message(page, text).locator('[data-testid="reactions"] .reaction')
  return Object.fromEntries(await chips.evaluateAll(bs => bs.map(b => [b.getAttribute('data-emoji'), [Number(b.getAttribute('data-count')), b.getAttribute('title')]])))
}

async function pair (s: BrowserScenario): Promise<{ url: string, alice: BrowserSession, bob: BrowserSession, aliceId: string, bobId: string }> {
  const rv = await s.start()
  const alice = await s.browser()
  const bob = await s.browser()
  await watchPageState(bob, rv.url)
  await alice.page.goto(rv.url)
  await bob.page.goto(rv.url)
  const aliceId = await createIdentity(alice.page)
  const bobId = await createIdentity(bob.page)
  for (const p of [alice.page, bob.page]) await p.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
  await addContact(alice.page, bobId, 'Bob')
  await addContact(bob.page, aliceId, 'Alice')
  return { url: rv.url, alice, bob, aliceId, bobId }
}

describeInChromium('web app: replies, reactions, edits and deletion', () => {
  const scenario = useBrowserScenario()

  it('1:1: reply, react (change, remove), edit, delete for everyone and for me, seen on both sides', async () => {
    const { url, alice, bob, aliceId } = await pair(scenario)
    await openChat(bob.page, url, aliceId)
    const a = alice.page
    const b = bob.page

    await sendMessage(a, 'Lunch at noon?')
    await message(b, 'Lunch at noon?').waitFor(DEADLINE)

    // Reply: a quote bar over the composer (cancelable), then the quote on both sides.
    await choose(b, 'Lunch at noon?', 'Reply')
    const bar = b.getByTestId('composer-intent')
    await bar.getByText('Replying to Alice').waitFor()
    await b.getByRole('button', { name: 'Cancel reply' }).click()
    expect(await bar.count()).toBe(0)
    await choose(b, 'Lunch at noon?', 'Reply')
    await sendMessage(b, 'Yes, see you there')
    expect(await bar.count()).toBe(0)
    for (const p of [a, b]) {
      await message(p, 'Yes, see you there').getByTestId('quote').getByText('Lunch at noon?').waitFor(DEADLINE)
    }
    // The quote leads to the original.
    await message(a, 'Yes, see you there').getByTestId('quote').click()
    await expect.poll(async () => await message(a, 'Lunch at noon?').evaluate(li => li.classList.contains('flash'))).toBe(true)

    // React, change it, remove it: one reaction per person, seen by the other (told while away).
    await setHidden(b, true)
    await react(a, 'Yes, see you there', '👍')
    await expect.poll(async () => await reactions(b, 'Yes, see you there'), DEADLINE).toEqual({ '👍': [1, 'Alice'] })
    await expect.poll(async () => await notifications(b), DEADLINE).toEqual([{ title: 'Alice', body: 'Reacted 👍 to “Yes, see you there”' }])
    await setHidden(b, false)
    expect(await reactions(a, 'Yes, see you there')).toEqual({ '👍': [1, 'You'] })
    await react(b, 'Yes, see you there', '👍')
    await expect.poll(async () => await reactions(a, 'Yes, see you there'), DEADLINE).toEqual({ '👍': [2, 'You, Bob'] })
    await react(a, 'Yes, see you there', '❤️')
    await expect.poll(async () => await reactions(b, 'Yes, see you there'), DEADLINE).toEqual({ '👍': [1, 'You'], '❤️': [1, 'Alice'] })
    // Pressing one's own chip takes the reaction back.
    await message(a, 'Yes, see you there').locator('.reaction[aria-pressed="true"]').click()
    await expect.poll(async () => await reactions(b, 'Yes, see you there'), DEADLINE).toEqual({ '👍': [1, 'You'] })
    // Picking one's reaction again in the picker takes it back too.
    await react(b, 'Yes, see you there', '👍')
    await expect.poll(async () => await reactions(a, 'Yes, see you there'), DEADLINE).toEqual({})
    await react(b, 'Yes, see you there', '😮')
    await expect.poll(async () => await reactions(a, 'Yes, see you there'), DEADLINE).toEqual({ '😮': [1, 'Bob'] })
    await screenshotBothWidths(b, 'message-actions')

    // Edit: Esc cancels; Enter saves; "edited" keeps the earlier text for both.
    await choose(a, 'Lunch at noon?', 'Edit')
    const box = a.getByRole('textbox', { name: 'Message' })
    expect(await box.inputValue()).toBe('Lunch at noon?')
    await box.press('Escape')
    expect(await box.inputValue()).toBe('')
    await choose(a, 'Lunch at noon?', 'Edit')
    await box.fill('Lunch at one?')
    await box.press('Enter')
    for (const p of [a, b]) {
      const edited = message(p, 'Lunch at one?')
      await edited.getByTestId('edited').waitFor(DEADLINE)
      await edited.getByTestId('edited').locator('summary').click()
      await edited.getByText('Lunch at noon?', { exact: false }).first().waitFor()
    }
    expect(await message(b, 'Lunch at noon?').count()).toBe(0)

    // Delete for everyone: asked first, then a tombstone on both sides.
    await choose(a, 'Lunch at one?', 'Delete for everyone')
    const confirm = a.getByRole('dialog')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(await message(a, 'Lunch at one?').count()).toBe(1)
    await choose(a, 'Lunch at one?', 'Delete for everyone')
    await confirm.getByRole('button', { name: 'Delete for everyone' }).click()
    for (const p of [a, b]) {
      await message(p, 'This message was deleted').waitFor(DEADLINE)
      expect(await message(p, 'Lunch at one?').count()).toBe(0)
      // The reply's quote of it goes too.
      expect(await message(p, 'Yes, see you there').getByTestId('quote').innerText()).toBe('This message was deleted')
    }
    // The tombstone has no menu for the others' actions: only "Delete for me" is left.
    await message(b, 'This message was deleted').getByRole('button', { name: 'Message actions' }).click()
    expect(await b.getByRole('menuitem').allInnerTexts()).toEqual(['Delete for me'])
    await b.keyboard.press('Escape')
    // Only the reaction to Bob's own message was a notification.
    expect(await notifications(b)).toHaveLength(1)

    // Delete for me: gone here, still there.
    await choose(b, 'Yes, see you there', 'Delete for me')
    await expect.poll(async () => await message(b, 'Yes, see you there').count(), DEADLINE).toBe(0)
    expect(await message(a, 'Yes, see you there').count()).toBe(1)
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('group: a reply, a reaction, an edit and a deletion reach the other member; the menu works from the keyboard', async () => {
    const { url, alice, bob } = await pair(scenario)
    const a = alice.page
    const b = bob.page
    await a.goto(`${url}/#/`)
    await a.getByRole('link', { name: 'New group' }).click()
    await a.getByLabel('Group name').fill('Film club')
    await a.getByLabel('Bob').check()
    await a.getByRole('button', { name: 'Create group' }).click()
    await a.getByRole('heading', { name: 'Film club' }).waitFor(DEADLINE)
    const groupId = decodeURIComponent(new URL(a.url()).hash.split('/')[2])
    await b.goto(`${url}/#/group/${groupId}`)
    await b.getByRole('heading', { name: 'Film club' }).waitFor(DEADLINE)

    await sendMessage(a, 'Movie on Friday?')
    await message(b, 'Movie on Friday?').waitFor(DEADLINE)

    // Bob answers from the keyboard: the menu button, Enter, the first item (Reply), Enter.
    await message(b, 'Movie on Friday?').getByRole('button', { name: 'Message actions' }).focus()
    await b.keyboard.press('Enter')
    await b.getByRole('menuitem', { name: 'Reply' }).waitFor()
    await b.keyboard.press('Enter')
    await b.getByTestId('composer-intent').getByText('Replying to Alice').waitFor()
    await b.keyboard.type('Count me in')
    await b.keyboard.press('Enter')
    for (const p of [a, b]) await message(p, 'Count me in').getByTestId('quote').getByText('Movie on Friday?').waitFor(DEADLINE)

    // Alice reacts with a right-click on Bob's reply; Bob sees who.
    await message(a, 'Count me in').click({ button: 'right' })
    await a.getByRole('menuitem', { name: 'React…' }).click()
    await screenshotBothWidths(a, 'message-reaction-picker')
    await a.getByRole('menuitemradio', { name: 'React with 😂' }).click()
    await expect.poll(async () => await reactions(b, 'Count me in'), DEADLINE).toEqual({ '😂': [1, 'Alice'] })
    expect(await reactions(a, 'Count me in')).toEqual({ '😂': [1, 'You'] })

    // Alice edits her message and then deletes it for everyone: Bob sees both.
    await choose(a, 'Movie on Friday?', 'Edit')
    await sendMessage(a, 'Movie on Saturday?')
    await message(b, 'Movie on Saturday?').getByTestId('edited').waitFor(DEADLINE)
    await choose(a, 'Movie on Saturday?', 'Delete for everyone')
    await a.getByRole('dialog').getByRole('button', { name: 'Delete for everyone' }).click()
    for (const p of [a, b]) {
      await message(p, 'This message was deleted').waitFor(DEADLINE)
      expect(await message(p, 'Count me in').getByTestId('quote').innerText()).toBe('This message was deleted')
    }
    expect(await message(b, 'Movie on Saturday?').count()).toBe(0)
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
