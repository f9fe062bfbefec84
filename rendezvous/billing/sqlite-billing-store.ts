// BillingStore in the accounts database (accounts.sqlite), so a deleted account takes its billing
// row with it in the same transaction (see the trigger below).
import type { AccountBilling, BillingStore, BillingTotals, InvoiceRecord, PlanSource } from './billing-store.ts'
import type Database from 'better-sqlite3'

/**
 * Appended to SqliteAccountStore's migrations. On account deletion the trigger drops the billing
 * row (processor ids) and keeps each invoice only as the books require: id, amount, currency,
 * status, period and date, with no account, no customer id and no hosted URL (that page shows
 * the buyer).
 */
export const BILLING_MIGRATION = `
  CREATE TABLE billing (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    plan TEXT NOT NULL, source TEXT NOT NULL,
    customer_id TEXT, subscription_id TEXT, subscription_status TEXT,
    event_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX billing_by_customer ON billing (customer_id);
  CREATE INDEX billing_by_subscription ON billing (subscription_id);
  CREATE TABLE invoices (
    id TEXT PRIMARY KEY, account_id TEXT, customer_id TEXT,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
    period_start INTEGER NOT NULL, period_end INTEGER NOT NULL, hosted_url TEXT, created_at INTEGER NOT NULL
  );
  CREATE INDEX invoices_by_account ON invoices (account_id);
  CREATE TABLE billing_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, processed_at INTEGER NOT NULL);
  CREATE INDEX billing_events_by_time ON billing_events (processed_at);
  CREATE TRIGGER billing_forget_account AFTER DELETE ON accounts BEGIN
    DELETE FROM billing WHERE account_id = OLD.id;
    UPDATE invoices SET account_id = NULL, customer_id = NULL, hosted_url = NULL WHERE account_id = OLD.id;
  END;`

interface BillingRow {
  account_id: string
  plan: string
  source: string
  customer_id: string | null
  subscription_id: string | null
  subscription_status: string | null
  event_at: number
  updated_at: number
}

interface InvoiceRow {
  id: string
  account_id: string | null
  customer_id: string | null
  amount: number
  currency: string
  status: string
  period_start: number
  period_end: number
  hosted_url: string | null
  created_at: number
}

const toBilling = (r: BillingRow): AccountBilling => ({
  accountId: r.account_id,
  plan: r.plan,
  source: r.source as PlanSource,
  customerId: r.customer_id ?? undefined,
  subscriptionId: r.subscription_id ?? undefined,
  subscriptionStatus: r.subscription_status ?? undefined,
  eventAt: r.event_at,
  updatedAt: r.updated_at
})

const toInvoice = (r: InvoiceRow): InvoiceRecord => ({
  id: r.id,
  accountId: r.account_id ?? undefined,
  customerId: r.customer_id ?? undefined,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  hostedUrl: r.hosted_url ?? undefined,
  createdAt: r.created_at
})

export class SqliteBillingStore implements BillingStore {
  readonly #db: Database.Database

  /** `db`: the accounts database, already migrated by SqliteAccountStore. */
  constructor (db: Database.Database) {
    this.#db = db
    // `babacloud admin` writes while the node may be running: wait for its lock instead of failing.
    this.#db.pragma('busy_timeout = 5000')
  }

  #one (where: string, value: string): AccountBilling | undefined {
    const r = this.#db.prepare(`SELECT * FROM billing WHERE ${where} = ? ORDER BY updated_at DESC LIMIT 1`).get(value) as BillingRow | undefined
    return r == null ? undefined : toBilling(r)
  }

  async get (accountId: string): Promise<AccountBilling | undefined> {
    return this.#one('account_id', accountId)
  }

  async findByCustomer (customerId: string): Promise<AccountBilling | undefined> {
    return this.#one('customer_id', customerId)
  }

  async findBySubscription (subscriptionId: string): Promise<AccountBilling | undefined> {
    return this.#one('subscription_id', subscriptionId)
  }

  async put (b: AccountBilling): Promise<void> {
    this.#db.prepare(`INSERT INTO billing (account_id, plan, source, customer_id, subscription_id, subscription_status, event_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET plan = excluded.plan, source = excluded.source,
      customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, subscription_status = excluded.subscription_status,
      event_at = excluded.event_at, updated_at = excluded.updated_at`)
      .run(b.accountId, b.plan, b.source, b.customerId ?? null, b.subscriptionId ?? null, b.subscriptionStatus ?? null, b.eventAt, b.updatedAt)
  }

  async putInvoice (i: InvoiceRecord): Promise<void> {
    // Events arrive in any order: a late payment_failed must not reopen a paid invoice, and an
    // invoice kept after its account was deleted must not gain personal data again.
    this.#db.prepare(`INSERT INTO invoices (id, account_id, customer_id, amount, currency, status, period_start, period_end, hosted_url, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, currency = excluded.currency,
      status = CASE WHEN invoices.status = 'paid' THEN 'paid' ELSE excluded.status END,
      period_start = excluded.period_start, period_end = excluded.period_end,
      hosted_url = CASE WHEN invoices.account_id IS NULL AND invoices.customer_id IS NULL THEN NULL ELSE excluded.hosted_url END`)
      .run(i.id, i.accountId ?? null, i.customerId ?? null, i.amount, i.currency, i.status, i.periodStart, i.periodEnd, i.hostedUrl ?? null, i.createdAt)
  }

  async claimInvoices (customerId: string, accountId: string): Promise<number> {
    return this.#db.prepare('UPDATE invoices SET account_id = ? WHERE customer_id = ? AND account_id IS NULL').run(accountId, customerId).changes
  }

  async listInvoices (accountId: string): Promise<InvoiceRecord[]> {
    return (this.#db.prepare('SELECT * FROM invoices WHERE account_id = ? ORDER BY period_start DESC, created_at DESC').all(accountId) as InvoiceRow[]).map(toInvoice)
  }

  async hasEvent (eventId: string): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM billing_events WHERE id = ?').get(eventId) != null
  }

  async recordEvent (eventId: string, type: string, at: number): Promise<void> {
    this.#db.prepare('INSERT OR IGNORE INTO billing_events (id, type, processed_at) VALUES (?, ?, ?)').run(eventId, type, at)
  }

  async purgeEventsBefore (before: number): Promise<number> {
    return this.#db.prepare('DELETE FROM billing_events WHERE processed_at < ?').run(before).changes
  }

  async totals (plans: string[]): Promise<BillingTotals> {
    const accountsByPlan: Record<string, number> = Object.fromEntries(plans.map(p => [p, 0]))
    // Accounts without a billing row are on the free plan.
    const rows = this.#db.prepare(`SELECT coalesce(b.plan, 'free') AS plan, count(*) AS n FROM accounts a
      LEFT JOIN billing b ON b.account_id = a.id GROUP BY 1`).all() as Array<{ plan: string, n: number }>
    for (const r of rows) accountsByPlan[r.plan] = (accountsByPlan[r.plan] ?? 0) + r.n
    const invoicesByStatus = Object.fromEntries((this.#db.prepare('SELECT status, count(*) AS n FROM invoices GROUP BY status').all() as Array<{ status: string, n: number }>).map(r => [r.status, r.n]))
    const revenue = Object.fromEntries((this.#db.prepare("SELECT currency, sum(amount) AS total FROM invoices WHERE status = 'paid' GROUP BY currency").all() as Array<{ currency: string, total: number }>).map(r => [r.currency, r.total]))
    return { accountsByPlan, invoicesByStatus, revenue }
  }
}
