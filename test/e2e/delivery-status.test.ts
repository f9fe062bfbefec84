// What a sender sees move on screen, in real browsers: the connection indicator leaving "Direct
// (WebRTC)" soon after the other person closes their tab (and the next message going to the mailbox),
// a deposit whose ack was lost, retried with the same envelope id, reaching the recipient once, and
// a message that expired at the node unread, said plainly from the node's signed notice.
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { ARRIVED, addContact, createIdentity, dropDepositAcks, messageItems, closeTabThenBrowser, messageTexts, openChat, sendMessage } from './harness.ts'
import { useBrowserScenario } from './scenario.ts'
import { waitFor } from '../helpers/wait.ts'

const DEADLINE = { timeout: 20_000 }
/** The promise: the indicator leaves "direct" within a few seconds of the peer leaving. */
const LEAVES_DIRECT = { timeout: 5_000 }
const SCENARIO_TIMEOUT = 120_000


describeInChromium('web app: delivery status on screen', () => {
  const { start, browser, twoPeople } = useBrowserScenario()

  it('leaves "Direct (WebRTC)" within seconds of the other tab closing, and the next message goes to the mailbox', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await bob.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await alice.page.locator('[data-testid="connection"][data-path="webrtc"]').waitFor(DEADLINE)
    await sendMessage(alice.page, 'Over WebRTC')
    await alice.page.locator('li.out[data-status="delivered"][data-path="webrtc"]').waitFor(DEADLINE)
    await openChat(bob.page, rv.url, aliceId)
    const bobIndicator = bob.page.getByTestId('connection')
    await bob.page.locator('[data-testid="connection"][data-path="webrtc"]').waitFor(DEADLINE)
    expect(await bobIndicator.innerText()).toContain('Direct (WebRTC)')

    // Alice closes her tab, then her browser.
    await closeTabThenBrowser(alice)
    await bob.page.locator('[data-testid="connection"]:not([data-path="webrtc"])').waitFor(LEAVES_DIRECT)
    expect(await bobIndicator.innerText()).not.toContain('Direct (WebRTC)')

    // No dial at the peer that just left: the message is stored in her mailbox.
    await sendMessage(bob.page, 'You left')
    await bob.page.locator('li.out[data-status="stored"][data-path="mailbox"]').waitFor(DEADLINE)
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('a deposit whose ack was lost is retried with the same id: the recipient shows it once, the sender ends delivered', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    // Bob is away: what Alice sends goes into his mailbox.
    await bob.close()
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await alice.page.locator('[data-testid="connection"][data-path="mailbox"]').waitFor(DEADLINE)

    const fault = dropDepositAcks(rv, aliceId, 1)
    await sendMessage(alice.page, 'Only once, please')
    const sent = alice.page.locator('li.out[data-id]')
    await sent.waitFor(DEADLINE)
    const id = await sent.getAttribute('data-id')
    // The ack was lost: the app reconnects and the outbox tries again, with the same envelope.
    await alice.page.locator('li.out[data-status="stored"]').waitFor(DEADLINE)
    const tries = fault.attempts.filter(a => a === id)
    expect(tries.length).toBeGreaterThanOrEqual(2)
    expect(new Set(fault.attempts).size).toBe(1)

    const again = await browser(bob.profileDir)
    await openChat(again.page, rv.url, aliceId)
    await again.page.locator('li.in[data-id]').waitFor(DEADLINE)
    // The recipient's receipt moves the sender's tick on without a reload.
    await alice.page.locator(`li.out[data-id="${id ?? ''}"]${ARRIVED}`).waitFor(DEADLINE)
    // The node deleted its copy when Bob acked it: its signed purge receipt, verified, shows on Alice's side.
    await alice.page.locator(`li.out[data-id="${id ?? ''}"] [data-testid="purged"]`).waitFor(DEADLINE)
    expect(await alice.page.locator(`li.out[data-id="${id ?? ''}"] [data-testid="purged"]`).innerText()).toContain('Removed from the node')
    expect(await messageTexts(again.page)).toEqual(['Only once, please'])
    expect(await messageItems(again.page).count()).toBe(1)
    expect(await messageItems(alice.page).count()).toBe(1)
    expect(alice.errors).toEqual([])
    expect(again.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('says "Not delivered" on a message that expired at the node before the recipient came back', async () => {
    // A node that keeps mail five seconds: Bob stays away longer than that.
    const rv = await start({ mailbox: { retention: '5s' } })
    const alice = await browser()
    const bob = await browser()
    await alice.page.goto(rv.url)
    await bob.page.goto(rv.url)
    await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    await bob.close()
    await alice.page.locator('[data-testid="connection"][data-reachable="true"]').waitFor(DEADLINE)
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'Dinner on Friday?')
    await alice.page.locator('li.out[data-status="stored"]').waitFor(DEADLINE)

    await waitFor(async () => await rv.node.sweepExpired() > 0, { timeout: 30_000, what: 'the message to expire at the node' })
    const notice = alice.page.locator('li.out [data-testid="expired"]')
    await notice.waitFor(DEADLINE)
    expect(await notice.innerText()).toContain('Not delivered: expired at the node')
    expect(await alice.page.locator('li.out [data-testid="purged"]').count()).toBe(0)
    expect(alice.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
