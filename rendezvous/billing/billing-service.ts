// Plans, usage, invoices and payments for accounts, as a plain domain service over injected
// stores. Other modules ask it what a peer may do: `limitsFor(peerId)` (docs/billing.md).
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { WebhookError } from './errors.ts'
import { FREE_PLAN, limitsOf } from './plans.ts'
import { StripeWebhooks } from './stripe-webhooks.ts'
import type { AccountBilling, BillingStore, BillingTotals, InvoiceRecord } from './billing-store.ts'
import type { Plans, ResolvedLimits, StripeConfig } from './plans.ts'
import type { PeerPlan } from './quota.ts'
import type { StripeGateway } from './stripe-gateway.ts'
import type { WebhookOutcome } from './stripe-webhooks.ts'
import type { AccountStore } from '../accounts/account-store.ts'
import type { AccountBillingHooks, AccountPlans, BillingExport } from '../accounts/account-billing.ts'
import type { RendezvousStore } from '../storage/store.ts'
import type { PlanStatus } from '../../protocol/wire/generated/messages.ts'

/** Processed webhook event ids are kept this long; Stripe stops retrying after three days. */
const EVENT_RETENTION_MS = 30 * 86_400_000

export interface PlanView {
  plan: string
  limits: ResolvedLimits
  usage: { mailboxMessages: number, mailboxBytes: number }
  subscriptionStatus?: string
  invoices: InvoiceRecord[]
  plans: string[]
  checkoutPlans: string[]
}

export type { BillingExport } from '../accounts/account-billing.ts'

export interface BillingServiceInit {
  accounts: AccountStore
  store: BillingStore
  plans: Plans
  stripe: StripeConfig
  /** Mailbox storage, for usage figures. */
  mailbox?: RendezvousStore
  /** Stripe access; without it the node takes no payments and webhooks answer 503. */
  gateway?: StripeGateway
  now?: () => number
}

const iso = (ms: number): string => new Date(ms).toISOString()

export class BillingService implements AccountBillingHooks, AccountPlans {
  readonly #init: BillingServiceInit
  readonly #now: () => number
  readonly #webhooks: StripeWebhooks

  constructor (init: BillingServiceInit) {
    this.#init = init
    this.#now = init.now ?? Date.now
    this.#webhooks = new StripeWebhooks({ store: init.store, accounts: init.accounts, plans: init.plans, stripe: init.stripe, now: this.#now })
  }

  get plans (): Plans {
    return this.#init.plans
  }

  /**
   * What a peer may do: the limits of the plan of the account this device belongs to, or the free
   * plan for peers without an account. For the mailbox, attachments and groups.
   */
  async limitsFor (peerId: string): Promise<ResolvedLimits> {
    return (await this.planOf(peerId)).limits
  }

  /** limitsFor and accountIdOf in one account read (the mailbox asks both for every deposit's sender). */
  async planOf (peerId: string): Promise<PeerPlan> {
    const account = await this.#init.accounts.getAccountByDevice(peerId)
    const limits = await this.limitsForAccount(account?.id)
    // The owner may keep waiting mail for less time than the plan allows (never longer).
    const chosen = account?.mailRetentionMs
    if (chosen == null || chosen >= limits.mailbox.retentionMs) return { accountId: account?.id, limits }
    return { accountId: account?.id, limits: { ...limits, mailbox: { ...limits.mailbox, retentionMs: chosen } } }
  }

  async mailRetentionCapMs (accountId: string): Promise<number> {
    return (await this.limitsForAccount(accountId)).mailbox.retentionMs
  }

