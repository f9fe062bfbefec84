// AccountStore written once over kysely: accounts.sqlite (embedded) or PostgreSQL (several
// instances sharing one database). Dialect differences live in storage/sql-database.ts.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { toBool, toBytes, toNumber, uniqueViolation, affected } from '../storage/sql-database.ts'
import type { SqlDatabase } from '../storage/sql-database.ts'
import { ACCOUNT_MIGRATIONS } from './account-migrations.ts'
import { sameBytes } from './one-time-code.ts'
import type { CompiledQuery, Kysely, Selectable } from 'kysely'
import type { AccessRecord, AccountPatch, AccountRecord, AccountStore, CodeAttempt, CodePurpose, DeviceRecord, IdentifierKind, OneTimeCodeRecord, VerifiedIdentifier, BlockKind, BlockRecord } from './account-store.ts'

type Int = number | string
type Bool = boolean | number

export interface AccountTables {
  accounts: {
    id: string, username: string, email: string | null, phone: string | null, display_name: string | null, avatar: Uint8Array | null, bio: string | null,
    created_at: Int, updated_at: Int, age_checked_at: Int, restricted: Bool, marketing_opt_out: Bool, policy_version_accepted: number
    mail_retention_ms: Int | null
  }
  devices: { peer_id: string, account_id: string, type: string, os: string, client_version: string, linked_at: Int, last_seen_at: Int }
  one_time_codes: { account_id: string, purpose: string, digest: Uint8Array, target: Uint8Array | null, expires_at: Int, attempts_left: number }
  verified_identifiers: { hash: Uint8Array, account_id: string, kind: string, verified_at: Int }
  access_log: { peer_id: string, ip: string, at: Int }
  account_settings: { key: string, value: Uint8Array }
  blocklist: { kind: string, value: string, reason: string | null, blocked_at: Int }
}

const opt = <T>(v: T | null): T | undefined => v ?? undefined

const toAccount = (r: Selectable<AccountTables['accounts']>): AccountRecord => ({
  id: r.id,
  username: r.username,
  email: opt(r.email),
  phone: opt(r.phone),
  displayName: opt(r.display_name),
  avatar: r.avatar == null ? undefined : toBytes(r.avatar),
  bio: opt(r.bio),
  createdAt: toNumber(r.created_at),
  updatedAt: toNumber(r.updated_at),
  ageCheckedAt: toNumber(r.age_checked_at),
  restricted: toBool(r.restricted),
  marketingOptOut: toBool(r.marketing_opt_out),
  policyVersionAccepted: r.policy_version_accepted,
  ...(r.mail_retention_ms != null ? { mailRetentionMs: toNumber(r.mail_retention_ms) } : {})
})

const toDevice = (r: Selectable<AccountTables['devices']>): DeviceRecord => ({
  peerId: r.peer_id, accountId: r.account_id, type: r.type, os: r.os, clientVersion: r.client_version, linkedAt: toNumber(r.linked_at), lastSeenAt: toNumber(r.last_seen_at)
})

const COLUMNS = {
  email: 'email', phone: 'phone', displayName: 'display_name', avatar: 'avatar', bio: 'bio',
  restricted: 'restricted', marketingOptOut: 'marketing_opt_out', policyVersionAccepted: 'policy_version_accepted',
  mailRetentionMs: 'mail_retention_ms'
} as const satisfies Record<keyof AccountPatch, keyof AccountTables['accounts']>

/** Tables holding a deleted account's rows, for PostgreSQL's VACUUM after the deletion. */
const ACCOUNT_TABLES = ['accounts', 'devices', 'verified_identifiers', 'one_time_codes', 'access_log']

export class SqlAccountStore implements AccountStore {
  /** The database, shared with the billing store (deleting an account unlinks its billing). */
  readonly sql: SqlDatabase
  readonly #db: Kysely<AccountTables>
  #byDevice?: CompiledQuery<Selectable<AccountTables['accounts']>>

