// Schema of the account store in both dialects (storage/migrations.ts). Never edit a shipped step.
import type { DialectMigrations } from '../storage/sql-database.ts'

/** Step 1 of both dialects, as released; only column types differ. */
const initial = (t: { blob: string, int: string, bool: string, f: string, settings: string }): string => `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     email TEXT, phone TEXT, display_name TEXT, avatar ${t.blob}, bio TEXT,
     created_at ${t.int} NOT NULL, updated_at ${t.int} NOT NULL, age_checked_at ${t.int} NOT NULL,
     restricted ${t.bool} NOT NULL DEFAULT ${t.f}, marketing_opt_out ${t.bool} NOT NULL DEFAULT ${t.f},
     policy_version_accepted INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE devices (
     peer_id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     type TEXT NOT NULL, os TEXT NOT NULL, client_version TEXT NOT NULL,
     linked_at ${t.int} NOT NULL, last_seen_at ${t.int} NOT NULL
   );
   CREATE INDEX devices_by_account ON devices (account_id);
   CREATE TABLE link_codes (
     digest ${t.blob} PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     expires_at ${t.int} NOT NULL
   );
   CREATE TABLE identifiers (
     hash ${t.blob} PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
   );
   CREATE TABLE access_log (peer_id TEXT NOT NULL, ip TEXT NOT NULL, at ${t.int} NOT NULL);
   CREATE INDEX access_by_peer ON access_log (peer_id);
   CREATE INDEX access_by_time ON access_log (at);
   CREATE TABLE ${t.settings} (key TEXT PRIMARY KEY, value ${t.blob} NOT NULL);`

// Discovery only for identifiers whose owner proved control (a one-time code); the old table held
// unproven claims, so nothing of it carries over. Codes: one per account and purpose, with attempts.
const verifiedIdentifiers = (t: { blob: string, int: string }): string => `DROP TABLE identifiers;
   CREATE TABLE verified_identifiers (
     hash ${t.blob} PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     verified_at ${t.int} NOT NULL,
     UNIQUE (account_id, kind)
   );
   DROP TABLE link_codes;
   CREATE TABLE one_time_codes (
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     purpose TEXT NOT NULL,
     digest ${t.blob} NOT NULL,
     target ${t.blob},
     expires_at ${t.int} NOT NULL,
     attempts_left INTEGER NOT NULL,
     PRIMARY KEY (account_id, purpose)
   );
   CREATE INDEX one_time_codes_by_expiry ON one_time_codes (expires_at);`

// Operator blocks (`babacloud admin block`), read by every running node on the database.
const blocklist = (t: { int: string }): string =>
  `CREATE TABLE blocklist (kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT, blocked_at ${t.int} NOT NULL, PRIMARY KEY (kind, value));`

// How long the node keeps waiting mail for an account's devices, when its owner chose less than the plan's.
const mailRetention = (t: { int: string }): string => `ALTER TABLE accounts ADD COLUMN mail_retention_ms ${t.int};`

const SQLITE = { blob: 'BLOB', int: 'INTEGER', bool: 'INTEGER', f: '0' }
const POSTGRES = { blob: 'BYTEA', int: 'BIGINT', bool: 'BOOLEAN', f: 'false' }

export const ACCOUNT_MIGRATIONS: DialectMigrations = {
  store: 'accounts',
  sqlite: {
    store: 'accounts',
    steps: [
      initial({ ...SQLITE, settings: 'settings' }),
      verifiedIdentifiers(SQLITE),
      // One table name in both dialects, so the queries are written once.
      'ALTER TABLE settings RENAME TO account_settings;',
      blocklist(SQLITE),
      mailRetention(SQLITE)
    ],
    // accounts.sqlite's user_version counted accounts step 1, billing step 1, accounts step 2.
    legacy: { userVersion: v => v >= 3 ? 2 : Math.min(v, 1) }
  },
  postgres: {
    store: 'accounts',
    steps: [initial({ ...POSTGRES, settings: 'account_settings' }), verifiedIdentifiers(POSTGRES), blocklist(POSTGRES), mailRetention(POSTGRES)],
    legacy: { table: 'account_schema_migrations' }
  }
}
