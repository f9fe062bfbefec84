// Two real Chromium browsers chatting through an in-process rendezvous node serving the built app:
// WebRTC between them, and the mailbox for a browser that was closed.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { ARRIVED, addContact, createIdentity, messageItems, messageTexts, closeTabThenBrowser, openChat, ownPeerId, sendMessage } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 20_000 }
/** Whole scenarios: several browsers and node restarts on a possibly busy machine. */
const SCENARIO_TIMEOUT = 120_000


describeInChromium('web app: 1:1 chat in real browsers', () => {
  const { start, browser, twoPeople } = useBrowserScenario()

  it('chats 1:1 between two browsers over WebRTC, with every screen usable', async () => {
    const rv = await start()
    const alice = await browser()
    const bob = await browser()
    await alice.page.goto(rv.url)
    await bob.page.goto(rv.url)

    await alice.page.getByRole('button', { name: 'Create my identity' }).waitFor()
    // The ratchet runs on Chromium's native Ed25519/X25519, not the @noble fallback.
    for (const p of [alice.page, bob.page]) expect(await p.evaluate(() => document.documentElement.dataset.cryptoBackend)).toBe('webcrypto')
    await screenshotBothWidths(alice.page, 'first-run')
    const aliceId = await createIdentity(alice.page)
    await screenshotBothWidths(alice.page, 'first-run-invite')
    const aliceInvite = await alice.page.getByTestId('invite-link').inputValue()
    expect(aliceInvite).toBe(`${rv.url}/#/invite/${aliceId}`)

    // Bob opens Alice's invite link before having an identity: first run, then one question, one button.
    await bob.page.goto(aliceInvite)
    await bob.page.getByRole('button', { name: 'Create my identity' }).click()
    await bob.page.getByRole('heading', { name: 'Add this contact?' }).waitFor()
    await bob.page.getByRole('button', { name: 'Add this contact' }).click()
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor()
    expect(new URL(bob.page.url()).hash).toBe(`#/chat/${aliceId}`)
    const bobId = await ownPeerId(bob.page)

    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    // Opening the conversation upgrades the relayed connection to WebRTC.
    await alice.page.locator('[data-testid="connection"][data-path="webrtc"]').waitFor(DEADLINE)
    await sendMessage(alice.page, 'Hi Bob, this is Alice')
    // Bob has the conversation open: it turns "Read" at once (read-state.test.ts covers the steps).
    const sent = alice.page.locator(`li[data-id]${ARRIVED}`)
    await sent.waitFor(DEADLINE)
    // Live, not through the mailbox. On a loaded machine the first message has been seen to go over
    // the relay although a WebRTC connection was up (both browsers dial one when the conversation
    // opens; a send whose stream breaks is resent on the best connection left). The reply below must
    // go over WebRTC.
    expect(['webrtc', 'relayed']).toContain(await sent.getAttribute('data-path'))

    const received = bob.page.locator('li.in[data-id]')
    await received.waitFor(DEADLINE)
    expect(['webrtc', 'relayed']).toContain(await received.getAttribute('data-path'))
    expect(await messageTexts(bob.page)).toEqual(['Hi Bob, this is Alice'])

    await sendMessage(bob.page, 'Hello Alice!\nTwo lines.')
    await bob.page.locator(`li.out${ARRIVED}[data-path="webrtc"]`).waitFor(DEADLINE)
    await alice.page.locator('li.in[data-id]').waitFor(DEADLINE)
    expect(await messageTexts(alice.page)).toEqual(['Hi Bob, this is Alice', 'Hello Alice!\nTwo lines.'])
    await bob.page.locator('[data-testid="connection"][data-path="webrtc"]').waitFor(DEADLINE)

    await screenshotBothWidths(alice.page, 'conversation')
    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.locator('[data-testid="contact-list"]').getByText('Bob').waitFor()
    await screenshotBothWidths(alice.page, 'contacts')
    await alice.page.goto(`${rv.url}/#/settings`)
    const download = alice.page.waitForEvent('download')
    await alice.page.getByRole('button', { name: 'Export local data' }).click()
    expect((await download).suggestedFilename()).toMatch(/^babacloud-chat-export-.*\.json$/)
    await alice.page.getByText('Exported 2 messages and 1 contacts.').waitFor()
    await screenshotBothWidths(alice.page, 'settings')

    // Bob deletes everything: the app starts over at the first run, with nothing of his left.
    await bob.page.goto(`${rv.url}/#/settings`)
    await bob.page.getByRole('button', { name: 'Delete all local data…' }).click()
    await bob.page.getByRole('button', { name: 'Yes, delete everything' }).click()
    expect(await createIdentity(bob.page)).not.toBe(bobId)
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.getByText('No contacts yet.', { exact: false }).waitFor()

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('delivers messages sent to a closed browser from the mailbox when it reopens, each once, in order', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await addContact(bob.page, aliceId, 'Alice')
    await sendMessage(bob.page, 'Are you there?')
    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.locator('[data-testid="contact-list"] a').first().click()
    await alice.page.locator('li.in[data-id]').waitFor(DEADLINE)

    // Alice closes the tab (unload handlers run), then her browser.
    await closeTabThenBrowser(alice)
    // Bob's app notices Alice left (her connections close), then the mailbox takes over.
    await bob.page.locator('[data-testid="connection"][data-path="mailbox"]').waitFor(DEADLINE)
    const texts = ['one', 'two', 'three']
    for (const [i, text] of texts.entries()) {
      await sendMessage(bob.page, text)
      await expect.poll(async () => await bob.page.locator('li.out[data-status="stored"]').count(), DEADLINE).toBe(i + 1)
    }
    expect(await bob.page.locator('li.out[data-status="stored"] .status').allInnerTexts()).toEqual(['Stored on node', 'Stored on node', 'Stored on node'])
    const storedIds = await bob.page.locator('li.out[data-status="stored"]').evaluateAll(els => els.map(el => el.getAttribute('data-id')))
    // Marks this document: a reload or navigation would lose it.
    await bob.page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true })

    const again = await browser(alice.profileDir)
    await openChat(again.page, rv.url, bobId)
    await expect.poll(async () => await messageItems(again.page).count(), DEADLINE).toBe(4)
    expect(await messageTexts(again.page)).toEqual(['Are you there?', 'one', 'two', 'three'])
    // Alice's receipts move Bob's stored ticks on, on his open screen, no reload: she has the
    // conversation open, so past "Delivered" to "Read".
    for (const id of storedIds) await bob.page.locator(`li.out[data-id="${id ?? ''}"]${ARRIVED}`).waitFor(DEADLINE)
    // Read receipts travel through the outbox like messages: on a loaded machine that takes a while.
    await expect.poll(async () => await bob.page.locator('li.out .status').allInnerTexts(), { timeout: 60_000 }).toEqual(['Read', 'Read', 'Read', 'Read'])
    expect(await bob.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect(again.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})

