// BillingStore written once over kysely, in the database of the account store (accounts.sqlite or
// PostgreSQL), so a deleted account takes its billing row and its link to invoices with it in the
// same transaction, and every instance sharing a PostgreSQL database applies the same plan.
import { sql } from 'kysely'
import { affected, toNumber } from '../storage/sql-database.ts'
import type { SqlDatabase } from '../storage/sql-database.ts'
import type { SqlAccountStore } from '../accounts/sql-account-store.ts'
import { BILLING_MIGRATIONS } from './billing-migrations.ts'
import type { Kysely, Selectable } from 'kysely'
import type { AccountBilling, BillingStore, BillingTotals, InvoiceRecord, PlanSource } from './billing-store.ts'

type Int = number | string

interface BillingTables {
  accounts: { id: string }
  billing: {
    account_id: string, plan: string, source: string, customer_id: string | null, subscription_id: string | null,
    subscription_status: string | null, event_at: Int, updated_at: Int
  }
  invoices: {
    id: string, account_id: string | null, customer_id: string | null, amount: Int, currency: string, status: string,
    period_start: Int, period_end: Int, hosted_url: string | null, created_at: Int
  }
  billing_events: { id: string, type: string, processed_at: Int }
}

const toBilling = (r: Selectable<BillingTables['billing']>): AccountBilling => ({
  accountId: r.account_id,
  plan: r.plan,
  source: r.source as PlanSource,
  customerId: r.customer_id ?? undefined,
  subscriptionId: r.subscription_id ?? undefined,
  subscriptionStatus: r.subscription_status ?? undefined,
  eventAt: toNumber(r.event_at),
  updatedAt: toNumber(r.updated_at)
})

const toInvoice = (r: Selectable<BillingTables['invoices']>): InvoiceRecord => ({
  id: r.id,
  accountId: r.account_id ?? undefined,
  customerId: r.customer_id ?? undefined,
  amount: toNumber(r.amount),
  currency: r.currency,
  status: r.status,
  periodStart: toNumber(r.period_start),
  periodEnd: toNumber(r.period_end),
  hostedUrl: r.hosted_url ?? undefined,
  createdAt: toNumber(r.created_at)
})

export class SqlBillingStore implements BillingStore {
  readonly #db: Kysely<BillingTables>

  private constructor (sql: SqlDatabase) {
    this.#db = sql.kysely<BillingTables>()
  }

  /**
   * On the account store's database (so it lives and closes with it), with the billing
   * migrations applied there.
   */
  static async open (accounts: SqlAccountStore): Promise<SqlBillingStore> {
    await accounts.sql.migrate(BILLING_MIGRATIONS)
    return new SqlBillingStore(accounts.sql)
  }

