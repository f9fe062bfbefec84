// PrekeyStore on PostgreSQL, for several rendezvous instances sharing one database: a bundle
// published through one instance is fetched through any other, and a one-time prekey is still
// handed out once, whichever instances the concurrent fetches arrive at.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { LOCK_NAMESPACE, migratedPool, transaction } from '../storage/postgres-support.ts'
import type { OneTimeKey, PrekeyCounts, PrekeyStore, PrekeyStoreLimits, PrekeyUpload, SignedKey, TakenBundle } from './prekey-store.ts'
import type pg from 'pg'

/** Applied in order, each once, recorded in prekey_migrations. Never edit one that has shipped. */
const MIGRATIONS: string[] = [
  // Key ids are u32 (prekey-service.ts checkId): BIGINT, as INTEGER is signed 32-bit here.
  `CREATE TABLE prekey_signed (
     owner TEXT NOT NULL, kind TEXT NOT NULL, id BIGINT NOT NULL,
     public_key BYTEA NOT NULL, signature BYTEA NOT NULL, updated_at BIGINT NOT NULL,
     PRIMARY KEY (owner, kind)
   );
   CREATE TABLE prekey_one_time (
     owner TEXT NOT NULL, id BIGINT NOT NULL, public_key BYTEA NOT NULL,
     PRIMARY KEY (owner, id)
   );
   CREATE TABLE prekey_pq_one_time (
     owner TEXT NOT NULL, id BIGINT NOT NULL, public_key BYTEA NOT NULL, signature BYTEA NOT NULL,
     PRIMARY KEY (owner, id)
   );`
]

/** Second key of the migration lock: 'prky', apart from the other adapters' migration locks. */
const MIGRATION_LOCK = 0x70726b79

/** `kind` values of prekey_signed, as in SqlitePrekeyStore. */
const SIGNED = 'signed'
const LAST_RESORT = 'pq-last-resort'

interface SignedRow { id: string, public_key: Uint8Array, signature: Uint8Array }
interface OneTimeRow { id: string, public_key: Uint8Array }

const toSigned = (r: SignedRow): SignedKey => ({ id: Number(r.id), publicKey: new Uint8Array(r.public_key), signature: new Uint8Array(r.signature) })
const toOneTime = (r: OneTimeRow): OneTimeKey => ({ id: Number(r.id), publicKey: new Uint8Array(r.public_key) })

export class PostgresPrekeyStore implements PrekeyStore {
  readonly pool: pg.Pool
  readonly #owned: boolean

  private constructor (pool: pg.Pool, owned: boolean) {
    this.pool = pool
    this.#owned = owned
  }

  /** A connection string opens a pool of its own; a pool is shared and left open on close(). */
  static async open (connection: string | pg.Pool): Promise<PostgresPrekeyStore> {
    const { pool, owned } = await migratedPool(connection, 'prekey_migrations', MIGRATION_LOCK, MIGRATIONS)
    return new PostgresPrekeyStore(pool, owned)
  }

