// BillingStore on PostgreSQL, in the database of PostgresAccountStore, so that every instance
// sharing it applies the same plan to an account, and a deleted account takes its billing row and
// its link to invoices with it in the same transaction, as in the SQLite accounts database.
import { migrate } from '../storage/postgres-support.ts'
import type { AccountBilling, BillingStore, BillingTotals, InvoiceRecord, PlanSource } from './billing-store.ts'
import type { PostgresAccountStore } from '../accounts/postgres-account-store.ts'
import type pg from 'pg'

/**
 * Applied in order, each once, recorded in billing_migrations; they need the accounts table, which
 * is why open() takes an opened (migrated) PostgresAccountStore. Never edit one that has shipped.
 *
 * On account deletion the billing row goes (ON DELETE CASCADE) and each invoice keeps only what the
 * books require: id, amount, currency, status, period and date; the trigger drops its account,
 * customer id and hosted URL (that page shows the buyer) before the account row goes. The foreign
 * key on invoices.account_id (SET NULL) also makes a putInvoice racing the deletion either land
 * before it (and be stripped) or fail, never link an invoice to an account that is gone.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE billing (
     account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
     plan TEXT NOT NULL, source TEXT NOT NULL,
     customer_id TEXT, subscription_id TEXT, subscription_status TEXT,
     event_at BIGINT NOT NULL, updated_at BIGINT NOT NULL
   );
   CREATE INDEX billing_by_customer ON billing (customer_id);
   CREATE INDEX billing_by_subscription ON billing (subscription_id);
   CREATE TABLE invoices (
     id TEXT PRIMARY KEY, account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL, customer_id TEXT,
     amount BIGINT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
     period_start BIGINT NOT NULL, period_end BIGINT NOT NULL, hosted_url TEXT, created_at BIGINT NOT NULL
   );
   CREATE INDEX invoices_by_account ON invoices (account_id);
   CREATE INDEX invoices_by_customer ON invoices (customer_id);
   CREATE TABLE billing_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, processed_at BIGINT NOT NULL);
   CREATE INDEX billing_events_by_time ON billing_events (processed_at);
   CREATE FUNCTION billing_forget_account() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE invoices SET account_id = NULL, customer_id = NULL, hosted_url = NULL WHERE account_id = OLD.id;
     RETURN OLD;
   END $$;
   CREATE TRIGGER billing_forget_account BEFORE DELETE ON accounts
     FOR EACH ROW EXECUTE FUNCTION billing_forget_account();`
]

/** Second key of the migration lock: 'bill', apart from the other adapters' migration locks. */
const MIGRATION_LOCK = 0x62696c6c

interface BillingRow {
  account_id: string
  plan: string
  source: string
  customer_id: string | null
  subscription_id: string | null
  subscription_status: string | null
  event_at: string
  updated_at: string
}

interface InvoiceRow {
  id: string
  account_id: string | null
  customer_id: string | null
  amount: string
  currency: string
  status: string
  period_start: string
  period_end: string
  hosted_url: string | null
  created_at: string
}

// BIGINT comes back from pg as a string: every number field is converted here.
const toBilling = (r: BillingRow): AccountBilling => ({
  accountId: r.account_id,
  plan: r.plan,
  source: r.source as PlanSource,
  customerId: r.customer_id ?? undefined,
  subscriptionId: r.subscription_id ?? undefined,
  subscriptionStatus: r.subscription_status ?? undefined,
  eventAt: Number(r.event_at),
  updatedAt: Number(r.updated_at)
})

const toInvoice = (r: InvoiceRow): InvoiceRecord => ({
  id: r.id,
  accountId: r.account_id ?? undefined,
  customerId: r.customer_id ?? undefined,
  amount: Number(r.amount),
  currency: r.currency,
  status: r.status,
  periodStart: Number(r.period_start),
  periodEnd: Number(r.period_end),
  hostedUrl: r.hosted_url ?? undefined,
  createdAt: Number(r.created_at)
})

export class PostgresBillingStore implements BillingStore {
  readonly #pool: pg.Pool

  private constructor (pool: pg.Pool) {
    this.#pool = pool
  }

  /**
   * Uses the account store's pool (so it lives and closes with it, like SqliteBillingStore on the
   * accounts database) and applies the billing migrations to its database.
   */
  static async open (accounts: PostgresAccountStore): Promise<PostgresBillingStore> {
    await migrate(accounts.pool, 'billing_migrations', MIGRATION_LOCK, MIGRATIONS)
    return new PostgresBillingStore(accounts.pool)
  }

