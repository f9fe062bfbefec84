// Blob storage written once over kysely: blobs.sqlite (embedded) or PostgreSQL, where a blob
// uploaded through one instance can be downloaded through any other. Only ciphertext is stored.
import { sql } from 'kysely'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { affected, toBytes, toNumber } from '../storage/sql-database.ts'
import type { SqlDatabase } from '../storage/sql-database.ts'
import { BLOB_MIGRATIONS } from './blob-migrations.ts'
import { refuseOverLimits } from './blob-store.ts'
import type { Expression, ExpressionBuilder, Generated, Kysely, Selectable, SqlBool } from 'kysely'
import type { BlobFilter, BlobLimits, BlobStats, BlobStore, NewBlob, StoredBlob } from './blob-store.ts'

type Int = number | string

interface BlobTables {
  blobs: {
    seq: Generated<Int>, recipient: string, id: Uint8Array, sender: string, size: Int, chunks: number,
    complete: boolean | number, created_at: Int, expires_at: Int
  }
  blob_chunks: { blob: Int, idx: number, data: Uint8Array }
}

type Where = (eb: ExpressionBuilder<BlobTables, 'blobs'>) => Expression<SqlBool>

/** Second key of the lock every upload's admission takes: the node-wide budget is one counter. */
const BUDGET_LOCK = 0x62756467 // 'budg'

function toBlob (row: Selectable<BlobTables['blobs']>): StoredBlob {
  return { id: toBytes(row.id), sender: row.sender, recipient: row.recipient, size: toNumber(row.size), chunks: row.chunks, createdAt: toNumber(row.created_at), expiresAt: toNumber(row.expires_at) }
}

export class SqlBlobStore implements BlobStore {
  readonly sql: SqlDatabase
  readonly #db: Kysely<BlobTables>

  private constructor (sql: SqlDatabase) {
    this.sql = sql
    this.#db = sql.kysely<BlobTables>()
  }

  /** Migrates the database and opens the store on it; closing the store closes `sql`. */
  static async open (sql: SqlDatabase): Promise<SqlBlobStore> {
    const store = new SqlBlobStore(sql)
    try {
      await sql.migrate(BLOB_MIGRATIONS)
      // An embedded node is the only writer: an upload cut off by its restart can never complete
      // (its stream is gone). Instances sharing PostgreSQL may have uploads running elsewhere.
      if (sql.dialect === 'sqlite') await store.#deleteWhere(eb => eb('complete', '=', 0))
    } catch (err) {
      await sql.close()
      throw err
    }
    return store
  }