  async publish (owner: string, upload: PrekeyUpload, limits: PrekeyStoreLimits, now: number): Promise<PrekeyCounts> {
    return await transaction(this.pool, async client => {
      // Two publishes by one device through two instances must not both pass the limit check on
      // counts that exclude each other's rows: they take turns on a per-owner lock. The prefix
      // keeps it apart from the mailbox's per-recipient lock on the same peer id.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, `prekeys:${owner}`])
      const putSigned = `INSERT INTO prekey_signed (owner, kind, id, public_key, signature, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (owner, kind) DO UPDATE SET id = excluded.id, public_key = excluded.public_key, signature = excluded.signature, updated_at = excluded.updated_at`
      if (upload.signedPrekey != null) await client.query(putSigned, [owner, SIGNED, upload.signedPrekey.id, upload.signedPrekey.publicKey, upload.signedPrekey.signature, now])
      if (upload.pqLastResort != null) await client.query(putSigned, [owner, LAST_RESORT, upload.pqLastResort.id, upload.pqLastResort.publicKey, upload.pqLastResort.signature, now])
      if (upload.replaceOneTime) {
        await client.query('DELETE FROM prekey_one_time WHERE owner = $1', [owner])
        await client.query('DELETE FROM prekey_pq_one_time WHERE owner = $1', [owner])
      }
      // A re-sent id keeps the key first stored under it: ids name private keys on the device.
      // One statement per table (unnest) rather than one round trip per key.
      if (upload.oneTime.length > 0) {
        await client.query(`INSERT INTO prekey_one_time (owner, id, public_key)
          SELECT $1, k.id, k.public_key FROM unnest($2::bigint[], $3::bytea[]) WITH ORDINALITY AS k (id, public_key, n)
          ORDER BY k.n ON CONFLICT DO NOTHING`,
        [owner, upload.oneTime.map(k => k.id), upload.oneTime.map(k => k.publicKey)])
      }
      if (upload.pqOneTime.length > 0) {
        await client.query(`INSERT INTO prekey_pq_one_time (owner, id, public_key, signature)
          SELECT $1, k.id, k.public_key, k.signature FROM unnest($2::bigint[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS k (id, public_key, signature, n)
          ORDER BY k.n ON CONFLICT DO NOTHING`,
        [owner, upload.pqOneTime.map(k => k.id), upload.pqOneTime.map(k => k.publicKey), upload.pqOneTime.map(k => k.signature)])
      }
      const counts = await this.#counts(client, owner)
      // Throwing inside the transaction rolls the whole upload back.
      if (counts.oneTime > limits.maxOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxOneTime} one-time prekeys may be held`)
      if (counts.pqOneTime > limits.maxPqOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxPqOneTime} one-time ML-KEM prekeys may be held`)
      return counts
    })
  }

  async take (owner: string, options: { oneTime: boolean }): Promise<TakenBundle | undefined> {
    if (!options.oneTime) {
      const reusable = await this.#reusable(this.pool, owner)
      return reusable == null ? undefined : { signedPrekey: toSigned(reusable.signed), pqPrekey: toSigned(reusable.lastResort) }
    }
    return await transaction(this.pool, async client => {
      const reusable = await this.#reusable(client, owner)
      if (reusable == null) return undefined
      // Each DELETE … RETURNING removes the key it hands out, so no two fetches get the same
      // one. SKIP LOCKED: a fetch on another instance holding the lowest key moves on to the next
      // instead of queueing behind it (and then finding it gone).
      const oneTime = (await client.query<OneTimeRow>(`DELETE FROM prekey_one_time WHERE owner = $1 AND id = (
          SELECT id FROM prekey_one_time WHERE owner = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
        ) RETURNING id, public_key`, [owner])).rows[0]
      const pq = (await client.query<SignedRow>(`DELETE FROM prekey_pq_one_time WHERE owner = $1 AND id = (
          SELECT id FROM prekey_pq_one_time WHERE owner = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
        ) RETURNING id, public_key, signature`, [owner])).rows[0]
      return {
        signedPrekey: toSigned(reusable.signed),
        pqPrekey: toSigned(pq ?? reusable.lastResort),
        ...(oneTime != null ? { oneTimePrekey: toOneTime(oneTime) } : {})
      }
    })
  }

  /** The signed prekey and the last-resort ML-KEM prekey; undefined unless both are present. */
  async #reusable (client: pg.Pool | pg.PoolClient, owner: string): Promise<{ signed: SignedRow, lastResort: SignedRow } | undefined> {
    const { rows } = await client.query<SignedRow & { kind: string }>('SELECT kind, id, public_key, signature FROM prekey_signed WHERE owner = $1', [owner])
    const signed = rows.find(r => r.kind === SIGNED)
    const lastResort = rows.find(r => r.kind === LAST_RESORT)
    return signed == null || lastResort == null ? undefined : { signed, lastResort }
  }

  async counts (owner: string): Promise<PrekeyCounts> {
    return await this.#counts(this.pool, owner)
  }

  async #counts (client: pg.Pool | pg.PoolClient, owner: string): Promise<PrekeyCounts> {
    const { rows } = await client.query<{ one_time: string, pq_one_time: string, signed: string }>(`SELECT
        (SELECT count(*) FROM prekey_one_time WHERE owner = $1) AS one_time,
        (SELECT count(*) FROM prekey_pq_one_time WHERE owner = $1) AS pq_one_time,
        (SELECT count(*) FROM prekey_signed WHERE owner = $1) AS signed`, [owner])
    return { oneTime: Number(rows[0].one_time), pqOneTime: Number(rows[0].pq_one_time), hasBundle: Number(rows[0].signed) === 2 }
  }

  async deleteOwner (owner: string): Promise<void> {
    await transaction(this.pool, async client => {
      for (const table of ['prekey_signed', 'prekey_one_time', 'prekey_pq_one_time']) await client.query(`DELETE FROM ${table} WHERE owner = $1`, [owner])
    })
  }

  async close (): Promise<void> {
    if (this.#owned) await this.pool.end()
  }
}