  async #one (column: 'account_id' | 'customer_id' | 'subscription_id', value: string): Promise<AccountBilling | undefined> {
    const { rows } = await this.#pool.query<BillingRow>(`SELECT * FROM billing WHERE ${column} = $1 ORDER BY updated_at DESC LIMIT 1`, [value])
    return rows[0] == null ? undefined : toBilling(rows[0])
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
    await this.#pool.query(`INSERT INTO billing (account_id, plan, source, customer_id, subscription_id, subscription_status, event_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id) DO UPDATE SET plan = excluded.plan, source = excluded.source,
      customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, subscription_status = excluded.subscription_status,
      event_at = excluded.event_at, updated_at = excluded.updated_at`,
    [b.accountId, b.plan, b.source, b.customerId ?? null, b.subscriptionId ?? null, b.subscriptionStatus ?? null, b.eventAt, b.updatedAt])
  }

  async putInvoice (i: InvoiceRecord): Promise<void> {
    // Events arrive in any order: a late payment_failed must not reopen a paid invoice, and an
    // invoice kept after its account was deleted must not gain personal data again.
    await this.#pool.query(`INSERT INTO invoices (id, account_id, customer_id, amount, currency, status, period_start, period_end, hosted_url, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, currency = excluded.currency,
      status = CASE WHEN invoices.status = 'paid' THEN 'paid' ELSE excluded.status END,
      period_start = excluded.period_start, period_end = excluded.period_end,
      hosted_url = CASE WHEN invoices.account_id IS NULL AND invoices.customer_id IS NULL THEN NULL ELSE excluded.hosted_url END`,
    [i.id, i.accountId ?? null, i.customerId ?? null, i.amount, i.currency, i.status, i.periodStart, i.periodEnd, i.hostedUrl ?? null, i.createdAt])
  }

  async claimInvoices (customerId: string, accountId: string): Promise<number> {
    return (await this.#pool.query('UPDATE invoices SET account_id = $1 WHERE customer_id = $2 AND account_id IS NULL', [accountId, customerId])).rowCount ?? 0
  }

  async listInvoices (accountId: string): Promise<InvoiceRecord[]> {
    const { rows } = await this.#pool.query<InvoiceRow>('SELECT * FROM invoices WHERE account_id = $1 ORDER BY period_start DESC, created_at DESC', [accountId])
    return rows.map(toInvoice)
  }

  async hasEvent (eventId: string): Promise<boolean> {
    return (await this.#pool.query('SELECT 1 FROM billing_events WHERE id = $1', [eventId])).rowCount === 1
  }

  async recordEvent (eventId: string, type: string, at: number): Promise<void> {
    await this.#pool.query('INSERT INTO billing_events (id, type, processed_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [eventId, type, at])
  }

  async purgeEventsBefore (before: number): Promise<number> {
    return (await this.#pool.query('DELETE FROM billing_events WHERE processed_at < $1', [before])).rowCount ?? 0
  }

  async totals (plans: string[]): Promise<BillingTotals> {
    const accountsByPlan: Record<string, number> = Object.fromEntries(plans.map(p => [p, 0]))
    // Accounts without a billing row are on the free plan.
    const byPlan = await this.#pool.query<{ plan: string, n: string }>(`SELECT coalesce(b.plan, 'free') AS plan, count(*) AS n FROM accounts a
      LEFT JOIN billing b ON b.account_id = a.id GROUP BY 1`)
    for (const r of byPlan.rows) accountsByPlan[r.plan] = (accountsByPlan[r.plan] ?? 0) + Number(r.n)
    const byStatus = await this.#pool.query<{ status: string, n: string }>('SELECT status, count(*) AS n FROM invoices GROUP BY status')
    const paid = await this.#pool.query<{ currency: string, total: string }>("SELECT currency, sum(amount) AS total FROM invoices WHERE status = 'paid' GROUP BY currency")
    return {
      accountsByPlan,
      invoicesByStatus: Object.fromEntries(byStatus.rows.map(r => [r.status, Number(r.n)])),
      revenue: Object.fromEntries(paid.rows.map(r => [r.currency, Number(r.total)]))
    }
  }
}