  async #deleteWhere (where: Where, erase: 'now' | 'soon' = 'soon'): Promise<number> {
    const n = await this.sql.transaction<BlobTables, number>(async tx => {
      await tx.deleteFrom('blob_chunks').where('blob', 'in', tx.selectFrom('blobs').select('seq').where(where)).execute()
      return affected((await tx.deleteFrom('blobs').where(where).executeTakeFirst()).numDeletedRows)
    })
    // Deleted ciphertext leaves the write-ahead log within WAL_SCRUB_DELAY_MS (deleteFor: at once).
    if (n > 0 || erase === 'now') await this.sql.erase(erase)
    return n
  }

  #sum (db: Kysely<BlobTables>, now: number, sender?: string) {
    return db.selectFrom('blobs').select(sql<Int>`coalesce(sum(size), 0)`.as('bytes')).where('expires_at', '>', now)
      .$if(sender != null, q => q.where('sender', '=', sender ?? ''))
  }

  async begin (blob: NewBlob, limits: BlobLimits, now: number, staleAt: number): Promise<void> {
    await this.sql.transaction<BlobTables, void>(async tx => {
      // The budget spans every recipient and every instance: admissions take turns, so the sums
      // below and the insert are one step and concurrent uploads cannot overshoot.
      await this.sql.lock(tx as Kysely<unknown>, BUDGET_LOCK)
      const senderUsed = toNumber((await this.#sum(tx, now, blob.sender).executeTakeFirstOrThrow()).bytes)
      const totalUsed = toNumber((await this.#sum(tx, now).executeTakeFirstOrThrow()).bytes)
      refuseOverLimits(blob, limits, senderUsed, totalUsed)
      const inserted = await tx.insertInto('blobs').values({
        recipient: blob.recipient, id: blob.id, sender: blob.sender, size: blob.size, chunks: blob.chunks,
        complete: this.sql.bool(false), created_at: now, expires_at: staleAt
      }).onConflict(oc => oc.doNothing()).executeTakeFirst()
      if (affected(inserted.numInsertedOrUpdatedRows) === 0) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'a blob with this id is already waiting for the recipient')
    })
  }

  async putChunks (recipient: string, id: Uint8Array, chunks: Array<{ index: number, data: Uint8Array }>): Promise<void> {
    await this.sql.transaction<BlobTables, void>(async tx => {
      const row = await tx.selectFrom('blobs').select('seq').where('recipient', '=', recipient).where('id', '=', id).where('complete', '=', this.sql.bool(false)).executeTakeFirst()
      if (row == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
      if (chunks.length === 0) return
      await tx.insertInto('blob_chunks').values(chunks.map(c => ({ blob: row.seq, idx: c.index, data: c.data }))).execute()
    })
  }

  async complete (recipient: string, id: Uint8Array, expiresAt: number): Promise<void> {
    const r = await this.#db.updateTable('blobs').set({ complete: this.sql.bool(true), expires_at: expiresAt })
      .where('recipient', '=', recipient).where('id', '=', id).where('complete', '=', this.sql.bool(false)).executeTakeFirst()
    if (affected(r.numUpdatedRows) === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, 'upload was discarded')
  }

  async get (recipient: string, id: Uint8Array, now: number, filter: BlobFilter = {}): Promise<StoredBlob | undefined> {
    const row = await this.#db.selectFrom('blobs').selectAll().where('recipient', '=', recipient).where('id', '=', id)
      .where('complete', '=', this.sql.bool(true)).where('expires_at', '>', now)
      .$if(filter.sender != null, q => q.where('sender', '=', filter.sender ?? '')).executeTakeFirst()
    return row == null ? undefined : toBlob(row)
  }

  async chunk (recipient: string, id: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    const row = await this.#db.selectFrom('blob_chunks as c').innerJoin('blobs as b', 'b.seq', 'c.blob').select('c.data')
      .where('b.recipient', '=', recipient).where('b.id', '=', id).where('c.idx', '=', index).executeTakeFirst()
    return row == null ? undefined : toBytes(row.data)
  }

  async list (recipient: string, now: number, after: Uint8Array | undefined, limit: number): Promise<StoredBlob[]> {
    const rows = await this.#db.selectFrom('blobs').selectAll().where('recipient', '=', recipient).where('complete', '=', this.sql.bool(true))
      .where('expires_at', '>', now).where('id', '>', after ?? new Uint8Array()).orderBy('id').limit(limit).execute()
    return rows.map(toBlob)
  }

  async delete (recipient: string, id: Uint8Array, filter: BlobFilter = {}): Promise<boolean> {
    return await this.#deleteWhere(eb => eb.and([eb('recipient', '=', recipient), eb('id', '=', id), ...(filter.sender != null ? [eb('sender', '=', filter.sender)] : [])])) > 0
  }

  async clear (recipient: string, filter: BlobFilter = {}): Promise<number> {
    return await this.#deleteWhere(eb => eb.and([eb('recipient', '=', recipient), ...(filter.sender != null ? [eb('sender', '=', filter.sender)] : [])]))
  }

  async senderUsage (sender: string, now: number): Promise<number> {
    return toNumber((await this.#sum(this.#db, now, sender).executeTakeFirstOrThrow()).bytes)
  }

  async totalUsage (now: number): Promise<number> {
    return toNumber((await this.#sum(this.#db, now).executeTakeFirstOrThrow()).bytes)
  }

  async deleteFor (peer: string, which = { received: true, sent: true }): Promise<number> {
    const parts: Where[] = []
    if (which.received) parts.push(eb => eb('recipient', '=', peer))
    if (which.sent) parts.push(eb => eb('sender', '=', peer))
    if (parts.length === 0) return 0
    // Account deletion or unlinking: nothing of it stays in the WAL after the answer.
    return await this.#deleteWhere(eb => eb.or(parts.map(p => p(eb))), 'now')
  }

  async purgeExpired (now: number): Promise<number> {
    return await this.#deleteWhere(eb => eb('expires_at', '<=', now))
  }

  async stats (): Promise<BlobStats> {
    const row = await this.#db.selectFrom('blobs').select([eb => eb.fn.countAll<Int>().as('blobs'), sql<Int>`coalesce(sum(size), 0)`.as('bytes')])
      .where('complete', '=', this.sql.bool(true)).executeTakeFirstOrThrow()
    return { blobs: toNumber(row.blobs), bytes: toNumber(row.bytes) }
  }

  async close (): Promise<void> {
    await this.sql.close()
  }
}
