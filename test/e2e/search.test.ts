// Local search and date separators in real Chromium: messages sent between two browsers are found by
// a word, a word start or the sender's name; a hit opens its conversation scrolled to the message,
// highlighted; a message deleted for everyone or deleted here is never found. Messages from earlier
// days (stored through the app's own chat store) get "Today", "Yesterday", weekday and date separators,
// and a wide window keeps the conversation list beside the conversation.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { ARRIVED, addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { ChatMessage } from '../../protocol/messages/message.ts'
import type { Locator, Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }
const DAY = 86_400_000

function message (page: Page, text: string): Locator {
  return page.locator('[data-testid="messages"] li[data-id]', { has: page.locator('.text', { hasText: text }) })
}

function results (page: Page): Locator {
  return page.getByTestId('search-results').locator('a')
}

/** Types into the header's search box, reached with Ctrl+K as a person would. */
async function search (page: Page, query: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Search messages' })
  // After a reload the shortcut listens only once the app has drawn its search box: a key pressed
  // before that goes nowhere.
  await box.waitFor(DEADLINE)
  await page.locator('body').click({ position: { x: 2, y: 2 } })
  await page.keyboard.press('Control+k')
  await expect.poll(async () => await box.evaluate(el => el.matches(':focus')), DEADLINE).toBe(true)
  await box.fill(query)
}

async function choose (page: Page, text: string, item: string): Promise<void> {
  await message(page, text).getByRole('button', { name: 'Message actions' }).click()
  await page.getByRole('menuitem', { name: item, exact: true }).click()
}

/** Stores messages through the app's own chat store (as if they came on earlier days), then reloads. */
async function storeMessages (page: Page, messages: ChatMessage[]): Promise<void> {
  await page.evaluate(async list => {
    const app = document.querySelector('chat-app') as unknown as { service: { local: { store: { addMessage: (m: unknown) => Promise<boolean> } } } }
    for (const m of list) await app.service.local.store.addMessage(m)
  }, messages)
  await page.reload()
}

