// Stripe webhooks through the real HTTP route (Hono app.request): signed as Stripe signs them,
// applied once; a wrong signature, a stale timestamp and a replayed event id change nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { billingFixture } from './fixture.ts'
import { checkoutCompleted, invoiceEvent, sign, subscriptionEvent } from './stripe-fakes.ts'
import type { BillingFixture } from './fixture.ts'
import type { TestEvent } from './stripe-fakes.ts'

const IDS = { customer: 'cus_test_alice', subscription: 'sub_test_alice' }

describe('POST /webhooks/stripe', () => {
  let f: BillingFixture
  beforeEach(async () => { f = await billingFixture() })
  afterEach(async () => { await f.close() })

  const post = async (evt: TestEvent, options: { secret?: string, timestamp?: number, signature?: string | null } = {}): Promise<Response> => {
    const { body, signature } = sign(evt, options)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (options.signature !== null) headers['stripe-signature'] = options.signature ?? signature
    return await f.app.request('/webhooks/stripe', { method: 'POST', body, headers })
  }
  const planOf = async (peer: string): Promise<string> => (await f.billing.limitsFor(peer)).plan

  it('upgrades on a completed checkout, records invoices, downgrades when the subscription ends', async () => {
    const alice = await f.account('alice')
    expect(await planOf(alice.peer)).toBe('free')
    const res = await post(checkoutCompleted(alice.id, 'premium', IDS))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: true, duplicate: false })
    expect(await f.billing.limitsFor(alice.peer)).toMatchObject({ plan: 'premium', mailbox: { maxMessages: 10_000 } })

    expect((await post(invoiceEvent('invoice.paid', IDS, { id: 'in_test_1', amount: 500 }))).status).toBe(200)
    expect((await post(invoiceEvent('invoice.payment_failed', IDS, { id: 'in_test_2', amount: 500 }))).status).toBe(200)
    const view = await f.billing.view(alice.peer)
    expect(view.subscriptionStatus).toBe('past_due')
    expect(view.plan).toBe('premium')
    expect(view.invoices.map(i => [i.id, i.status, i.amount, i.currency]).sort()).toEqual([['in_test_1', 'paid', 500, 'chf'], ['in_test_2', 'open', 500, 'chf']])
    expect(view.invoices[0].hostedUrl).toMatch(/^https:\/\/invoice\.stripe\.com\//)

    expect((await post(subscriptionEvent('customer.subscription.updated', IDS, 'unpaid'))).status).toBe(200)
    expect(await planOf(alice.peer)).toBe('free')
    expect((await post(subscriptionEvent('customer.subscription.updated', IDS, 'active'))).status).toBe(200)
    expect(await planOf(alice.peer)).toBe('premium')
    expect((await post(subscriptionEvent('customer.subscription.deleted', IDS, 'canceled'))).status).toBe(200)
    expect(await planOf(alice.peer)).toBe('free')
    expect((await f.billing.view(alice.peer)).subscriptionStatus).toBe('canceled')
  })

  it('refuses a wrong signature, a missing one, and a stale timestamp, and changes nothing', async () => {
    const bob = await f.account('bob')
    const upgrade = checkoutCompleted(bob.id, 'premium', IDS)
    const wrong = await post(upgrade, { secret: 'whsec_someone_else' })
    expect(wrong.status).toBe(400)
    expect((await wrong.json()).error).toMatch(/signature/i)
    expect((await post(upgrade, { signature: null })).status).toBe(400)
    expect((await post(upgrade, { signature: 't=1,v1=deadbeef' })).status).toBe(400)
    // Ten minutes old: past the five-minute tolerance, however good the signature.
    const stale = await post(upgrade, { timestamp: Math.floor(Date.now() / 1000) - 600 })
    expect(stale.status).toBe(400)
    expect((await stale.json()).error).toMatch(/tolerance/i)
    // A body altered after signing.
    const { body, signature } = sign(upgrade)
    const tampered = await f.app.request('/webhooks/stripe', { method: 'POST', body: body.replace('"premium"', '"free"'), headers: { 'stripe-signature': signature } })
    expect(tampered.status).toBe(400)
    expect(await planOf(bob.peer)).toBe('free')
    expect(await f.billing.totals()).toMatchObject({ accountsByPlan: { free: 1, premium: 0 }, invoicesByStatus: {} })
    // None of them was recorded: the genuine event still applies afterwards.
    expect((await post(upgrade)).status).toBe(200)
    expect(await planOf(bob.peer)).toBe('premium')
  })

  it('applies an event id once: a replay, even freshly signed, changes nothing', async () => {
    const carol = await f.account('carol')
    const upgrade = checkoutCompleted(carol.id, 'premium', IDS)
    expect(await (await post(upgrade)).json()).toEqual({ received: true, duplicate: false })
    await f.billing.revoke(carol.id)
    expect(await planOf(carol.peer)).toBe('free')
    const again = await post(upgrade)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    expect(await planOf(carol.peer)).toBe('free')
    // Concurrent deliveries of one event apply it once.
    const paid = invoiceEvent('invoice.paid', IDS, { id: 'in_test_c', amount: 900 })
    const answers = await Promise.all([post(paid), post(paid), post(paid)])
    expect((await Promise.all(answers.map(async r => (await r.json()).duplicate))).sort()).toEqual([false, true, true])
    expect((await f.billing.totals()).revenue).toEqual({ chf: 900 })
  })

  it('ignores events older than the last applied one, and events about unknown accounts', async () => {
    const dan = await f.account('dan')
    const older = subscriptionEvent('customer.subscription.deleted', IDS, 'canceled')
    const newer = checkoutCompleted(dan.id, 'premium', IDS)
    expect((await post(newer)).status).toBe(200)
    expect((await post(older)).status).toBe(200)
    expect(await planOf(dan.peer)).toBe('premium')
    expect((await post(checkoutCompleted('no-such-account', 'premium', { customer: 'cus_x', subscription: 'sub_x' }))).status).toBe(200)
    expect((await f.billing.totals()).accountsByPlan).toEqual({ free: 0, premium: 1 })
  })

  it('answers 404 where the node has no billing, 503 without a webhook secret, 413 for huge bodies', async () => {
    const { createHttpApp } = await import('../../../rendezvous/http/http-app.ts')
    const bare = createHttpApp({ peerId: () => 'p', multiaddrs: () => [], metricsText: async () => '', policy: () => ({ version: 1, text: '' }) })
    expect((await bare.request('/webhooks/stripe', { method: 'POST', body: '{}' })).status).toBe(404)
    const unset = await billingFixture({ billing: {} })
    try {
      const res = await unset.app.request('/webhooks/stripe', { method: 'POST', body: '{}', headers: { 'stripe-signature': 't=1,v1=00' } })
      expect(res.status).toBe(503)
      const huge = await unset.app.request('/webhooks/stripe', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers: { 'stripe-signature': 't=1,v1=00' } })
      expect(huge.status).toBe(413)
    } finally {
      await unset.close()
    }
  })
})
