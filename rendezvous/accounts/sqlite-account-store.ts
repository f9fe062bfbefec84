// AccountStore on embedded SQLite (its own file beside the mailbox store).
import type Database from 'better-sqlite3'
import { migrateSqlite, openDurableSqlite, walScrubber } from '../storage/sqlite-support.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { BILLING_MIGRATION } from '../billing/sqlite-billing-store.ts'
import { sameBytes } from './one-time-code.ts'
import type { AccessRecord, AccountPatch, AccountRecord, AccountStore, CodeAttempt, CodePurpose, DeviceRecord, IdentifierKind, OneTimeCodeRecord, VerifiedIdentifier, BlockKind, BlockRecord } from './account-store.ts'

const MIGRATIONS = [
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     email TEXT, phone TEXT, display_name TEXT, avatar BLOB, bio TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, age_checked_at INTEGER NOT NULL,
     restricted INTEGER NOT NULL DEFAULT 0, marketing_opt_out INTEGER NOT NULL DEFAULT 0,
     policy_version_accepted INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE devices (
     peer_id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     type TEXT NOT NULL, os TEXT NOT NULL, client_version TEXT NOT NULL,
     linked_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL
   );
   CREATE INDEX devices_by_account ON devices (account_id);
   CREATE TABLE link_codes (
     digest BLOB PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE identifiers (
     hash BLOB PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
   );
   CREATE TABLE access_log (peer_id TEXT NOT NULL, ip TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX access_by_peer ON access_log (peer_id);
   CREATE INDEX access_by_time ON access_log (at);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);`,
  // Plans, processor ids, invoices (rendezvous/billing): in this file so deletion covers them.
  BILLING_MIGRATION,
  // Discovery only for identifiers whose owner proved control (a one-time code); the old table held
  // unproven claims, so nothing of it carries over. Codes: one per account and purpose, with attempts.
  `DROP TABLE identifiers;
   CREATE TABLE verified_identifiers (
     hash BLOB PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     verified_at INTEGER NOT NULL,
     UNIQUE (account_id, kind)
   );
   DROP TABLE link_codes;
   CREATE TABLE one_time_codes (
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     purpose TEXT NOT NULL,
     digest BLOB NOT NULL,
     target BLOB,
     expires_at INTEGER NOT NULL,
     attempts_left INTEGER NOT NULL,
     PRIMARY KEY (account_id, purpose)
   );
   CREATE INDEX one_time_codes_by_expiry ON one_time_codes (expires_at);`,
  // Operator blocks (`babacloud admin block`), read by every running node on the database.
  `CREATE TABLE blocklist (kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT, blocked_at INTEGER NOT NULL, PRIMARY KEY (kind, value));`
]

interface AccountRow {
  id: string
  username: string
  email: string | null
  phone: string | null
  display_name: string | null
  avatar: Uint8Array | null
  bio: string | null
  created_at: number
  updated_at: number
  age_checked_at: number
  restricted: number
  marketing_opt_out: number
  policy_version_accepted: number
}

interface DeviceRow { peer_id: string, account_id: string, type: string, os: string, client_version: string, linked_at: number, last_seen_at: number }

const opt = <T>(v: T | null): T | undefined => v ?? undefined

function toAccount (r: AccountRow): AccountRecord {
  return {
    id: r.id,
    username: r.username,
    email: opt(r.email),
    phone: opt(r.phone),
    displayName: opt(r.display_name),
    avatar: r.avatar == null ? undefined : new Uint8Array(r.avatar),
    bio: opt(r.bio),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ageCheckedAt: r.age_checked_at,
    restricted: r.restricted === 1,
    marketingOptOut: r.marketing_opt_out === 1,
    policyVersionAccepted: r.policy_version_accepted
  }
}

const toDevice = (r: DeviceRow): DeviceRecord => ({
  peerId: r.peer_id, accountId: r.account_id, type: r.type, os: r.os, clientVersion: r.client_version, linkedAt: r.linked_at, lastSeenAt: r.last_seen_at
})

const COLUMNS: Record<keyof AccountPatch, string> = {
  email: 'email', phone: 'phone', displayName: 'display_name', avatar: 'avatar', bio: 'bio',
  restricted: 'restricted', marketingOptOut: 'marketing_opt_out', policyVersionAccepted: 'policy_version_accepted'
}

export class SqliteAccountStore implements AccountStore {
  readonly db: Database.Database

  constructor (path: string) {
    this.db = openDurableSqlite(path, { foreignKeys: true })
    migrateSqlite(this.db, MIGRATIONS)
  }

  async createAccount (a: AccountRecord, d: DeviceRecord): Promise<void> {
    try {
      this.db.transaction(() => {
        this.db.prepare(`INSERT INTO accounts (id, username, email, phone, display_name, avatar, bio, created_at, updated_at, age_checked_at, restricted, marketing_opt_out, policy_version_accepted)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(a.id, a.username, a.email ?? null, a.phone ?? null, a.displayName ?? null, a.avatar ?? null, a.bio ?? null,
          a.createdAt, a.updatedAt, a.ageCheckedAt, a.restricted ? 1 : 0, a.marketingOptOut ? 1 : 0, a.policyVersionAccepted)
        this.#insertDevice(d)
      })()
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true) {
        throw new ProtocolError(ErrorCode.ALREADY_EXISTS, /username/.test((err as Error).message) ? `username ${a.username} is taken` : 'this device already belongs to an account')
      }
      throw err
    }
  }

  #insertDevice (d: DeviceRecord): void {
    this.db.prepare('INSERT INTO devices (peer_id, account_id, type, os, client_version, linked_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.peerId, d.accountId, d.type, d.os, d.clientVersion, d.linkedAt, d.lastSeenAt)
  }

  async getAccount (id: string): Promise<AccountRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined
    return r == null ? undefined : toAccount(r)
  }

  async getAccountByUsername (username: string): Promise<AccountRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as AccountRow | undefined
    return r == null ? undefined : toAccount(r)
  }

  async getAccountByDevice (peerId: string): Promise<AccountRecord | undefined> {
    const r = this.db.prepare('SELECT a.* FROM accounts a JOIN devices d ON d.account_id = a.id WHERE d.peer_id = ?').get(peerId) as AccountRow | undefined
    return r == null ? undefined : toAccount(r)
  }

  async updateAccount (id: string, patch: AccountPatch, now: number): Promise<void> {
    const keys = (Object.keys(patch) as Array<keyof AccountPatch>).filter(k => k in COLUMNS)
    if (keys.length === 0) return
    const value = (k: keyof AccountPatch): unknown => {
      const v = patch[k]
      return typeof v === 'boolean' ? (v ? 1 : 0) : v ?? null
    }
    this.db.prepare(`UPDATE accounts SET ${keys.map(k => `${COLUMNS[k]} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
      .run(...keys.map(value), now, id)
    // A corrected or cleared field is erased: its old value must not survive in the WAL.
    walScrubber(this.db).now()
  }

  async deleteAccount (id: string): Promise<void> {
    this.db.transaction(() => {
      const peers = this.db.prepare('SELECT peer_id FROM devices WHERE account_id = ?').all(id) as Array<{ peer_id: string }>
      const delLog = this.db.prepare('DELETE FROM access_log WHERE peer_id = ?')
      for (const p of peers) delLog.run(p.peer_id)
      // Devices, codes and verified identifiers go with the account (ON DELETE CASCADE).
      this.db.prepare('DELETE FROM accounts WHERE id = ?').run(id)
    })()
    // secure_delete zeroed the rows in the database; the WAL still has their earlier page images.
    walScrubber(this.db).now()
  }

  async listAccounts (): Promise<AccountRecord[]> {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY created_at').all() as AccountRow[]).map(toAccount)
  }

  async listDevices (accountId: string): Promise<DeviceRecord[]> {
    return (this.db.prepare('SELECT * FROM devices WHERE account_id = ? ORDER BY linked_at').all(accountId) as DeviceRow[]).map(toDevice)
  }

  async addDevice (device: DeviceRecord): Promise<void> {
    try {
      this.#insertDevice(device)
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'this device already belongs to an account')
      throw err
    }
  }

  async removeDevice (peerId: string): Promise<void> {
    this.db.prepare('DELETE FROM devices WHERE peer_id = ?').run(peerId)
    walScrubber(this.db).now()
  }

  async touchDevice (peerId: string, at: number): Promise<void> {
    this.db.prepare('UPDATE devices SET last_seen_at = ? WHERE peer_id = ?').run(at, peerId)
  }

  async putCode (c: OneTimeCodeRecord): Promise<void> {
    this.db.prepare(`INSERT INTO one_time_codes (account_id, purpose, digest, target, expires_at, attempts_left) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id, purpose) DO UPDATE SET digest = excluded.digest, target = excluded.target, expires_at = excluded.expires_at, attempts_left = excluded.attempts_left`)
      .run(c.accountId, c.purpose, c.digest, c.target ?? null, c.expiresAt, c.attempts)
  }

  async tryCode (accountId: string, purpose: CodePurpose, digest: Uint8Array, now: number): Promise<CodeAttempt> {
    return this.db.transaction((): CodeAttempt => {
      const row = this.db.prepare('SELECT digest, target, expires_at, attempts_left FROM one_time_codes WHERE account_id = ? AND purpose = ?')
        .get(accountId, purpose) as { digest: Uint8Array, target: Uint8Array | null, expires_at: number, attempts_left: number } | undefined
      if (row == null) return { outcome: 'none' }
      const del = (): void => { this.db.prepare('DELETE FROM one_time_codes WHERE account_id = ? AND purpose = ?').run(accountId, purpose) }
      if (row.expires_at <= now) {
        del()
        return { outcome: 'expired' }
      }
      if (sameBytes(new Uint8Array(row.digest), digest)) {
        del()
        return { outcome: 'accepted', target: row.target == null ? undefined : new Uint8Array(row.target) }
      }
      const left = row.attempts_left - 1
      if (left <= 0) del()
      else this.db.prepare('UPDATE one_time_codes SET attempts_left = ? WHERE account_id = ? AND purpose = ?').run(left, accountId, purpose)
      return { outcome: 'wrong', attemptsLeft: Math.max(0, left) }
    })()
  }

  async deleteCode (accountId: string, purpose: CodePurpose): Promise<void> {
    this.db.prepare('DELETE FROM one_time_codes WHERE account_id = ? AND purpose = ?').run(accountId, purpose)
  }

  async purgeCodes (now: number): Promise<number> {
    return this.db.prepare('DELETE FROM one_time_codes WHERE expires_at <= ?').run(now).changes
  }

  async setVerifiedIdentifier (accountId: string, kind: IdentifierKind, hash: Uint8Array, at: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM verified_identifiers WHERE (account_id = ? AND kind = ?) OR hash = ?').run(accountId, kind, hash)
      this.db.prepare('INSERT INTO verified_identifiers (hash, account_id, kind, verified_at) VALUES (?, ?, ?, ?)').run(hash, accountId, kind, at)
    })()
  }

  async dropVerifiedIdentifier (accountId: string, kind: IdentifierKind): Promise<void> {
    this.db.prepare('DELETE FROM verified_identifiers WHERE account_id = ? AND kind = ?').run(accountId, kind)
  }

  async listVerifiedIdentifiers (accountId: string): Promise<VerifiedIdentifier[]> {
    const rows = this.db.prepare('SELECT kind, hash, verified_at FROM verified_identifiers WHERE account_id = ? ORDER BY kind').all(accountId) as Array<{ kind: IdentifierKind, hash: Uint8Array, verified_at: number }>
    return rows.map(r => ({ kind: r.kind, hash: new Uint8Array(r.hash), verifiedAt: r.verified_at }))
  }

  async findIdentifiers (hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>> {
    const find = this.db.prepare('SELECT a.username FROM verified_identifiers i JOIN accounts a ON a.id = i.account_id WHERE i.hash = ? AND a.restricted = 0')
    const out: Array<{ hash: Uint8Array, username: string }> = []
    for (const hash of hashes) {
      const row = find.get(hash) as { username: string } | undefined
      if (row != null) out.push({ hash, username: row.username })
    }
    return out
  }

  async logAccess (r: AccessRecord): Promise<void> {
    this.db.prepare('INSERT INTO access_log (peer_id, ip, at) VALUES (?, ?, ?)').run(r.peerId, r.ip, r.at)
  }

  async listAccess (peerIds: string[]): Promise<AccessRecord[]> {
    const q = this.db.prepare('SELECT peer_id, ip, at FROM access_log WHERE peer_id = ? ORDER BY at')
    return peerIds.flatMap(p => (q.all(p) as Array<{ peer_id: string, ip: string, at: number }>).map(r => ({ peerId: r.peer_id, ip: r.ip, at: r.at })))
  }

  async purgeAccessBefore (before: number): Promise<number> {
    const n = this.db.prepare('DELETE FROM access_log WHERE at < ?').run(before).changes
    if (n > 0) walScrubber(this.db).schedule()
    return n
  }

  async getSetting (key: string): Promise<Uint8Array | undefined> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: Uint8Array } | undefined
    return row == null ? undefined : new Uint8Array(row.value)
  }

  async setSetting (key: string, value: Uint8Array): Promise<void> {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value)
  }

  async countDevices (): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM devices').get() as { n: number }).n
  }

  async listBlocks (): Promise<BlockRecord[]> {
    const rows = this.db.prepare('SELECT kind, value, reason, blocked_at FROM blocklist ORDER BY blocked_at, value').all() as Array<{ kind: BlockKind, value: string, reason: string | null, blocked_at: number }>
    return rows.map(r => ({ kind: r.kind, value: r.value, ...(r.reason != null ? { reason: r.reason } : {}), blockedAt: r.blocked_at }))
  }

  async addBlock (b: BlockRecord): Promise<boolean> {
    return this.db.prepare('INSERT INTO blocklist (kind, value, reason, blocked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(b.kind, b.value, b.reason ?? null, b.blockedAt).changes === 1
  }

  async removeBlock (kind: BlockKind, value: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM blocklist WHERE kind = ? AND value = ?').run(kind, value).changes === 1
  }

  async close (): Promise<void> {
    walScrubber(this.db).flush()
    this.db.close()
  }
}
