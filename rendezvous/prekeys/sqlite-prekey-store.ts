// PrekeyStore on embedded SQLite (prekeys.sqlite beside the mailbox and account stores). Durable
// like the mailbox: a key handed out must stay handed out after a crash, or it would be reused.
import type Database from 'better-sqlite3'
import { migrateSqlite, openDurableSqlite, walScrubber } from '../storage/sqlite-support.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { OneTimeKey, PrekeyCounts, PrekeyStore, PrekeyStoreLimits, PrekeyUpload, SignedKey, TakenBundle } from './prekey-store.ts'

const MIGRATIONS = [
  `CREATE TABLE prekey_signed (
     owner TEXT NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL,
     public_key BLOB NOT NULL, signature BLOB NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (owner, kind)
   );
   CREATE TABLE prekey_one_time (
     owner TEXT NOT NULL, id INTEGER NOT NULL, public_key BLOB NOT NULL,
     PRIMARY KEY (owner, id)
   );
   CREATE TABLE prekey_pq_one_time (
     owner TEXT NOT NULL, id INTEGER NOT NULL, public_key BLOB NOT NULL, signature BLOB NOT NULL,
     PRIMARY KEY (owner, id)
   );`
]

/** `kind` values of prekey_signed: the X25519 signed prekey and the last-resort ML-KEM prekey. */
const SIGNED = 'signed'
const LAST_RESORT = 'pq-last-resort'

interface SignedRow { id: number, public_key: Uint8Array, signature: Uint8Array }
interface OneTimeRow { id: number, public_key: Uint8Array }

const toSigned = (r: SignedRow): SignedKey => ({ id: r.id, publicKey: new Uint8Array(r.public_key), signature: new Uint8Array(r.signature) })
const toOneTime = (r: OneTimeRow): OneTimeKey => ({ id: r.id, publicKey: new Uint8Array(r.public_key) })

export class SqlitePrekeyStore implements PrekeyStore {
  readonly db: Database.Database

  constructor (path: string) {
    this.db = openDurableSqlite(path)
    migrateSqlite(this.db, MIGRATIONS)
  }

  async publish (owner: string, upload: PrekeyUpload, limits: PrekeyStoreLimits, now: number): Promise<PrekeyCounts> {
    return this.db.transaction(() => {
      const putSigned = this.db.prepare(`INSERT INTO prekey_signed (owner, kind, id, public_key, signature, updated_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (owner, kind) DO UPDATE SET id = excluded.id, public_key = excluded.public_key, signature = excluded.signature, updated_at = excluded.updated_at`)
      if (upload.signedPrekey != null) putSigned.run(owner, SIGNED, upload.signedPrekey.id, upload.signedPrekey.publicKey, upload.signedPrekey.signature, now)
      if (upload.pqLastResort != null) putSigned.run(owner, LAST_RESORT, upload.pqLastResort.id, upload.pqLastResort.publicKey, upload.pqLastResort.signature, now)
      if (upload.replaceOneTime) {
        this.db.prepare('DELETE FROM prekey_one_time WHERE owner = ?').run(owner)
        this.db.prepare('DELETE FROM prekey_pq_one_time WHERE owner = ?').run(owner)
      }
      // A re-sent id keeps the key first stored under it: ids name private keys on the device.
      const putOneTime = this.db.prepare('INSERT INTO prekey_one_time (owner, id, public_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      for (const k of upload.oneTime) putOneTime.run(owner, k.id, k.publicKey)
      const putPq = this.db.prepare('INSERT INTO prekey_pq_one_time (owner, id, public_key, signature) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      for (const k of upload.pqOneTime) putPq.run(owner, k.id, k.publicKey, k.signature)
      const counts = this.#counts(owner)
      // Throwing inside the transaction rolls the whole upload back.
      if (counts.oneTime > limits.maxOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxOneTime} one-time prekeys may be held`)
      if (counts.pqOneTime > limits.maxPqOneTime) throw new ProtocolError(ErrorCode.INVALID, `at most ${limits.maxPqOneTime} one-time ML-KEM prekeys may be held`)
      return counts
    })()
  }

  async take (owner: string, options: { oneTime: boolean }): Promise<TakenBundle | undefined> {
    return this.db.transaction(() => {
      const signedQuery = this.db.prepare('SELECT id, public_key, signature FROM prekey_signed WHERE owner = ? AND kind = ?')
      const signed = signedQuery.get(owner, SIGNED) as SignedRow | undefined
      const lastResort = signedQuery.get(owner, LAST_RESORT) as SignedRow | undefined
      if (signed == null || lastResort == null) return undefined
      let oneTime: OneTimeRow | undefined
      let pq: SignedRow | undefined
      if (options.oneTime) {
        oneTime = this.db.prepare('SELECT id, public_key FROM prekey_one_time WHERE owner = ? ORDER BY id LIMIT 1').get(owner) as OneTimeRow | undefined
        if (oneTime != null) this.db.prepare('DELETE FROM prekey_one_time WHERE owner = ? AND id = ?').run(owner, oneTime.id)
        pq = this.db.prepare('SELECT id, public_key, signature FROM prekey_pq_one_time WHERE owner = ? ORDER BY id LIMIT 1').get(owner) as SignedRow | undefined
        if (pq != null) this.db.prepare('DELETE FROM prekey_pq_one_time WHERE owner = ? AND id = ?').run(owner, pq.id)
      }
      return {
        signedPrekey: toSigned(signed),
        pqPrekey: toSigned(pq ?? lastResort),
        ...(oneTime != null ? { oneTimePrekey: toOneTime(oneTime) } : {})
      }
    })()
  }

  async counts (owner: string): Promise<PrekeyCounts> {
    return this.#counts(owner)
  }

  #counts (owner: string): PrekeyCounts {
    const count = (sql: string): number => (this.db.prepare(sql).get(owner) as { n: number }).n
    return {
      oneTime: count('SELECT count(*) AS n FROM prekey_one_time WHERE owner = ?'),
      pqOneTime: count('SELECT count(*) AS n FROM prekey_pq_one_time WHERE owner = ?'),
      hasBundle: count('SELECT count(*) AS n FROM prekey_signed WHERE owner = ?') === 2
    }
  }

  async deleteOwner (owner: string): Promise<void> {
    this.db.transaction(() => {
      for (const table of ['prekey_signed', 'prekey_one_time', 'prekey_pq_one_time']) this.db.prepare(`DELETE FROM ${table} WHERE owner = ?`).run(owner)
    })()
    // Part of erasing an account or unlinking a device: nothing of it stays in the WAL.
    walScrubber(this.db).now()
  }

  async close (): Promise<void> {
    walScrubber(this.db).flush()
    this.db.close()
  }
}