describeInChromium('web app: search and date separators', () => {
  const { twoPeople, start, browser } = useBrowserScenario()

  it('finds an old message by word, word start and sender, opens it highlighted, and never finds deleted ones', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')
    const texts = ['Remember the blueberries for Saturday', 'Meeting moved to Thursday', 'Secret plan: zeppelin tour',
      'Call me about the piano', 'Bring the umbrella', 'Lunch at noon?', 'See you soon']
    for (const text of texts) await sendMessage(alice.page, text)
    await message(alice.page, 'See you soon').and(alice.page.locator(ARRIVED)).waitFor(DEADLINE)
    await openChat(bob.page, rv.url, aliceId)
    await message(bob.page, 'See you soon').waitFor(DEADLINE)

    // From the contact list: an early word finds the first message, highlighted in the result.
    await bob.page.goto(`${rv.url}/#/`)
    await search(bob.page, 'blueber')
    await expect.poll(async () => await results(bob.page).count(), DEADLINE).toBe(1)
    const hit = results(bob.page).first()
    expect(await hit.locator('.where').innerText()).toBe('Alice')
    expect(await hit.locator('mark').allInnerTexts()).toEqual(['blueberries'])
    expect(await bob.page.getByRole('status').filter({ hasText: 'found' }).innerText()).toBe('1 message found.')
    await screenshotBothWidths(bob.page, 'search')
    const id = await hit.getAttribute('data-id') ?? ''
    await hit.click()
    await bob.page.waitForURL(`**/#/chat/${aliceId}/${id}`)
    const found = bob.page.locator(`[data-testid="messages"] li[data-id="${id}"][data-found]`)
    await found.waitFor(DEADLINE)
    expect(await found.locator('.text').innerText()).toBe(texts[0])
    expect(await found.evaluate(el => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true)
    expect(await bob.page.locator('[data-testid="messages"] li[data-found]').count()).toBe(1)

    // Every word must match, also the sender's name; Alice finds her own message under Bob's name.
    await search(bob.page, 'alice thurs')
    await expect.poll(async () => await results(bob.page).allInnerTexts(), DEADLINE).toEqual([expect.stringContaining('Meeting moved to Thursday')])
    await search(alice.page, 'bob piano')
    await expect.poll(async () => await results(alice.page).locator('.who').allInnerTexts(), DEADLINE).toEqual(['You'])
    await search(bob.page, 'piano blueberries')
    await bob.page.getByRole('status').filter({ hasText: 'No messages found on this device.' }).waitFor(DEADLINE)

    // Deleted for everyone by Alice: gone from Bob's search (and hers).
    await search(bob.page, 'zeppelin')
    await expect.poll(async () => await results(bob.page).count(), DEADLINE).toBe(1)
    await bob.page.keyboard.press('Escape')
    await choose(alice.page, 'Secret plan: zeppelin tour', 'Delete for everyone')
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Delete for everyone' }).click()
    await message(bob.page, 'This message was deleted').waitFor(DEADLINE)
    for (const page of [alice.page, bob.page]) {
      await search(page, 'zeppelin')
      await expect.poll(async () => await results(page).count(), DEADLINE).toBe(0)
    }
    // Deleted here by Bob: no longer found on his device.
    await bob.page.keyboard.press('Escape')
    await choose(bob.page, 'Bring the umbrella', 'Delete for me')
    await expect.poll(async () => await message(bob.page, 'Bring the umbrella').count(), DEADLINE).toBe(0)
    await search(bob.page, 'umbrella')
    await bob.page.getByRole('status').filter({ hasText: 'No messages found on this device.' }).waitFor(DEADLINE)
    // A reload rebuilds the index from the store: still not found, the others still are.
    await bob.page.reload()
    await search(bob.page, 'umbrella')
    await bob.page.getByRole('status').filter({ hasText: 'No messages found on this device.' }).waitFor(DEADLINE)
    await search(bob.page, 'noon')
    await expect.poll(async () => await results(bob.page).count(), DEADLINE).toBe(1)
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, 150_000)

  it('separates days with Today, Yesterday, the weekday and the date, shows two panes on desktop, and a search opens a message from weeks ago', async () => {
    const rv = await start()
    const { page, errors } = await browser()
    await page.goto(rv.url)
    await createIdentity(page)
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    await addContact(page, peer, 'Dana')
    const now = Date.now()
    const at = (daysAgo: number, n: number): number => now - daysAgo * DAY - n * 1000
    const fixtures: Array<[number, string]> = [[40, 'The old harbour photo'], [4, 'Four days back'], [1, 'From yesterday'], [1, 'Also yesterday'], [0, 'Right now']]
    await storeMessages(page, fixtures.map(([daysAgo, text], i) => ({
      id: (i + 1).toString(16).padStart(32, '0'),
      peer,
      direction: 'in',
      text,
      sentAt: at(daysAgo, fixtures.length - i),
      receivedAt: at(daysAgo, fixtures.length - i),
      status: 'read'
    })))
    await openChat(page, rv.url, peer)
    await message(page, 'Right now').waitFor(DEADLINE)
    const separators = page.getByTestId('day-separator')
    const labels = await separators.allInnerTexts()
    const days = await separators.evaluateAll(ls => ls.map(l => l.getAttribute('data-day')))
    // The browser's own calendar decides the days (the test runs in its time zone and locale).
    const expected = await page.evaluate(ts => ts.map(t => {
      const d = new Date(t)
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    }), [at(40, 5), at(4, 4), at(1, 3), at(0, 1)])
    expect(days).toEqual(expected)
    expect(labels.slice(2)).toEqual(['Yesterday', 'Today'])
    expect(labels[1]).toBe(await page.evaluate(t => new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(t), at(4, 4)))
    expect(labels[0]).toMatch(/\d/)
    // Each separator comes right before the first message of its day.
    const order = await page.locator('[data-testid="messages"] > li').evaluateAll(ls => ls.map(l => l.getAttribute('data-testid') === 'day-separator' ? '|' : l.querySelector('.text')?.textContent?.trim()))
    expect(order).toEqual(['|', 'The old harbour photo', '|', 'Four days back', '|', 'From yesterday', 'Also yesterday', '|', 'Right now'])
    await screenshotBothWidths(page, 'date-separators')

    // Desktop: the conversation list stays beside the conversation, the open one marked; a phone
    // shows one screen at a time.
    const side = page.getByRole('navigation', { name: 'Conversations' })
    expect(await side.locator(`a[data-peer="${peer}"]`).getAttribute('aria-current')).toBe('page')
    expect(await side.getByText('Add a contact').count()).toBe(0)
    await page.setViewportSize({ width: 390, height: 844 })
    await expect.poll(async () => await side.count()).toBe(0)
    await message(page, 'Right now').waitFor(DEADLINE)
    await page.setViewportSize({ width: 1200, height: 800 })
    await side.waitFor(DEADLINE)

    await search(page, 'harbour')
    await expect.poll(async () => await results(page).count(), DEADLINE).toBe(1)
    await results(page).first().click()
    await page.locator(`[data-testid="messages"] li[data-id="${(1).toString(16).padStart(32, '0')}"][data-found]`).waitFor(DEADLINE)
    expect(errors).toEqual([])
  }, 90_000)
})
