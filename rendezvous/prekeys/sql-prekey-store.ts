// PrekeyStore written once over kysely: prekeys.sqlite (embedded, durable like the mailbox: a key
// handed out stays handed out after a crash) or PostgreSQL, where a bundle published through one
// instance is fetched through any other and a one-time prekey is still handed out once.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { toBytes, toNumber } from '../storage/sql-database.ts'
import type { DialectMigrations, SqlDatabase } from '../storage/sql-database.ts'
import type { Kysely } from 'kysely'
import type { OneTimeKey, PrekeyCounts, PrekeyStore, PrekeyStoreLimits, PrekeyUpload, SignedKey, TakenBundle } from './prekey-store.ts'

// Key ids are u32 (prekey-service.ts checkId): BIGINT in PostgreSQL, as INTEGER is signed 32-bit there.
const schema = (t: { blob: string, id: string, int: string }): string => `CREATE TABLE prekey_signed (
     owner TEXT NOT NULL, kind TEXT NOT NULL, id ${t.id} NOT NULL,
     public_key ${t.blob} NOT NULL, signature ${t.blob} NOT NULL, updated_at ${t.int} NOT NULL,
     PRIMARY KEY (owner, kind)
   );
   CREATE TABLE prekey_one_time (
     owner TEXT NOT NULL, id ${t.id} NOT NULL, public_key ${t.blob} NOT NULL,
     PRIMARY KEY (owner, id)
   );
   CREATE TABLE prekey_pq_one_time (
     owner TEXT NOT NULL, id ${t.id} NOT NULL, public_key ${t.blob} NOT NULL, signature ${t.blob} NOT NULL,
     PRIMARY KEY (owner, id)
   );`

/** Never edit a shipped step (storage/migrations.ts). */
export const PREKEY_MIGRATIONS: DialectMigrations = {
  store: 'prekeys',
  // prekeys.sqlite's user_version counted the same steps.
  sqlite: { store: 'prekeys', steps: [schema({ blob: 'BLOB', id: 'INTEGER', int: 'INTEGER' })], legacy: { userVersion: v => v } },
  postgres: { store: 'prekeys', steps: [schema({ blob: 'BYTEA', id: 'BIGINT', int: 'BIGINT' })], legacy: { table: 'prekey_migrations' } }
}

type Int = number | string

interface PrekeyTables {
  prekey_signed: { owner: string, kind: string, id: Int, public_key: Uint8Array, signature: Uint8Array, updated_at: Int }
  prekey_one_time: { owner: string, id: Int, public_key: Uint8Array }
  prekey_pq_one_time: { owner: string, id: Int, public_key: Uint8Array, signature: Uint8Array }
}

/** `kind` values of prekey_signed: the X25519 signed prekey and the last-resort ML-KEM prekey. */
const SIGNED = 'signed'
const LAST_RESORT = 'pq-last-resort'
/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_BATCH = 200

interface SignedRow { id: Int, public_key: Uint8Array, signature: Uint8Array }
interface OneTimeRow { id: Int, public_key: Uint8Array }

const toSigned = (r: SignedRow): SignedKey => ({ id: toNumber(r.id), publicKey: toBytes(r.public_key), signature: toBytes(r.signature) })
const toOneTime = (r: OneTimeRow): OneTimeKey => ({ id: toNumber(r.id), publicKey: toBytes(r.public_key) })

function batches<T> (items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += INSERT_BATCH) out.push(items.slice(i, i + INSERT_BATCH))
  return out
}

export class SqlPrekeyStore implements PrekeyStore {
  readonly sql: SqlDatabase
  readonly #db: Kysely<PrekeyTables>

  private constructor (sql: SqlDatabase) {
    this.sql = sql
    this.#db = sql.kysely<PrekeyTables>()
  }

  /** Migrates the database and opens the store on it; closing the store closes `sql`. */
  static async open (sql: SqlDatabase): Promise<SqlPrekeyStore> {
    try {
      await sql.migrate(PREKEY_MIGRATIONS)
    } catch (err) {
      await sql.close()
      throw err
    }
    return new SqlPrekeyStore(sql)
  }

