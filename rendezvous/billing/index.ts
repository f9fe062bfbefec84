// Billing's public face: plans and their limits, payments through Stripe. Other modules ask
// `BillingService.limitsFor(peerId)` what a peer may do (docs/billing.md); the rendezvous node
// wires everything with createBilling().
import { BillingService } from './billing-service.ts'
import { DepositQuota } from './quota.ts'
import { StripeGateway } from './stripe-gateway.ts'
import type { BillingStore } from './billing-store.ts'
import type { AccountStore } from '../accounts/account-store.ts'
import type { RendezvousConfig } from '../config.ts'
import type { RendezvousStore } from '../storage/store.ts'

export { BillingService } from './billing-service.ts'
export type { BillingExport, PlanView } from './billing-service.ts'
export { quotaExceeded } from './errors.ts'
export type { LimitName } from './errors.ts'
export { FREE_PLAN, PREMIUM_PLAN } from './plans.ts'
export type { PlanLimits, Plans, ResolvedLimits } from './plans.ts'

export interface BillingComponents {
  service: BillingService
  /** For MailboxService: per-plan mailbox limits and deposits per minute. */
  quota: DepositQuota
}

export interface CreateBillingOptions {
  accounts: AccountStore
  mailbox: RendezvousStore
  config: Pick<RendezvousConfig, 'plans' | 'billing' | 'mailbox'>
  /**
   * In the account store's database, for deletion to unlink it (stores.ts openBillingStore opens
   * it there). Without one the node runs without plans.
   */
  store?: BillingStore
  now?: () => number
  env?: NodeJS.ProcessEnv
}

/**
 * Billing for a rendezvous node, or undefined without a billing store: then only the node-wide
 * mailbox limits apply.
 */
export function createBilling (options: CreateBillingOptions): BillingComponents | undefined {
  const store = options.store
  if (store == null) return undefined
  const { plans, billing, mailbox } = options.config
  const service = new BillingService({
    accounts: options.accounts,
    store,
    plans,
    stripe: billing.stripe,
    mailbox: options.mailbox,
    gateway: new StripeGateway(billing.stripe, options.env),
    now: options.now
  })
  return { service, quota: new DepositQuota(service, mailbox) }
}
