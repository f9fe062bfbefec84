// Storage of billing: each account's plan and its payment processor ids, invoice summaries, and
// the webhook events already applied. Never card data: the processor keeps that.

export type PlanSource = 'default' | 'stripe' | 'admin'

export interface AccountBilling {
  accountId: string
  plan: string
  source: PlanSource
  /** Stripe customer (`cus_…`) and subscription (`sub_…`) ids; absent without a purchase. */
  customerId?: string
  subscriptionId?: string
  /** Stripe's subscription status (active, past_due, canceled…). */
  subscriptionStatus?: string
  /** `created` of the newest processor event applied (s); older events no longer change the plan. */
  eventAt: number
  updatedAt: number
}

export interface InvoiceRecord {
  id: string
  /** Null once the account is deleted: the record stays for the books, the link to the person goes. */
  accountId?: string
  /** Kept until the account is known (an invoice may arrive before its checkout completes). */
  customerId?: string
  amount: number
  currency: string
  status: string
  periodStart: number
  periodEnd: number
  hostedUrl?: string
  createdAt: number
}

export interface BillingTotals {
  accountsByPlan: Record<string, number>
  invoicesByStatus: Record<string, number>
  /** Sum of paid invoices per currency, in the currency's smallest unit. */
  revenue: Record<string, number>
}

export interface BillingStore {
  get(accountId: string): Promise<AccountBilling | undefined>
  findByCustomer(customerId: string): Promise<AccountBilling | undefined>
  findBySubscription(subscriptionId: string): Promise<AccountBilling | undefined>
  /** Creates or replaces the account's billing row (the account must exist). */
  put(billing: AccountBilling): Promise<void>
  /** Inserts or updates by invoice id; an invoice never moves to another account. */
  putInvoice(invoice: InvoiceRecord): Promise<void>
  listInvoices(accountId: string): Promise<InvoiceRecord[]>
  /** Links invoices that arrived before the customer was known to its account; returns how many. */
  claimInvoices(customerId: string, accountId: string): Promise<number>
  /** Whether a processor event id was applied before (webhook idempotency). */
  hasEvent(eventId: string): Promise<boolean>
  recordEvent(eventId: string, type: string, at: number): Promise<void>
  /** Forgets event ids older than `before`; the processor stops retrying long before. */
  purgeEventsBefore(before: number): Promise<number>
  /** Aggregates only: no account ids, no names. `plans` lists plans to report even at zero. */
  totals(plans: string[]): Promise<BillingTotals>
}
