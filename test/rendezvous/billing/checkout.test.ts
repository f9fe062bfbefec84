// Checkout sessions through the real Stripe SDK, pointed at a local HTTP server standing in for
// api.stripe.com: what the SDK sends (form-encoded) is what Stripe would receive.
import { afterEach, describe, expect, it } from 'vitest'
import { StripeGateway } from '../../../rendezvous/billing/stripe-gateway.ts'
import { resolveConfig } from '../../../rendezvous/config.ts'
import { billingFixture } from './fixture.ts'
import { fakeStripe } from './stripe-fakes.ts'
import type { StripeConfig } from '../../../rendezvous/billing/plans.ts'

const stripeConfig = (apiBase: string): StripeConfig => resolveConfig({
  billing: { stripe: { secretKey: 'sk_test_babacloud', apiBase, prices: { premium: 'price_premium_monthly' }, successUrl: 'https://chat.example.org/paid', cancelUrl: 'https://chat.example.org/cancelled' } }
}).billing.stripe

describe('Stripe Checkout', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => { for (const c of closers.splice(0)) await c() })

  it('creates a subscription session for the account with the plan in its metadata', async () => {
    const api = await fakeStripe()
    closers.push(api.close)
    const gateway = new StripeGateway(stripeConfig(api.base), {})
    const session = await gateway.createCheckout({ accountId: 'acct42', plan: 'premium' })
    expect(session.url).toBe('https://checkout.stripe.com/c/pay/cs_test_1')
    expect(api.requests).toHaveLength(1)
    const [req] = api.requests
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/v1/checkout/sessions')
    expect(req.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/)
    expect(req.headers.authorization).toBe('Bearer sk_test_babacloud')
    expect(Object.fromEntries(req.form)).toMatchObject({
      mode: 'subscription',
      client_reference_id: 'acct42',
      'metadata[plan]': 'premium',
      'subscription_data[metadata][plan]': 'premium',
      'line_items[0][price]': 'price_premium_monthly',
      'line_items[0][quantity]': '1',
      success_url: 'https://chat.example.org/paid',
      cancel_url: 'https://chat.example.org/cancelled'
    })
    expect(req.form.has('customer')).toBe(false)
  })

  it('reuses the Stripe customer of an account that paid before, and cancels on deletion', async () => {
    const api = await fakeStripe()
    closers.push(api.close)
    const gateway = new StripeGateway(stripeConfig(api.base), {})
    await gateway.createCheckout({ accountId: 'acct7', plan: 'premium', customerId: 'cus_known' })
    expect(api.requests[0].form.get('customer')).toBe('cus_known')
    await gateway.cancelSubscription('sub_123')
    expect(api.requests[1]).toMatchObject({ method: 'DELETE', path: '/v1/subscriptions/sub_123' })
  })

  it('refuses plans without a price, the free plan, and nodes without a key, without calling Stripe', async () => {
    const api = await fakeStripe()
    closers.push(api.close)
    const f = await billingFixture({ plans: { family: { groups: { maxMembers: 12 } } } })
    closers.push(f.close)
    const { peer } = await f.account('erin')
    await expect(f.billing.checkout(peer, 'free')).rejects.toMatchObject({ code: 'INVALID' })
    await expect(f.billing.checkout(peer, 'gold')).rejects.toMatchObject({ code: 'INVALID', message: expect.stringMatching(/gold/) })
    // The fixture has a webhook secret but no secret key.
    await expect(f.billing.checkout(peer, 'premium')).rejects.toMatchObject({ code: 'INVALID', message: expect.stringMatching(/secret key/) })
    const gateway = new StripeGateway(stripeConfig(api.base), {})
    await expect(gateway.createCheckout({ accountId: 'a', plan: 'family' })).rejects.toMatchObject({ message: expect.stringMatching(/family plan has no price/) })
    expect(api.requests).toHaveLength(0)
    // The key may come from the environment instead of the config file.
    const fromEnv = new StripeGateway({ ...stripeConfig(api.base), secretKey: undefined }, { STRIPE_SECRET_KEY: 'sk_test_env' })
    await fromEnv.createCheckout({ accountId: 'a', plan: 'premium' })
    expect(api.requests[0].headers.authorization).toBe('Bearer sk_test_env')
  })
})
