// What accounts need from billing, defined here so imports go one way: rendezvous/billing builds on
// accounts (their store, their ids) and implements these; accounts never import billing.
// The dependency-cruiser rule `accounts-not-billing` keeps it so.
import type { PlanStatus } from '../../protocol/wire/generated/messages.ts'

/** The billing part of the account export (account-export.ts). */
export interface BillingExport {
  plan: string
  planSource: string
  paymentProcessor: 'stripe' | null
  customerId: string | null
  subscriptionId: string | null
  subscriptionStatus: string | null
  invoices: Array<{ id: string, amount: number, currency: string, status: string, periodStart: string, periodEnd: string, hostedUrl: string | null }>
}

/** Account export and deletion (AccountService). */
export interface AccountBillingHooks {
  exportFor(accountId: string): Promise<BillingExport>
  /** Ends a running subscription; throws (and the deletion stops) if that fails. */
  beforeDelete(accountId: string): Promise<void>
  /** The longest the account's plan lets its waiting mail be kept, ms. */
  mailRetentionCapMs(accountId: string): Promise<number>
}

/** Plan requests of `/babacloud/account/1.0.0` (AccountProtocol: GET_PLAN, CHECKOUT). */
export interface AccountPlans {
  /** The peer's plan, limits, usage and invoices as the wire's PlanStatus. */
  planStatus(peer: string): Promise<PlanStatus>
  checkout(peer: string, plan: string): Promise<{ url: string }>
}
