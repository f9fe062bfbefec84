// AccountStore on PostgreSQL, for several rendezvous instances sharing one database.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { migratedPool, transaction } from '../storage/postgres-support.ts'
import { sameBytes } from './one-time-code.ts'
import type { AccessRecord, AccountPatch, AccountRecord, AccountStore, CodeAttempt, CodePurpose, DeviceRecord, IdentifierKind, OneTimeCodeRecord, VerifiedIdentifier, BlockKind, BlockRecord } from './account-store.ts'
import type pg from 'pg'

const MIGRATION_LOCK = 2
const MIGRATIONS = [
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     email TEXT, phone TEXT, display_name TEXT, avatar BYTEA, bio TEXT,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, age_checked_at BIGINT NOT NULL,
     restricted BOOLEAN NOT NULL DEFAULT false, marketing_opt_out BOOLEAN NOT NULL DEFAULT false,
     policy_version_accepted INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE devices (
     peer_id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     type TEXT NOT NULL, os TEXT NOT NULL, client_version TEXT NOT NULL,
     linked_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL
   );
   CREATE INDEX devices_by_account ON devices (account_id);
   CREATE TABLE link_codes (
     digest BYTEA PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     expires_at BIGINT NOT NULL
   );
   CREATE TABLE identifiers (
     hash BYTEA PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
   );
   CREATE TABLE access_log (peer_id TEXT NOT NULL, ip TEXT NOT NULL, at BIGINT NOT NULL);
   CREATE INDEX access_by_peer ON access_log (peer_id);
   CREATE INDEX access_by_time ON access_log (at);
   CREATE TABLE account_settings (key TEXT PRIMARY KEY, value BYTEA NOT NULL);`,
  // Discovery only for identifiers whose owner proved control (a one-time code); the old table held
  // unproven claims, so nothing of it carries over. Codes: one per account and purpose, with attempts.
  `DROP TABLE identifiers;
   CREATE TABLE verified_identifiers (
     hash BYTEA PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     verified_at BIGINT NOT NULL,
     UNIQUE (account_id, kind)
   );
   DROP TABLE link_codes;
   CREATE TABLE one_time_codes (
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     purpose TEXT NOT NULL,
     digest BYTEA NOT NULL,
     target BYTEA,
     expires_at BIGINT NOT NULL,
     attempts_left INTEGER NOT NULL,
     PRIMARY KEY (account_id, purpose)
   );
   CREATE INDEX one_time_codes_by_expiry ON one_time_codes (expires_at);`,
  // Operator blocks (`babacloud admin block`), read by every running node on the database.
  `CREATE TABLE blocklist (kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT, blocked_at BIGINT NOT NULL, PRIMARY KEY (kind, value));`
]

interface AccountRow {
  id: string
  username: string
  email: string | null
  phone: string | null
  display_name: string | null
  avatar: Uint8Array | null
  bio: string | null
  created_at: string
  updated_at: string
  age_checked_at: string
  restricted: boolean
  marketing_opt_out: boolean
  policy_version_accepted: number
}

interface DeviceRow { peer_id: string, account_id: string, type: string, os: string, client_version: string, linked_at: string, last_seen_at: string }

const opt = <T>(v: T | null): T | undefined => v ?? undefined

const toAccount = (r: AccountRow): AccountRecord => ({
  id: r.id,
  username: r.username,
  email: opt(r.email),
  phone: opt(r.phone),
  displayName: opt(r.display_name),
  avatar: r.avatar == null ? undefined : new Uint8Array(r.avatar),
  bio: opt(r.bio),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  ageCheckedAt: Number(r.age_checked_at),
  restricted: r.restricted,
  marketingOptOut: r.marketing_opt_out,
  policyVersionAccepted: r.policy_version_accepted
})

const toDevice = (r: DeviceRow): DeviceRecord => ({
  peerId: r.peer_id, accountId: r.account_id, type: r.type, os: r.os, clientVersion: r.client_version, linkedAt: Number(r.linked_at), lastSeenAt: Number(r.last_seen_at)
})

const COLUMNS: Record<keyof AccountPatch, string> = {
  email: 'email', phone: 'phone', displayName: 'display_name', avatar: 'avatar', bio: 'bio',
  restricted: 'restricted', marketingOptOut: 'marketing_opt_out', policyVersionAccepted: 'policy_version_accepted'
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505'

export class PostgresAccountStore implements AccountStore {
  readonly pool: pg.Pool

  private constructor (pool: pg.Pool) {
    this.pool = pool
  }

  static async open (connection: string | pg.PoolConfig): Promise<PostgresAccountStore> {
    const { pool } = await migratedPool(connection, 'account_schema_migrations', MIGRATION_LOCK, MIGRATIONS)
    return new PostgresAccountStore(pool)
  }

  async #insertDevice (client: pg.PoolClient | pg.Pool, d: DeviceRecord): Promise<void> {
    await client.query('INSERT INTO devices (peer_id, account_id, type, os, client_version, linked_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [d.peerId, d.accountId, d.type, d.os, d.clientVersion, d.linkedAt, d.lastSeenAt])
  }

  async createAccount (a: AccountRecord, d: DeviceRecord): Promise<void> {
    try {
      await transaction(this.pool, async client => {
        await client.query(`INSERT INTO accounts (id, username, email, phone, display_name, avatar, bio, created_at, updated_at, age_checked_at, restricted, marketing_opt_out, policy_version_accepted)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [a.id, a.username, a.email ?? null, a.phone ?? null, a.displayName ?? null, a.avatar ?? null, a.bio ?? null, a.createdAt, a.updatedAt, a.ageCheckedAt, a.restricted, a.marketingOptOut, a.policyVersionAccepted])
        await this.#insertDevice(client, d)
      })
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ProtocolError(ErrorCode.ALREADY_EXISTS, /username/.test((err as { constraint?: string }).constraint ?? '') ? `username ${a.username} is taken` : 'this device already belongs to an account')
      }
      throw err
    }
  }

  async #one (sql: string, params: unknown[]): Promise<AccountRecord | undefined> {
    const { rows } = await this.pool.query<AccountRow>(sql, params)
    return rows[0] == null ? undefined : toAccount(rows[0])
  }

  async getAccount (id: string): Promise<AccountRecord | undefined> {
    return await this.#one('SELECT * FROM accounts WHERE id = $1', [id])
  }

  async getAccountByUsername (username: string): Promise<AccountRecord | undefined> {
    return await this.#one('SELECT * FROM accounts WHERE username = $1', [username])
  }

  async getAccountByDevice (peerId: string): Promise<AccountRecord | undefined> {
    return await this.#one('SELECT a.* FROM accounts a JOIN devices d ON d.account_id = a.id WHERE d.peer_id = $1', [peerId])
  }

  async updateAccount (id: string, patch: AccountPatch, now: number): Promise<void> {
    const keys = (Object.keys(patch) as Array<keyof AccountPatch>).filter(k => k in COLUMNS)
    if (keys.length === 0) return
    const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 1}`).join(', ')
    await this.pool.query(`UPDATE accounts SET ${sets}, updated_at = $${keys.length + 1} WHERE id = $${keys.length + 2}`,
      [...keys.map(k => patch[k] ?? null), now, id])
  }

  async deleteAccount (id: string): Promise<void> {
    await transaction(this.pool, async client => {
      await client.query('DELETE FROM access_log WHERE peer_id IN (SELECT peer_id FROM devices WHERE account_id = $1)', [id])
      // Devices, codes and verified identifiers go with the account (ON DELETE CASCADE).
      await client.query('DELETE FROM accounts WHERE id = $1', [id])
    })
    // Deleted rows stay as dead tuples until vacuumed: prune them now rather than at autovacuum's
    // leisure. Best effort and no guarantee of overwritten bytes (docs/privacy.md says what holds);
    // SKIP_LOCKED so it never waits behind another instance's vacuum. Outside the transaction, as
    // VACUUM must be; the deletion itself has committed whatever happens here.
    await this.pool.query('VACUUM (SKIP_LOCKED) accounts, devices, verified_identifiers, one_time_codes, access_log').catch(() => {})
  }

  async listAccounts (): Promise<AccountRecord[]> {
    return (await this.pool.query<AccountRow>('SELECT * FROM accounts ORDER BY created_at')).rows.map(toAccount)
  }

  async listDevices (accountId: string): Promise<DeviceRecord[]> {
    return (await this.pool.query<DeviceRow>('SELECT * FROM devices WHERE account_id = $1 ORDER BY linked_at', [accountId])).rows.map(toDevice)
  }

  async addDevice (device: DeviceRecord): Promise<void> {
    try {
      await this.#insertDevice(this.pool, device)
    } catch (err) {
      if (isUniqueViolation(err)) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'this device already belongs to an account')
      throw err
    }
  }

  async removeDevice (peerId: string): Promise<void> {
    await this.pool.query('DELETE FROM devices WHERE peer_id = $1', [peerId])
  }

  async touchDevice (peerId: string, at: number): Promise<void> {
    await this.pool.query('UPDATE devices SET last_seen_at = $1 WHERE peer_id = $2', [at, peerId])
  }

  async putCode (c: OneTimeCodeRecord): Promise<void> {
    await this.pool.query(`INSERT INTO one_time_codes (account_id, purpose, digest, target, expires_at, attempts_left) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (account_id, purpose) DO UPDATE SET digest = excluded.digest, target = excluded.target, expires_at = excluded.expires_at, attempts_left = excluded.attempts_left`,
    [c.accountId, c.purpose, c.digest, c.target ?? null, c.expiresAt, c.attempts])
  }

  async tryCode (accountId: string, purpose: CodePurpose, digest: Uint8Array, now: number): Promise<CodeAttempt> {
    return await transaction(this.pool, async client => {
      // FOR UPDATE: two instances guessing at once take turns, so each guess costs an attempt.
      const { rows } = await client.query<{ digest: Uint8Array, target: Uint8Array | null, expires_at: string, attempts_left: number }>(
        'SELECT digest, target, expires_at, attempts_left FROM one_time_codes WHERE account_id = $1 AND purpose = $2 FOR UPDATE', [accountId, purpose])
      const row = rows[0]
      if (row == null) return { outcome: 'none' }
      const del = async (): Promise<void> => { await client.query('DELETE FROM one_time_codes WHERE account_id = $1 AND purpose = $2', [accountId, purpose]) }
      if (Number(row.expires_at) <= now) {
        await del()
        return { outcome: 'expired' }
      }
      if (sameBytes(new Uint8Array(row.digest), digest)) {
        await del()
        return { outcome: 'accepted', target: row.target == null ? undefined : new Uint8Array(row.target) }
      }
      const left = row.attempts_left - 1
      if (left <= 0) await del()
      else await client.query('UPDATE one_time_codes SET attempts_left = $1 WHERE account_id = $2 AND purpose = $3', [left, accountId, purpose])
      return { outcome: 'wrong', attemptsLeft: Math.max(0, left) }
    })
  }

  async deleteCode (accountId: string, purpose: CodePurpose): Promise<void> {
    await this.pool.query('DELETE FROM one_time_codes WHERE account_id = $1 AND purpose = $2', [accountId, purpose])
  }

  async purgeCodes (now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM one_time_codes WHERE expires_at <= $1', [now])).rowCount ?? 0
  }

  async setVerifiedIdentifier (accountId: string, kind: IdentifierKind, hash: Uint8Array, at: number): Promise<void> {
    await transaction(this.pool, async client => {
      await client.query('DELETE FROM verified_identifiers WHERE (account_id = $1 AND kind = $2) OR hash = $3', [accountId, kind, hash])
      await client.query('INSERT INTO verified_identifiers (hash, account_id, kind, verified_at) VALUES ($1, $2, $3, $4)', [hash, accountId, kind, at])
    })
  }

  async dropVerifiedIdentifier (accountId: string, kind: IdentifierKind): Promise<void> {
    await this.pool.query('DELETE FROM verified_identifiers WHERE account_id = $1 AND kind = $2', [accountId, kind])
  }

  async listVerifiedIdentifiers (accountId: string): Promise<VerifiedIdentifier[]> {
    const { rows } = await this.pool.query<{ kind: IdentifierKind, hash: Uint8Array, verified_at: string }>(
      'SELECT kind, hash, verified_at FROM verified_identifiers WHERE account_id = $1 ORDER BY kind', [accountId])
    return rows.map(r => ({ kind: r.kind, hash: new Uint8Array(r.hash), verifiedAt: Number(r.verified_at) }))
  }

  async findIdentifiers (hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>> {
    if (hashes.length === 0) return []
    const { rows } = await this.pool.query<{ hash: Uint8Array, username: string }>(
      'SELECT i.hash, a.username FROM verified_identifiers i JOIN accounts a ON a.id = i.account_id WHERE i.hash = ANY($1::bytea[]) AND NOT a.restricted', [hashes])
    const found = new Map(rows.map(r => [Buffer.from(r.hash).toString('hex'), r.username]))
    return hashes.flatMap(hash => {
      const username = found.get(Buffer.from(hash).toString('hex'))
      return username == null ? [] : [{ hash, username }]
    })
  }

  async logAccess (r: AccessRecord): Promise<void> {
    await this.pool.query('INSERT INTO access_log (peer_id, ip, at) VALUES ($1, $2, $3)', [r.peerId, r.ip, r.at])
  }

  async listAccess (peerIds: string[]): Promise<AccessRecord[]> {
    const { rows } = await this.pool.query<{ peer_id: string, ip: string, at: string }>('SELECT peer_id, ip, at FROM access_log WHERE peer_id = ANY($1) ORDER BY at', [peerIds])
    return rows.map(r => ({ peerId: r.peer_id, ip: r.ip, at: Number(r.at) }))
  }

  async purgeAccessBefore (before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM access_log WHERE at < $1', [before])).rowCount ?? 0
  }

  async getSetting (key: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ value: Uint8Array }>('SELECT value FROM account_settings WHERE key = $1', [key])
    return rows[0] == null ? undefined : new Uint8Array(rows[0].value)
  }

  async setSetting (key: string, value: Uint8Array): Promise<void> {
    // First writer wins: every instance must use the same discovery salt.
    await this.pool.query('INSERT INTO account_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value])
  }

  async countDevices (): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM devices')).rows[0].n)
  }

  async listBlocks (): Promise<BlockRecord[]> {
    const { rows } = await this.pool.query<{ kind: BlockKind, value: string, reason: string | null, blocked_at: string }>('SELECT kind, value, reason, blocked_at FROM blocklist ORDER BY blocked_at, value')
    return rows.map(r => ({ kind: r.kind, value: r.value, ...(r.reason != null ? { reason: r.reason } : {}), blockedAt: Number(r.blocked_at) }))
  }

  async addBlock (b: BlockRecord): Promise<boolean> {
    return (await this.pool.query('INSERT INTO blocklist (kind, value, reason, blocked_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [b.kind, b.value, b.reason ?? null, b.blockedAt])).rowCount === 1
  }

  async removeBlock (kind: BlockKind, value: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM blocklist WHERE kind = $1 AND value = $2', [kind, value])).rowCount === 1
  }

  async close (): Promise<void> {
    await this.pool.end()
  }
}