  /** The device's account id, if it belongs to one (deposit rates are shared per account). */
  async accountIdOf (peerId: string): Promise<string | undefined> {
    return (await this.#init.accounts.getAccountByDevice(peerId))?.id
  }

  async limitsForAccount (accountId: string | undefined): Promise<ResolvedLimits> {
    if (accountId == null) return limitsOf(this.#init.plans, FREE_PLAN)
    const billing = await this.#init.store.get(accountId)
    return limitsOf(this.#init.plans, billing?.plan ?? FREE_PLAN)
  }

  async #accountOf (peer: string): Promise<string> {
    const account = await this.#init.accounts.getAccountByDevice(peer)
    if (account == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'this device has no account on this node')
    return account.id
  }

  /** Plan, limits, current usage and invoices of the peer's account. */
  async view (peer: string): Promise<PlanView> {
    const accountId = await this.#accountOf(peer)
    const billing = await this.#init.store.get(accountId)
    const usage = { mailboxMessages: 0, mailboxBytes: 0 }
    for (const d of await this.#init.accounts.listDevices(accountId)) {
      const u = await this.#init.mailbox?.usage(d.peerId, this.#now())
      usage.mailboxMessages += u?.count ?? 0
      usage.mailboxBytes += u?.bytes ?? 0
    }
    const limits = await this.limitsForAccount(accountId)
    return {
      plan: limits.plan,
      limits,
      usage,
      subscriptionStatus: billing?.subscriptionStatus,
      invoices: await this.#init.store.listInvoices(accountId),
      plans: Object.keys(this.#init.plans),
      checkoutPlans: this.#init.gateway?.checkoutPlans() ?? []
    }
  }

  /** A Stripe Checkout page where the peer's account buys `plan`; the webhook applies it once paid. */
  /** view() as the PlanStatus message of the account protocol (GET_PLAN). */
  async planStatus (peer: string): Promise<PlanStatus> {
    return toWirePlanStatus(await this.view(peer))
  }

  async checkout (peer: string, plan: string): Promise<{ url: string }> {
    const accountId = await this.#accountOf(peer)
    if (!Object.hasOwn(this.#init.plans, plan)) throw new ProtocolError(ErrorCode.INVALID, `plan: no plan ${JSON.stringify(plan)} (plans: ${Object.keys(this.#init.plans).join(', ')})`)
    if (plan === FREE_PLAN) throw new ProtocolError(ErrorCode.INVALID, 'plan: the free plan needs no payment')
    const gateway = this.#init.gateway
    if (gateway == null) throw new ProtocolError(ErrorCode.INVALID, 'payments are not available on this node')
    const billing = await this.#init.store.get(accountId)
    if (billing?.plan === plan && billing.source === 'stripe' && billing.subscriptionStatus !== 'canceled') throw new ProtocolError(ErrorCode.ALREADY_EXISTS, `this account already has the ${plan} plan`)
    const { url } = await gateway.createCheckout({ accountId, plan, customerId: billing?.customerId })
    return { url }
  }

  /** Verifies and applies a Stripe webhook; throws WebhookError (see errors.ts) for anything unverified. */
  async handleWebhook (rawBody: Uint8Array, signature: string | undefined): Promise<WebhookOutcome> {
    const gateway = this.#init.gateway
    if (gateway == null) throw new WebhookError('not-configured', 'this node takes no payments')
    return await this.#webhooks.apply(gateway.verify(rawBody, signature, this.#now()))
  }

  /** Operator: sets an account's plan by hand (gifts, support, tests). Stripe events may change it later. */
  async grant (accountId: string, plan: string): Promise<AccountBilling> {
    if (!Object.hasOwn(this.#init.plans, plan)) throw new ProtocolError(ErrorCode.INVALID, `no plan ${JSON.stringify(plan)} (plans: ${Object.keys(this.#init.plans).join(', ')})`)
    if (await this.#init.accounts.getAccount(accountId) == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no account ${accountId}`)
    const current = await this.#init.store.get(accountId)
    const next: AccountBilling = { ...(current ?? { accountId, eventAt: 0 }), plan, source: 'admin', updatedAt: this.#now() }
    await this.#init.store.put(next)
    return next
  }

  /** Operator: back to free. With `plan`, only if that is the account's current plan. */
  async revoke (accountId: string, plan?: string): Promise<AccountBilling> {
    const current = await this.limitsForAccount(accountId)
    if (plan != null && current.plan !== plan) throw new ProtocolError(ErrorCode.INVALID, `the account has the ${current.plan} plan, not ${plan}`)
    return await this.grant(accountId, FREE_PLAN)
  }

  async totals (): Promise<BillingTotals> {
    return await this.#init.store.totals(Object.keys(this.#init.plans))
  }

  async exportFor (accountId: string): Promise<BillingExport> {
    const b = await this.#init.store.get(accountId)
    return {
      plan: (await this.limitsForAccount(accountId)).plan,
      planSource: b?.source ?? 'default',
      paymentProcessor: b?.customerId != null ? 'stripe' : null,
      customerId: b?.customerId ?? null,
      subscriptionId: b?.subscriptionId ?? null,
      subscriptionStatus: b?.subscriptionStatus ?? null,
      invoices: (await this.#init.store.listInvoices(accountId)).map(i => ({
        id: i.id, amount: i.amount, currency: i.currency, status: i.status, periodStart: iso(i.periodStart), periodEnd: iso(i.periodEnd), hostedUrl: i.hostedUrl ?? null
      }))
    }
  }

  /** Before an account is deleted: end its subscription so nobody is charged for an account that is gone. */
  async beforeDelete (accountId: string): Promise<void> {
    const b = await this.#init.store.get(accountId)
    if (b?.subscriptionId == null || b.subscriptionStatus === 'canceled') return
    if (this.#init.gateway == null) throw new ProtocolError(ErrorCode.INTERNAL, 'the account has a subscription this node cannot cancel (no Stripe key); ask the operator')
    await this.#init.gateway.cancelSubscription(b.subscriptionId)
  }

  async purge (): Promise<number> {
    return await this.#init.store.purgeEventsBefore(this.#now() - EVENT_RETENTION_MS)
  }
}

/** PlanView as the PlanStatus message of `/babacloud/account/1.0.0` (GET_PLAN). */
export function toWirePlanStatus (v: PlanView): PlanStatus {
  const l = v.limits
  return {
    plan: v.plan,
    limits: {
      mailboxMaxMessages: l.mailbox.maxMessages,
      mailboxMaxBytes: l.mailbox.maxBytes,
      retentionMs: l.mailbox.retentionMs,
      attachmentMaxBytes: l.attachmentMaxBytes,
      groupMaxMembers: l.groupMaxMembers,
      depositsPerMinute: l.depositsPerMinute
    },
    mailboxMessages: v.usage.mailboxMessages,
    mailboxBytes: v.usage.mailboxBytes,
    subscriptionStatus: v.subscriptionStatus ?? '',
    invoices: v.invoices.map(i => ({
      id: i.id,
      amount: i.amount,
      currency: i.currency,
      status: i.status,
      periodStart: BigInt(i.periodStart),
      periodEnd: BigInt(i.periodEnd),
      hostedUrl: i.hostedUrl ?? ''
    })),
    plans: v.plans,
    checkoutAvailable: v.checkoutPlans.length > 0
  }
}
