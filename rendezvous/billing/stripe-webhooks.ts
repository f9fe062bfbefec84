// Applies verified Stripe events to plans and invoices. Idempotent by event id; events change a
// plan only if they are not older than the last one applied to that account (Stripe does not
// promise order). Objects are read through small local shapes so both older and newer API
// versions' payloads work (e.g. an invoice's subscription moved under `parent`).
import { FREE_PLAN } from './plans.ts'
import type { AccountBilling, BillingStore } from './billing-store.ts'
import type { Plans, StripeConfig } from './plans.ts'
import type { AccountStore } from '../accounts/account-store.ts'
import type Stripe from 'stripe'

export const HANDLED_EVENTS = ['checkout.session.completed', 'customer.subscription.updated', 'customer.subscription.deleted', 'invoice.paid', 'invoice.payment_failed'] as const

/** Subscription states in which the plan stays on; past_due is Stripe's retry window (grace). */
const PAID_UP = new Set(['active', 'trialing', 'past_due'])
/** States that end the plan. `incomplete` is left alone: the first payment may still succeed. */
const ENDED = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused'])

type Ref = string | { id: string } | null | undefined
const idOf = (ref: Ref): string | undefined => typeof ref === 'string' ? ref : ref?.id

interface SessionShape { client_reference_id?: string | null, customer?: Ref, subscription?: Ref, metadata?: Record<string, string> | null, payment_status?: string }
interface SubscriptionShape { id: string, customer?: Ref, status: string, metadata?: Record<string, string> | null, items?: { data?: Array<{ price?: { id?: string } | null }> } }
interface InvoiceShape {
  id: string
  customer?: Ref
  subscription?: Ref
  parent?: { subscription_details?: { subscription?: Ref, metadata?: Record<string, string> | null } | null } | null
  amount_paid?: number
  amount_due?: number
  currency?: string
  status?: string | null
  period_start?: number
  period_end?: number
  hosted_invoice_url?: string | null
  created?: number
}

export interface WebhookOutcome {
  eventId: string
  type: string
  /** The event id was applied before: nothing changed. */
  duplicate: boolean
  /** Whose billing changed; absent for events about nobody we know or types we ignore. */
  accountId?: string
}

export interface StripeWebhooksInit {
  store: BillingStore
  accounts: AccountStore
  plans: Plans
  stripe: StripeConfig
  now: () => number
}

export class StripeWebhooks {
  readonly #init: StripeWebhooksInit
  // One event at a time: a duplicate delivered concurrently must see the first one's record.
  #queue: Promise<unknown> = Promise.resolve()

  constructor (init: StripeWebhooksInit) {
    this.#init = init
  }

  async apply (event: Stripe.Event): Promise<WebhookOutcome> {
    const run = this.#queue.then(async () => await this.#applyNow(event))
    this.#queue = run.catch(() => {})
    return await run
  }

  async #applyNow (event: Stripe.Event): Promise<WebhookOutcome> {
    const store = this.#init.store
    if (await store.hasEvent(event.id)) return { eventId: event.id, type: event.type, duplicate: true }
    const object: unknown = event.data.object
    let accountId: string | undefined
    switch (event.type) {
      case 'checkout.session.completed': accountId = await this.#checkoutCompleted(object as SessionShape, event.created); break
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': accountId = await this.#subscriptionChanged(object as SubscriptionShape, event.created, event.type === 'customer.subscription.deleted'); break
      case 'invoice.paid':
      case 'invoice.payment_failed': accountId = await this.#invoice(object as InvoiceShape, event.created, event.type === 'invoice.paid'); break
      default: break
    }
    // Recorded last: if applying failed, Stripe's retry gets a second chance.
    await store.recordEvent(event.id, event.type, this.#init.now())
    return { eventId: event.id, type: event.type, duplicate: false, accountId }
  }

