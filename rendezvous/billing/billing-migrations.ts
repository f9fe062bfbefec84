// Schema of the billing store in both dialects (storage/migrations.ts). Never edit a shipped step.
// Billing lives in the accounts database and needs its accounts table: SqlBillingStore.open takes
// an opened (migrated) SqlAccountStore.
import type { DialectMigrations } from '../storage/sql-database.ts'

/**
 * On account deletion the trigger drops the billing row (processor ids) and keeps each invoice only
 * as the books require: id, amount, currency, status, period and date, with no account, no customer
 * id and no hosted URL (that page shows the buyer).
 */
const SQLITE_BILLING = `
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

/**
 * The same in PostgreSQL, where the trigger runs before the account row goes; the foreign key on
 * invoices.account_id (SET NULL) also makes a putInvoice racing the deletion either land before it
 * (and be stripped) or fail, never link an invoice to an account that is gone.
 */
const POSTGRES_BILLING = `CREATE TABLE billing (
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

export const BILLING_MIGRATIONS: DialectMigrations = {
  store: 'billing',
  sqlite: {
    store: 'billing',
    steps: [SQLITE_BILLING],
    // accounts.sqlite's user_version 2 and up included the billing tables.
    legacy: { userVersion: v => v >= 2 ? 1 : 0 }
  },
  postgres: { store: 'billing', steps: [POSTGRES_BILLING], legacy: { table: 'billing_migrations' } }
}