  private constructor (sql: SqlDatabase) {
    this.sql = sql
    this.#db = sql.kysely<AccountTables>()
  }

  /** Migrates the database and opens the store on it; closing the store closes `sql`. */
  static async open (sql: SqlDatabase): Promise<SqlAccountStore> {
    try {
      await sql.migrate(ACCOUNT_MIGRATIONS)
    } catch (err) {
      await sql.close()
      throw err
    }
    return new SqlAccountStore(sql)
  }

  #deviceRow (d: DeviceRecord): AccountTables['devices'] {
    return { peer_id: d.peerId, account_id: d.accountId, type: d.type, os: d.os, client_version: d.clientVersion, linked_at: d.linkedAt, last_seen_at: d.lastSeenAt }
  }

  async createAccount (a: AccountRecord, d: DeviceRecord): Promise<void> {
    try {
      await this.sql.transaction<AccountTables, void>(async tx => {
        await tx.insertInto('accounts').values({
          id: a.id, username: a.username, email: a.email ?? null, phone: a.phone ?? null, display_name: a.displayName ?? null, avatar: a.avatar ?? null, bio: a.bio ?? null,
          created_at: a.createdAt, updated_at: a.updatedAt, age_checked_at: a.ageCheckedAt,
          restricted: this.sql.bool(a.restricted), marketing_opt_out: this.sql.bool(a.marketingOptOut), policy_version_accepted: a.policyVersionAccepted
        }).execute()
        await tx.insertInto('devices').values(this.#deviceRow(d)).execute()
      })
    } catch (err) {
      const which = uniqueViolation(err)
      if (which != null) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, /username/.test(which) ? `username ${a.username} is taken` : 'this device already belongs to an account')
      throw err
    }
  }

  async getAccount (id: string): Promise<AccountRecord | undefined> {
    const r = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
    return r == null ? undefined : toAccount(r)
  }

  async getAccountByUsername (username: string): Promise<AccountRecord | undefined> {
    const r = await this.#db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst()
    return r == null ? undefined : toAccount(r)
  }

  async getAccountByDevice (peerId: string): Promise<AccountRecord | undefined> {
    // Every mailbox deposit asks this for its sender and recipient: the query is built and
    // compiled once, and each call only binds the device.
    this.#byDevice ??= this.#db.selectFrom('accounts as a').innerJoin('devices as d', 'd.account_id', 'a.id').selectAll('a').where('d.peer_id', '=', '').compile()
    const { rows } = await this.#db.executeQuery<Selectable<AccountTables['accounts']>>({ ...this.#byDevice, parameters: [peerId] })
    const r = rows[0]
    return r == null ? undefined : toAccount(r)
  }

  async updateAccount (id: string, patch: AccountPatch, now: number): Promise<void> {
    const keys = (Object.keys(patch) as Array<keyof AccountPatch>).filter(k => k in COLUMNS)
    if (keys.length === 0) return
    const set: Record<string, unknown> = { updated_at: now }
    for (const k of keys) {
      const v = patch[k]
      set[COLUMNS[k]] = typeof v === 'boolean' ? this.sql.bool(v) : v ?? null
    }
    await this.#db.updateTable('accounts').set(set).where('id', '=', id).execute()
    // A corrected or cleared field is erased: its old value must not survive in the WAL.
    await this.sql.erase('now')
  }

  async deleteAccount (id: string): Promise<void> {
    await this.sql.transaction<AccountTables, void>(async tx => {
      await tx.deleteFrom('access_log').where('peer_id', 'in', tx.selectFrom('devices').select('peer_id').where('account_id', '=', id)).execute()
      // Devices, codes, verified identifiers and billing go with the account (ON DELETE CASCADE, triggers).
      await tx.deleteFrom('accounts').where('id', '=', id).execute()
    })
    await this.sql.erase('now', ACCOUNT_TABLES)
  }

  async listAccounts (): Promise<AccountRecord[]> {
    return (await this.#db.selectFrom('accounts').selectAll().orderBy('created_at').execute()).map(toAccount)
  }

  async listDevices (accountId: string): Promise<DeviceRecord[]> {
    return (await this.#db.selectFrom('devices').selectAll().where('account_id', '=', accountId).orderBy('linked_at').execute()).map(toDevice)
  }

  async addDevice (device: DeviceRecord): Promise<void> {
    try {
      await this.#db.insertInto('devices').values(this.#deviceRow(device)).execute()
    } catch (err) {
      if (uniqueViolation(err) != null) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'this device already belongs to an account')
      throw err
    }
  }

  async removeDevice (peerId: string): Promise<void> {
    await this.#db.deleteFrom('devices').where('peer_id', '=', peerId).execute()
    await this.sql.erase('now')
  }

  async touchDevice (peerId: string, at: number): Promise<void> {
    await this.#db.updateTable('devices').set({ last_seen_at: at }).where('peer_id', '=', peerId).execute()
  }

  async putCode (c: OneTimeCodeRecord): Promise<void> {
    await this.#db.insertInto('one_time_codes')
      .values({ account_id: c.accountId, purpose: c.purpose, digest: c.digest, target: c.target ?? null, expires_at: c.expiresAt, attempts_left: c.attempts })
      .onConflict(oc => oc.columns(['account_id', 'purpose']).doUpdateSet(eb => ({
        digest: eb.ref('excluded.digest'), target: eb.ref('excluded.target'), expires_at: eb.ref('excluded.expires_at'), attempts_left: eb.ref('excluded.attempts_left')
      })))
      .execute()
  }

  async tryCode (accountId: string, purpose: CodePurpose, digest: Uint8Array, now: number): Promise<CodeAttempt> {
    return await this.sql.transaction<AccountTables, CodeAttempt>(async tx => {
      // Locked: two instances guessing at once take turns, so each guess costs an attempt.
      const row = await this.sql.forUpdate(tx.selectFrom('one_time_codes').select(['digest', 'target', 'expires_at', 'attempts_left'])
        .where('account_id', '=', accountId).where('purpose', '=', purpose)).executeTakeFirst()
      if (row == null) return { outcome: 'none' }
      const del = async (): Promise<void> => { await tx.deleteFrom('one_time_codes').where('account_id', '=', accountId).where('purpose', '=', purpose).execute() }
      if (toNumber(row.expires_at) <= now) {
        await del()
        return { outcome: 'expired' }
      }
      if (sameBytes(toBytes(row.digest), digest)) {
        await del()
        return { outcome: 'accepted', target: row.target == null ? undefined : toBytes(row.target) }
      }
      const left = row.attempts_left - 1
      if (left <= 0) await del()
      else await tx.updateTable('one_time_codes').set({ attempts_left: left }).where('account_id', '=', accountId).where('purpose', '=', purpose).execute()
      return { outcome: 'wrong', attemptsLeft: Math.max(0, left) }
    })
  }

  async deleteCode (accountId: string, purpose: CodePurpose): Promise<void> {
    await this.#db.deleteFrom('one_time_codes').where('account_id', '=', accountId).where('purpose', '=', purpose).execute()
  }

  async purgeCodes (now: number): Promise<number> {
    return affected((await this.#db.deleteFrom('one_time_codes').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows)
  }

  async setVerifiedIdentifier (accountId: string, kind: IdentifierKind, hash: Uint8Array, at: number): Promise<void> {
    await this.sql.transaction<AccountTables, void>(async tx => {
      await tx.deleteFrom('verified_identifiers').where(eb => eb.or([eb.and([eb('account_id', '=', accountId), eb('kind', '=', kind)]), eb('hash', '=', hash)])).execute()
      await tx.insertInto('verified_identifiers').values({ hash, account_id: accountId, kind, verified_at: at }).execute()
    })
  }

  async dropVerifiedIdentifier (accountId: string, kind: IdentifierKind): Promise<void> {
    await this.#db.deleteFrom('verified_identifiers').where('account_id', '=', accountId).where('kind', '=', kind).execute()
  }

  async listVerifiedIdentifiers (accountId: string): Promise<VerifiedIdentifier[]> {
    const rows = await this.#db.selectFrom('verified_identifiers').select(['kind', 'hash', 'verified_at']).where('account_id', '=', accountId).orderBy('kind').execute()
    return rows.map(r => ({ kind: r.kind as IdentifierKind, hash: toBytes(r.hash), verifiedAt: toNumber(r.verified_at) }))
  }

  async findIdentifiers (hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>> {
    if (hashes.length === 0) return []
    const rows = await this.#db.selectFrom('verified_identifiers as i').innerJoin('accounts as a', 'a.id', 'i.account_id')
      .select(['i.hash', 'a.username']).where('i.hash', 'in', hashes).where('a.restricted', '=', this.sql.bool(false)).execute()
    const found = new Map(rows.map(r => [Buffer.from(r.hash).toString('hex'), r.username]))
    return hashes.flatMap(hash => {
      const username = found.get(Buffer.from(hash).toString('hex'))
      return username == null ? [] : [{ hash, username }]
    })
  }

  async logAccess (r: AccessRecord): Promise<void> {
    await this.#db.insertInto('access_log').values({ peer_id: r.peerId, ip: r.ip, at: r.at }).execute()
  }

  async listAccess (peerIds: string[]): Promise<AccessRecord[]> {
    if (peerIds.length === 0) return []
    const rows = await this.#db.selectFrom('access_log').select(['peer_id', 'ip', 'at']).where('peer_id', 'in', peerIds).orderBy('at').execute()
    return rows.map(r => ({ peerId: r.peer_id, ip: r.ip, at: toNumber(r.at) }))
  }

  async purgeAccessBefore (before: number): Promise<number> {
    const n = affected((await this.#db.deleteFrom('access_log').where('at', '<', before).executeTakeFirst()).numDeletedRows)
    if (n > 0) await this.sql.erase('soon')
    return n
  }

  async getSetting (key: string): Promise<Uint8Array | undefined> {
    const row = await this.#db.selectFrom('account_settings').select('value').where('key', '=', key).executeTakeFirst()
    return row == null ? undefined : toBytes(row.value)
  }

  async setSetting (key: string, value: Uint8Array): Promise<void> {
    // First writer wins: every instance must use the same discovery salt.
    await this.#db.insertInto('account_settings').values({ key, value }).onConflict(oc => oc.column('key').doNothing()).execute()
  }

  async countDevices (): Promise<number> {
    const row = await this.#db.selectFrom('devices').select(eb => eb.fn.countAll<Int>().as('n')).executeTakeFirstOrThrow()
    return toNumber(row.n)
  }

  async listBlocks (): Promise<BlockRecord[]> {
    const rows = await this.#db.selectFrom('blocklist').selectAll().orderBy('blocked_at').orderBy('value').execute()
    return rows.map(r => ({ kind: r.kind as BlockKind, value: r.value, ...(r.reason != null ? { reason: r.reason } : {}), blockedAt: toNumber(r.blocked_at) }))
  }

  async addBlock (b: BlockRecord): Promise<boolean> {
    const result = await this.#db.insertInto('blocklist').values({ kind: b.kind, value: b.value, reason: b.reason ?? null, blocked_at: b.blockedAt })
      .onConflict(oc => oc.columns(['kind', 'value']).doNothing()).executeTakeFirst()
    return affected(result.numInsertedOrUpdatedRows) === 1
  }

  async removeBlock (kind: BlockKind, value: string): Promise<boolean> {
    return affected((await this.#db.deleteFrom('blocklist').where('kind', '=', kind).where('value', '=', value).executeTakeFirst()).numDeletedRows) === 1
  }

  async close (): Promise<void> {
    await this.sql.close()
  }
}