  /** Writes the account's billing if this event is not older than the one that last changed it. */
  async #update (accountId: string, created: number, change: (current: AccountBilling) => Partial<AccountBilling>): Promise<boolean> {
    const current = await this.#init.store.get(accountId) ?? { accountId, plan: FREE_PLAN, source: 'default', eventAt: 0, updatedAt: 0 }
    if (created < current.eventAt) return false
    await this.#init.store.put({ ...current, ...change(current), eventAt: created, updatedAt: this.#init.now() })
    return true
  }

  #knownPlan (name: string | undefined): string | undefined {
    return name != null && Object.hasOwn(this.#init.plans, name) ? name : undefined
  }

  #planOfPrice (priceId: string | undefined): string | undefined {
    return Object.entries(this.#init.stripe.prices).find(([, price]) => price === priceId)?.[0]
  }

  async #checkoutCompleted (s: SessionShape, created: number): Promise<string | undefined> {
    const accountId = s.client_reference_id ?? undefined
    const plan = this.#knownPlan(s.metadata?.plan ?? undefined)
    if (accountId == null || plan == null || s.payment_status === 'unpaid') return undefined
    if (await this.#init.accounts.getAccount(accountId) == null) return undefined
    const customerId = idOf(s.customer)
    await this.#update(accountId, created, () => ({ plan, source: 'stripe', customerId, subscriptionId: idOf(s.subscription), subscriptionStatus: 'active' }))
    if (customerId != null) await this.#init.store.claimInvoices(customerId, accountId)
    return accountId
  }

  async #find (subscriptionId: string | undefined, customerId: string | undefined): Promise<AccountBilling | undefined> {
    const store = this.#init.store
    return (subscriptionId != null ? await store.findBySubscription(subscriptionId) : undefined) ??
      (customerId != null ? await store.findByCustomer(customerId) : undefined)
  }

  async #subscriptionChanged (sub: SubscriptionShape, created: number, deleted: boolean): Promise<string | undefined> {
    const billing = await this.#find(sub.id, idOf(sub.customer))
    if (billing == null) return undefined
    // An event about an older subscription of this customer must not end the current one.
    if (billing.subscriptionId != null && billing.subscriptionId !== sub.id) return undefined
    const status = deleted ? 'canceled' : sub.status
    const paidPlan = this.#knownPlan(sub.metadata?.plan ?? undefined) ?? this.#planOfPrice(sub.items?.data?.[0]?.price?.id ?? undefined)
    await this.#update(billing.accountId, created, current => {
      if (deleted || ENDED.has(status)) return { plan: FREE_PLAN, source: 'stripe', subscriptionId: sub.id, subscriptionStatus: status }
      if (PAID_UP.has(status) && paidPlan != null) return { plan: paidPlan, source: 'stripe', subscriptionId: sub.id, subscriptionStatus: status }
      return { plan: current.plan, subscriptionId: sub.id, subscriptionStatus: status }
    })
    return billing.accountId
  }

  async #invoice (inv: InvoiceShape, created: number, paid: boolean): Promise<string | undefined> {
    const details = inv.parent?.subscription_details
    const subscriptionId = idOf(inv.subscription) ?? idOf(details?.subscription)
    const customerId = idOf(inv.customer)
    const billing = await this.#find(subscriptionId, customerId)
    await this.#init.store.putInvoice({
      id: inv.id,
      accountId: billing?.accountId,
      customerId,
      amount: (paid ? inv.amount_paid : inv.amount_due) ?? 0,
      currency: inv.currency ?? '',
      status: inv.status ?? (paid ? 'paid' : 'open'),
      periodStart: (inv.period_start ?? 0) * 1000,
      periodEnd: (inv.period_end ?? 0) * 1000,
      hostedUrl: inv.hosted_invoice_url ?? undefined,
      createdAt: (inv.created ?? created) * 1000
    })
    if (billing == null || (subscriptionId != null && billing.subscriptionId != null && billing.subscriptionId !== subscriptionId)) return billing?.accountId
    // A paid invoice means the subscription is paid up; a failed one starts Stripe's retries, during
    // which the plan stays (the subscription events end it if the retries fail).
    const paidPlan = this.#knownPlan(details?.metadata?.plan ?? undefined)
    await this.#update(billing.accountId, created, current => paid
      ? { plan: paidPlan ?? current.plan, source: paidPlan != null ? 'stripe' : current.source, subscriptionStatus: 'active' }
      : { subscriptionStatus: 'past_due' })
    return billing.accountId
  }
}