  async #one (column: 'account_id' | 'customer_id' | 'subscription_id', value: string): Promise<AccountBilling | undefined> {
    const r = await this.#db.selectFrom('billing').selectAll().where(column, '=', value).orderBy('updated_at', 'desc').limit(1).executeTakeFirst()
    return r == null ? undefined : toBilling(r)
  }

  async get (accountId: string): Promise<AccountBilling | undefined> {
    return await this.#one('account_id', accountId)
  }

  async findByCustomer (customerId: string): Promise<AccountBilling | undefined> {
    return await this.#one('customer_id', customerId)
  }

  async findBySubscription (subscriptionId: string): Promise<AccountBilling | undefined> {
    return await this.#one('subscription_id', subscriptionId)
  }

  async put (b: AccountBilling): Promise<void> {
    await this.#db.insertInto('billing').values({
      account_id: b.accountId, plan: b.plan, source: b.source, customer_id: b.customerId ?? null, subscription_id: b.subscriptionId ?? null,
      subscription_status: b.subscriptionStatus ?? null, event_at: b.eventAt, updated_at: b.updatedAt
    }).onConflict(oc => oc.column('account_id').doUpdateSet(eb => ({
      plan: eb.ref('excluded.plan'),
      source: eb.ref('excluded.source'),
      customer_id: eb.ref('excluded.customer_id'),
      subscription_id: eb.ref('excluded.subscription_id'),
      subscription_status: eb.ref('excluded.subscription_status'),
      event_at: eb.ref('excluded.event_at'),
      updated_at: eb.ref('excluded.updated_at')
    }))).execute()
  }

  async putInvoice (i: InvoiceRecord): Promise<void> {
    // Events arrive in any order: a late payment_failed must not reopen a paid invoice, and an
    // invoice kept after its account was deleted must not gain personal data again.
    await this.#db.insertInto('invoices').values({
      id: i.id, account_id: i.accountId ?? null, customer_id: i.customerId ?? null, amount: i.amount, currency: i.currency, status: i.status,
      period_start: i.periodStart, period_end: i.periodEnd, hosted_url: i.hostedUrl ?? null, created_at: i.createdAt
    }).onConflict(oc => oc.column('id').doUpdateSet(eb => ({
      amount: eb.ref('excluded.amount'),
      currency: eb.ref('excluded.currency'),
      status: sql<string>`CASE WHEN invoices.status = 'paid' THEN 'paid' ELSE excluded.status END`,
      period_start: eb.ref('excluded.period_start'),
      period_end: eb.ref('excluded.period_end'),
      hosted_url: sql<string | null>`CASE WHEN invoices.account_id IS NULL AND invoices.customer_id IS NULL THEN NULL ELSE excluded.hosted_url END`
    }))).execute()
  }

  async claimInvoices (customerId: string, accountId: string): Promise<number> {
    const r = await this.#db.updateTable('invoices').set({ account_id: accountId }).where('customer_id', '=', customerId).where('account_id', 'is', null).executeTakeFirst()
    return affected(r.numUpdatedRows)
  }

  async listInvoices (accountId: string): Promise<InvoiceRecord[]> {
    const rows = await this.#db.selectFrom('invoices').selectAll().where('account_id', '=', accountId).orderBy('period_start', 'desc').orderBy('created_at', 'desc').execute()
    return rows.map(toInvoice)
  }

  async hasEvent (eventId: string): Promise<boolean> {
    return (await this.#db.selectFrom('billing_events').select('id').where('id', '=', eventId).executeTakeFirst()) != null
  }

  async recordEvent (eventId: string, type: string, at: number): Promise<void> {
    await this.#db.insertInto('billing_events').values({ id: eventId, type, processed_at: at }).onConflict(oc => oc.column('id').doNothing()).execute()
  }

  async purgeEventsBefore (before: number): Promise<number> {
    return affected((await this.#db.deleteFrom('billing_events').where('processed_at', '<', before).executeTakeFirst()).numDeletedRows)
  }

  async totals (plans: string[]): Promise<BillingTotals> {
    const accountsByPlan: Record<string, number> = Object.fromEntries(plans.map(p => [p, 0]))
    // Accounts without a billing row are on the free plan.
    const byPlan = await this.#db.selectFrom('accounts as a').leftJoin('billing as b', 'b.account_id', 'a.id')
      .select([sql<string>`coalesce(b.plan, 'free')`.as('plan'), eb => eb.fn.countAll<Int>().as('n')]).groupBy(sql`1`).execute()
    for (const r of byPlan) accountsByPlan[r.plan] = (accountsByPlan[r.plan] ?? 0) + toNumber(r.n)
    const byStatus = await this.#db.selectFrom('invoices').select(['status', eb => eb.fn.countAll<Int>().as('n')]).groupBy('status').execute()
    const paid = await this.#db.selectFrom('invoices').select(['currency', eb => eb.fn.sum<Int>('amount').as('total')]).where('status', '=', 'paid').groupBy('currency').execute()
    return {
      accountsByPlan,
      invoicesByStatus: Object.fromEntries(byStatus.map(r => [r.status, toNumber(r.n)])),
      revenue: Object.fromEntries(paid.map(r => [r.currency, toNumber(r.total)]))
    }
  }
}
