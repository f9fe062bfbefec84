// ChatStore on SQLite for Node peers (the CLI's home directory).
import Database from 'better-sqlite3'
import { securePrivateSqlite } from '../rendezvous/storage/private-files.ts'
import { walScrubber } from '../rendezvous/storage/sqlite-support.ts'
import type { ChatMessage, ChatStore, MessageQuery, MessageStatus } from '../protocol/store/chat-store.ts'

interface Row {
  id: string
  peer: string
  direction: 'in' | 'out'
  text: string
  sent_at: number
  received_at: number
  status: MessageStatus
}

const toMessage = (r: Row): ChatMessage => ({
  id: r.id, peer: r.peer, direction: r.direction, text: r.text, sentAt: r.sent_at, receivedAt: r.received_at, status: r.status
})

export class SqliteChatStore implements ChatStore {
  readonly #db: Database.Database

  constructor (path: string) {
    // Owner-only from the first byte: messages, ratchet state and prekey private keys live here.
    securePrivateSqlite(path)
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('busy_timeout = 5000')
    // A message deleted on this device is overwritten on disk, not only unlinked.
    this.#db.pragma('secure_delete = ON')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        peer TEXT NOT NULL,
        direction TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        status TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_by_peer ON messages (peer, seq);
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL);
      -- Tombstones: ids of deleted messages, never added again (a replay must not bring one back).
      CREATE TABLE IF NOT EXISTS deleted (id TEXT PRIMARY KEY) WITHOUT ROWID;`)
  }

  async addMessage (m: ChatMessage): Promise<boolean> {
    // One statement: the tombstone check and the insert cannot be split by a concurrent delete.
    return this.#db.prepare(`INSERT INTO messages (id, peer, direction, text, sent_at, received_at, status)
      SELECT @id, @peer, @direction, @text, @sentAt, @receivedAt, @status WHERE NOT EXISTS (SELECT 1 FROM deleted WHERE id = @id)
      ON CONFLICT (id) DO NOTHING`)
      .run({ id: m.id, peer: m.peer, direction: m.direction, text: m.text, sentAt: m.sentAt, receivedAt: m.receivedAt, status: m.status }).changes === 1
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const row = this.#db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined
    return row == null ? undefined : toMessage(row)
  }

  async setStatus (id: string, status: MessageStatus): Promise<void> {
    this.#db.prepare('UPDATE messages SET status = ? WHERE id = ?').run(status, id)
  }

  async deleteMessage (id: string): Promise<void> {
    this.#db.transaction(() => {
      this.#db.prepare('INSERT INTO deleted (id) VALUES (?) ON CONFLICT DO NOTHING').run(id)
      this.#db.prepare('DELETE FROM messages WHERE id = ?').run(id)
    })()
    // secure_delete cleared the row in the database file; the WAL still has it until truncated.
    walScrubber(this.#db).now()
  }

  async listMessages (query: MessageQuery = {}): Promise<ChatMessage[]> {
    const where = query.peer != null ? 'WHERE peer = @peer' : ''
    const limit = query.limit != null ? 'LIMIT @limit' : ''
    const rows = this.#db.prepare(`SELECT * FROM (SELECT * FROM messages ${where} ORDER BY seq DESC ${limit}) ORDER BY seq`)
      .all({ peer: query.peer, limit: query.limit }) as Row[]
    return rows.map(toMessage)
  }

  async getValue (key: string): Promise<Uint8Array | undefined> {
    const row = this.#db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: Buffer } | undefined
    return row == null ? undefined : new Uint8Array(row.value)
  }

  async setValue (key: string, value: Uint8Array): Promise<void> {
    this.#db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  async deleteValue (key: string): Promise<void> {
    this.#db.prepare('DELETE FROM kv WHERE key = ?').run(key)
    // Used one-time prekeys and old session state: out of the WAL within WAL_SCRUB_DELAY_MS.
    walScrubber(this.#db).schedule()
  }

  async listValues (prefix = ''): Promise<Array<[string, Uint8Array]>> {
    const rows = this.#db.prepare('SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? ORDER BY key').all(prefix.length, prefix) as Array<{ key: string, value: Buffer }>
    return rows.map(r => [r.key, new Uint8Array(r.value)])
  }

  async close (): Promise<void> {
    walScrubber(this.#db).flush()
    this.#db.close()
  }
}
