// The node's only contact with Stripe, through the official SDK: Checkout sessions, subscription
// cancellation on account deletion, and webhook signature checks. Secrets come from the config
// file or the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) and are never logged.
import Stripe from 'stripe'
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import { WebhookError, checkoutUnavailable } from './errors.ts'
import type { StripeConfig } from './plans.ts'

export interface CheckoutInput {
  accountId: string
  plan: string
  /** Reused so one person stays one Stripe customer across purchases. */
  customerId?: string
}

/** What the SDK must know to reach an API host other than api.stripe.com (stripe-mock, tests). */
function apiHost (base: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (base == null) return {}
  const url = new URL(base)
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  return { host: url.hostname, port: url.port !== '' ? Number(url.port) : (protocol === 'http' ? 80 : 443), protocol }
}

export class StripeGateway {
  readonly #config: StripeConfig
  readonly #secretKey?: string
  readonly #webhookSecret?: string
  readonly #stripe?: Stripe

  constructor (config: StripeConfig, env: NodeJS.ProcessEnv = process.env) {
    this.#config = config
    this.#secretKey = config.secretKey ?? (env.STRIPE_SECRET_KEY?.trim() || undefined)
    this.#webhookSecret = config.webhookSecret ?? (env.STRIPE_WEBHOOK_SECRET?.trim() || undefined)
    if (this.#secretKey != null) {
      // One attempt per user request: the user can retry, and a hung API should not hold the stream.
      this.#stripe = new Stripe(this.#secretKey, { ...apiHost(config.apiBase), maxNetworkRetries: 0, timeout: 15_000 })
    }
  }

  /** Plans that can be bought here, or why none can. */
  checkoutPlans (): string[] {
    if (this.#stripe == null || this.#config.successUrl == null || this.#config.cancelUrl == null) return []
    return Object.keys(this.#config.prices)
  }

  async createCheckout (input: CheckoutInput): Promise<{ id: string, url: string }> {
    const price = this.#config.prices[input.plan]
    if (this.#stripe == null) throw checkoutUnavailable('this node has no Stripe secret key')
    if (this.#config.successUrl == null || this.#config.cancelUrl == null) throw checkoutUnavailable('this node has no successUrl/cancelUrl')
    if (price == null) throw checkoutUnavailable(`the ${input.plan} plan has no price on this node`)
    let session: Stripe.Checkout.Session
    try {
      session = await this.#stripe.checkout.sessions.create({
        mode: 'subscription',
        client_reference_id: input.accountId,
        metadata: { plan: input.plan },
        // Copied onto the subscription so its later events name the plan without a price lookup.
        subscription_data: { metadata: { plan: input.plan } },
        line_items: [{ price, quantity: 1 }],
        success_url: this.#config.successUrl,
        cancel_url: this.#config.cancelUrl,
        ...(input.customerId != null ? { customer: input.customerId } : {})
      })
    } catch (err) {
      throw new ProtocolError(ErrorCode.INTERNAL, `the payment processor refused the checkout: ${errorMessage(err)}`)
    }
    if (session.url == null) throw new ProtocolError(ErrorCode.INTERNAL, 'the payment processor returned no checkout URL')
    return { id: session.id, url: session.url }
  }

  /** Ends a subscription at once (account deletion): nobody is charged for an account that is gone. */
  async cancelSubscription (subscriptionId: string): Promise<void> {
    if (this.#stripe == null) throw new ProtocolError(ErrorCode.INTERNAL, 'cannot cancel the subscription: this node has no Stripe secret key')
    try {
      await this.#stripe.subscriptions.cancel(subscriptionId)
    } catch (err) {
      if ((err as { code?: string }).code === 'resource_missing') return
      throw new ProtocolError(ErrorCode.INTERNAL, `could not cancel the subscription, try again later: ${errorMessage(err)}`)
    }
  }

  /** Checks `Stripe-Signature` over the exact raw body and the timestamp tolerance; returns the event. */
  verify (rawBody: Uint8Array, signature: string | undefined, nowMs = Date.now()): Stripe.Event {
    if (this.#webhookSecret == null) throw new WebhookError('not-configured', 'this node has no Stripe webhook secret')
    if (signature == null || signature === '') throw new WebhookError('bad-signature', 'no Stripe-Signature header')
    // The SDK reads a tolerance of 0 as "skip the age check": never let a rounding do that.
    const tolerance = Math.max(1, Math.floor(this.#config.webhookToleranceMs / 1000))
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, this.#webhookSecret, tolerance, undefined, nowMs)
    } catch (err) {
      if ((err as Error).name === 'StripeSignatureVerificationError' || (err as { type?: string }).type === 'StripeSignatureVerificationError') {
        throw new WebhookError('bad-signature', errorMessage(err))
      }
      throw new WebhookError('malformed', `webhook body is not an event: ${errorMessage(err)}`)
    }
  }
}
