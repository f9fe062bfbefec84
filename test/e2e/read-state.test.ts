// Read state in real browsers: messages turn "Read" for the sender once the recipient has them in
// view in a visible tab (never while the tab is hidden), the conversation list shows unread counts,
// previews and the latest activity first, the title counts unread messages, a hidden tab gets a
// notification, read receipts can be turned off, and a group message says by how many it was read.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { notifications, setHidden, watchPageState } from './page-state.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 150_000

function outStatus (page: Page, text: string): ReturnType<Page['locator']> {
  return page.locator('[data-testid="messages"] li.out', { hasText: text }).locator('.status')
}

async function contactOrder (page: Page): Promise<string[]> {
  return await page.locator('[data-testid="contact-list"] a[data-peer]').evaluateAll(as => as.map(a => a.getAttribute('data-peer') ?? ''))
}

async function somePeerId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

describeInChromium('web app: read state, unread counts and notifications', () => {
  const { start, browser, twoPeople } = useBrowserScenario()

  it('1:1: unread counts, previews and order in the list, the title count, a notification while hidden, "Read" once seen, and receipts turned off', async () => {
    const rv = await start()
    const alice = await browser()
    const bob = await browser()
    await watchPageState(bob, rv.url)
    await alice.page.goto(rv.url)
    await bob.page.goto(rv.url)
    const aliceId = await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    for (const p of [alice.page, bob.page]) await p.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')
    await bob.page.goto(`${rv.url}/#/`)

    // Bob is on the list, not in the conversation: the message waits unread, "Delivered" for Alice.
    await sendMessage(alice.page, 'First one')
    await outStatus(alice.page, 'First one').getByText('Delivered').waitFor(DEADLINE)
    const aliceRow = bob.page.locator(`[data-testid="contact-list"] a[data-peer="${aliceId}"]`)
    await aliceRow.locator('[data-testid="unread"]', { hasText: '1' }).waitFor(DEADLINE)
    expect(await aliceRow.getByTestId('preview').innerText()).toBe('First one')
    await expect.poll(async () => await bob.page.title(), DEADLINE).toBe('(1) BabaCloud Chat')

    // A contact added later is listed above until Alice writes again: latest activity first.
    const zed = await somePeerId()
    await addContact(bob.page, zed, 'Zed')
    await bob.page.goto(`${rv.url}/#/`)
    await expect.poll(async () => await contactOrder(bob.page), DEADLINE).toEqual([zed, aliceId])
    await sendMessage(alice.page, 'Second one')
    await aliceRow.locator('[data-testid="unread"]', { hasText: '2' }).waitFor(DEADLINE)
    expect(await aliceRow.getByTestId('preview').innerText()).toBe('Second one')
    expect(await contactOrder(bob.page)).toEqual([aliceId, zed])
    expect(await bob.page.title()).toBe('(2) BabaCloud Chat')
    expect(await outStatus(alice.page, 'First one').innerText()).toBe('Delivered')
    await screenshotBothWidths(bob.page, 'contacts-unread')

    // Bob opens the conversation: both are seen, and Alice sees "Read".
    await aliceRow.click()
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor()
    for (const text of ['First one', 'Second one']) await outStatus(alice.page, text).getByText('Read').waitFor(DEADLINE)
    await expect.poll(async () => await bob.page.title(), DEADLINE).toBe('BabaCloud Chat')

    // The tab is hidden, the conversation still open: a notification, no "Read", the title counts.
    await setHidden(bob.page, true)
    await sendMessage(alice.page, 'While you were away')
    await expect.poll(async () => await notifications(bob.page), DEADLINE).toEqual([{ title: 'Alice', body: 'While you were away' }])
    await expect.poll(async () => await bob.page.title(), DEADLINE).toBe('(1) BabaCloud Chat')
    // A second message as a sync point: had the first been marked read, it would be by now.
    await sendMessage(alice.page, 'Still away?')
    await expect.poll(async () => (await notifications(bob.page)).length, DEADLINE).toBe(2)
    await expect.poll(async () => await bob.page.title(), DEADLINE).toBe('(2) BabaCloud Chat')
    expect(await bob.page.locator('li.in[data-status="received"]').allInnerTexts()).toEqual([expect.stringContaining('While you were away'), expect.stringContaining('Still away?')])
    expect(await outStatus(alice.page, 'While you were away').innerText()).toBe('Delivered')
    await setHidden(bob.page, false)
    for (const text of ['While you were away', 'Still away?']) await outStatus(alice.page, text).getByText('Read').waitFor(DEADLINE)
    await expect.poll(async () => await bob.page.title(), DEADLINE).toBe('BabaCloud Chat')

    // Read receipts off: Bob still reads (no unread left), Alice never sees "Read".
    await bob.page.goto(`${rv.url}/#/settings`)
    await bob.page.getByLabel('Send read receipts').uncheck()
    await sendMessage(alice.page, 'Quietly read')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-status="read"]', { hasText: 'Quietly read' }).waitFor(DEADLINE)
    // Bob's reply leaves after anything he queued for Alice before it: once it is there, a receipt would be too.
    await sendMessage(bob.page, 'Reply after reading')
    await alice.page.locator('li.in', { hasText: 'Reply after reading' }).waitFor(DEADLINE)
    expect(await outStatus(alice.page, 'Quietly read').innerText()).toBe('Delivered')

    // Notifications without the text: only who wrote.
    await bob.page.goto(`${rv.url}/#/settings`)
    await bob.page.getByLabel('Show message text in notifications').uncheck()
    await screenshotBothWidths(bob.page, 'settings-receipts-notifications')
    await setHidden(bob.page, true)
    await sendMessage(alice.page, 'Secret plans')
    await expect.poll(async () => (await notifications(bob.page)).at(-1), DEADLINE).toEqual({ title: 'Alice', body: 'New message' })
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('marks read only what was in view: the older messages once scrolled to', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    for (const p of [alice.page, bob.page]) await p.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await bob.page.goto(`${rv.url}/#/`)
    const texts = Array.from({ length: 24 }, (_, i) => `Line ${i + 1} of 24`)
    for (const text of texts) await sendMessage(alice.page, text)
    await outStatus(alice.page, 'Line 24 of 24').getByText('Delivered').waitFor(DEADLINE)

    // Bob opens the conversation at its end: the last lines are read, the first not yet.
    await openChat(bob.page, rv.url, aliceId)
    await outStatus(alice.page, 'Line 24 of 24').getByText('Read').waitFor(DEADLINE)
    await expect.poll(async () => await bob.page.locator('li.in[data-status="read"]').count(), DEADLINE).toBeGreaterThan(0)
    expect(await outStatus(alice.page, 'Line 1 of 24').innerText()).toBe('Delivered')
    expect(await bob.page.locator('li.in[data-status="received"]', { hasText: 'Line 1 of 24' }).count()).toBe(1)

    // Scrolled to the top, the first line is read too.
    await bob.page.locator('li.in', { hasText: 'Line 1 of 24' }).first().scrollIntoViewIfNeeded()
    await outStatus(alice.page, 'Line 1 of 24').getByText('Read').waitFor(DEADLINE)
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('a group message shows by how many members it was delivered and read', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    for (const p of [alice.page, bob.page]) await p.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    // A third member whose device never comes online: the count is "of 2".
    const carol = await somePeerId()
    await addContact(alice.page, carol, 'Carol')
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')

    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.getByRole('link', { name: 'New group' }).click()
    await alice.page.getByLabel('Group name').fill('Book club')
    await alice.page.getByLabel('Bob').check()
    await alice.page.getByLabel('Carol').check()
    await alice.page.getByRole('button', { name: 'Create group' }).click()
    await alice.page.getByRole('heading', { name: 'Book club' }).waitFor(DEADLINE)
    const groupId = decodeURIComponent(new URL(alice.page.url()).hash.split('/')[2])
    await bob.page.goto(`${rv.url}/#/`)
    const groupRow = bob.page.locator(`[data-testid="group-list"] a[data-group="${groupId}"]`)
    await groupRow.waitFor(DEADLINE)

    // Bob has it but is not looking: delivered to 1 of 2, unread on his list.
    await sendMessage(alice.page, 'Chapter one tonight?')
    await outStatus(alice.page, 'Chapter one tonight?').getByText('Delivered to 1 of 2').waitFor(DEADLINE)
    await groupRow.locator('[data-testid="unread"]', { hasText: '1' }).waitFor(DEADLINE)
    expect(await groupRow.getByTestId('preview').innerText()).toBe('Chapter one tonight?')

    // Bob opens the group: read by 1 of 2 (Carol has not read it).
    await groupRow.click()
    await bob.page.getByRole('heading', { name: 'Book club' }).waitFor()
    await outStatus(alice.page, 'Chapter one tonight?').getByText('Read by 1 of 2').waitFor(DEADLINE)
    await screenshotBothWidths(alice.page, 'group-read-by')
    await bob.page.goto(`${rv.url}/#/`)
    await expect.poll(async () => await groupRow.locator('[data-testid="unread"]').count(), DEADLINE).toBe(0)
    expect(await bob.page.title()).toBe('BabaCloud Chat')
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