  async publish (owner: string, upload: PrekeyUpload, limits: PrekeyStoreLimits, now: number): Promise<PrekeyCounts> {
    return await this.sql.transaction<PrekeyTables, PrekeyCounts>(async tx => {
      // Two publishes by one device through two instances must not both pass the limit check on
      // counts that exclude each other's rows. The prefix keeps the key apart from the mailbox's.
      await this.sql.lock(tx as Kysely<unknown>, `prekeys:${owner}`)
      for (const [kind, key] of [[SIGNED, upload.signedPrekey], [LAST_RESORT, upload.pqLastResort]] as const) {
        if (key == null) continue
        await tx.insertInto('prekey_signed').values({ owner, kind, id: key.id, public_key: key.publicKey, signature: key.signature, updated_at: now })
          .onConflict(oc => oc.columns(['owner', 'kind']).doUpdateSet(eb => ({
            id: eb.ref('excluded.id'), public_key: eb.ref('excluded.public_key'), signature: eb.ref('excluded.signature'), updated_at: eb.ref('excluded.updated_at')
          }))).execute()
      }
      if (upload.replaceOneTime) {
        await tx.deleteFrom('prekey_one_time').where('owner', '=', owner).execute()
        await tx.deleteFrom('prekey_pq_one_time').where('owner', '=', owner).execute()
      }
      // A re-sent id keeps the key first stored under it: ids name private keys on the device.
      for (const part of batches(upload.oneTime)) {
        await tx.insertInto('prekey_one_time').values(part.map(k => ({ owner, id: k.id, public_key: k.publicKey }))).onConflict(oc => oc.doNothing()).execute()
      }
      for (const part of batches(upload.pqOneTime)) {
        await tx.insertInto('prekey_pq_one_time').values(part.map(k => ({ owner, id: k.id, public_key: k.publicKey, signature: k.signature }))).onConflict(oc => oc.doNothing()).execute()
      }
      const counts = await this.#counts(tx, owner)
      // Throwing inside the transaction rolls the whole upload back.
      if (counts.oneTime > limits.maxOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxOneTime} one-time prekeys may be held`)
      if (counts.pqOneTime > limits.maxPqOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxPqOneTime} one-time ML-KEM prekeys may be held`)
      return counts
    })
  }

  async take (owner: string, options: { oneTime: boolean }): Promise<TakenBundle | undefined> {
    if (!options.oneTime) {
      const reusable = await this.#reusable(this.#db, owner)
      return reusable == null ? undefined : { signedPrekey: toSigned(reusable.signed), pqPrekey: toSigned(reusable.lastResort) }
    }
    return await this.sql.transaction<PrekeyTables, TakenBundle | undefined>(async tx => {
      const reusable = await this.#reusable(tx, owner)
      if (reusable == null) return undefined
      // Each DELETE … RETURNING removes the key it hands out, so no two fetches get the same one.
      // In PostgreSQL, SKIP LOCKED: a fetch on another instance holding the lowest key moves on to
      // the next instead of queueing behind it (and then finding it gone).
      const oneTime = await tx.deleteFrom('prekey_one_time').where('owner', '=', owner)
        .where('id', '=', eb => this.sql.forUpdate(eb.selectFrom('prekey_one_time').select('id').where('owner', '=', owner).orderBy('id').limit(1), true))
        .returning(['id', 'public_key']).executeTakeFirst()
      const pq = await tx.deleteFrom('prekey_pq_one_time').where('owner', '=', owner)
        .where('id', '=', eb => this.sql.forUpdate(eb.selectFrom('prekey_pq_one_time').select('id').where('owner', '=', owner).orderBy('id').limit(1), true))
        .returning(['id', 'public_key', 'signature']).executeTakeFirst()
      return {
        signedPrekey: toSigned(reusable.signed),
        pqPrekey: toSigned(pq ?? reusable.lastResort),
        ...(oneTime != null ? { oneTimePrekey: toOneTime(oneTime) } : {})
      }
    })
  }

  /** The signed prekey and the last-resort ML-KEM prekey; undefined unless both are present. */
  async #reusable (db: Kysely<PrekeyTables>, owner: string): Promise<{ signed: SignedRow, lastResort: SignedRow } | undefined> {
    const rows = await db.selectFrom('prekey_signed').select(['kind', 'id', 'public_key', 'signature']).where('owner', '=', owner).execute()
    const signed = rows.find(r => r.kind === SIGNED)
    const lastResort = rows.find(r => r.kind === LAST_RESORT)
    return signed == null || lastResort == null ? undefined : { signed, lastResort }
  }

  async counts (owner: string): Promise<PrekeyCounts> {
    return await this.#counts(this.#db, owner)
  }

  async #counts (db: Kysely<PrekeyTables>, owner: string): Promise<PrekeyCounts> {
    const count = (table: keyof PrekeyTables) => db.selectFrom(table).select(eb => eb.fn.countAll<Int>().as('n')).where('owner', '=', owner)
    const row = await db.selectNoFrom(() => [
      count('prekey_one_time').as('one_time'),
      count('prekey_pq_one_time').as('pq_one_time'),
      count('prekey_signed').as('signed')
    ]).executeTakeFirstOrThrow()
    return { oneTime: toNumber(row.one_time ?? 0), pqOneTime: toNumber(row.pq_one_time ?? 0), hasBundle: toNumber(row.signed ?? 0) === 2 }
  }

  async deleteOwner (owner: string): Promise<void> {
    await this.sql.transaction<PrekeyTables, void>(async tx => {
      for (const table of ['prekey_signed', 'prekey_one_time', 'prekey_pq_one_time'] as const) await tx.deleteFrom(table).where('owner', '=', owner).execute()
    })
    // Part of erasing an account or unlinking a device: nothing of it stays in the WAL.
    await this.sql.erase('now')
  }

  async close (): Promise<void> {
    await this.sql.close()
  }
}
