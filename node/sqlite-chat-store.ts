// ChatStore on SQLite for Node peers (the CLI's home directory).
import Database from 'better-sqlite3'
import { applyUpdate } from '../protocol/messages/message.ts'
import { decodeOutboxEntry, encodeOutboxEntry } from '../protocol/messages/outbox-entry.ts'
import { securePrivateSqlite } from '../rendezvous/storage/private-files.ts'
import { migrateSqlite, walScrubber } from '../rendezvous/storage/sqlite-support.ts'
import { checkQuery } from '../protocol/store/chat-store.ts'
import type { AttachmentRef, ChatMessage, ChatStore, EarlierText, MessagePage, MessageQuery, MessageStatus, MessageUpdate, OutboxEntry, PurgeRecord, Reaction } from '../protocol/store/chat-store.ts'
import type { DeliveryPath } from '../protocol/delivery/path.ts'

interface Row {
  seq: number
  id: string
  peer: string
  direction: 'in' | 'out'
  text: string
  sent_at: number
  received_at: number
  status: MessageStatus
  error: string | null
  path: DeliveryPath | null
  attachment: string | null
  grp: string | null
  sender: string | null
  reply_to: string | null
  edit_of: string | null
  reply_preview: string | null
  reactions: string | null
  edits: string | null
  edited_at: number | null
  deleted_at: number | null
  expires_at: number | null
  timer: number | null
  purged: string | null
}

const MIGRATIONS = [
  // 1: the schema before user_version was kept (IF NOT EXISTS: such databases already have it).
  `CREATE TABLE IF NOT EXISTS messages (
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
  CREATE TABLE IF NOT EXISTS deleted (id TEXT PRIMARY KEY) WITHOUT ROWID;`,
  // 2: one message model (path, attachment, group and links on the message) and the outbox.
  `ALTER TABLE messages ADD COLUMN error TEXT;
  ALTER TABLE messages ADD COLUMN path TEXT;
  ALTER TABLE messages ADD COLUMN attachment TEXT;
  ALTER TABLE messages ADD COLUMN grp TEXT;
  ALTER TABLE messages ADD COLUMN sender TEXT;
  ALTER TABLE messages ADD COLUMN reply_to TEXT;
  ALTER TABLE messages ADD COLUMN edit_of TEXT;
  -- A 'sending' message of the old model was cut off mid-send and has nothing to retry it with.
  UPDATE messages SET status = 'failed', error = 'interrupted before it was acknowledged' WHERE status = 'sending';
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, entry BLOB NOT NULL);`,
  // 3: group messages are real messages (group set; peer the sender if incoming, the group if
  // outgoing), no longer filed under a fake peer `group:<id>`. One partial index per conversation kind.
  `UPDATE messages SET grp = coalesce(grp, substr(peer, 7)) WHERE peer LIKE 'group:%';
  UPDATE messages SET peer = CASE WHEN direction = 'in' AND sender IS NOT NULL THEN sender ELSE grp END WHERE peer LIKE 'group:%';
  DROP INDEX IF EXISTS messages_by_peer;
  CREATE INDEX messages_by_peer ON messages (peer, seq) WHERE grp IS NULL;
  CREATE INDEX messages_by_group ON messages (grp, seq) WHERE grp IS NOT NULL;`,
  // 4: replies quote, reactions, edit history and the deleted-for-everyone tombstone (JSON columns).
  `ALTER TABLE messages ADD COLUMN reply_preview TEXT;
  ALTER TABLE messages ADD COLUMN reactions TEXT;
  ALTER TABLE messages ADD COLUMN edits TEXT;
  ALTER TABLE messages ADD COLUMN edited_at INTEGER;
  ALTER TABLE messages ADD COLUMN deleted_at INTEGER;`,
  // 5: disappearing messages (the expiry the sweeper deletes by) and the timer's system lines.
  `ALTER TABLE messages ADD COLUMN expires_at INTEGER;
  ALTER TABLE messages ADD COLUMN timer INTEGER;
  CREATE INDEX messages_by_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;`,
  // 6: verified purge receipts of outgoing messages (JSON array of PurgeRecord).
  'ALTER TABLE messages ADD COLUMN purged TEXT;'
]

function toMessage (r: Row): ChatMessage {
  const m: ChatMessage = { id: r.id, peer: r.peer, direction: r.direction, text: r.text, sentAt: r.sent_at, receivedAt: r.received_at, status: r.status }
  if (r.error != null) m.error = r.error
  if (r.path != null) m.path = r.path
  if (r.attachment != null) m.attachment = JSON.parse(r.attachment) as AttachmentRef
  if (r.grp != null) m.group = r.grp
  if (r.sender != null) m.sender = r.sender
  if (r.reply_to != null) m.replyTo = r.reply_to
  if (r.edit_of != null) m.editOf = r.edit_of
  if (r.reply_preview != null) m.replyPreview = r.reply_preview
  if (r.reactions != null) m.reactions = JSON.parse(r.reactions) as Reaction[]
  if (r.edits != null) m.edits = JSON.parse(r.edits) as EarlierText[]
  if (r.edited_at != null) m.editedAt = r.edited_at
  if (r.deleted_at != null) m.deletedAt = r.deleted_at
  if (r.expires_at != null) m.expiresAt = r.expires_at
  if (r.timer != null) m.timer = r.timer
  if (r.purged != null) m.purged = JSON.parse(r.purged) as PurgeRecord[]
  return m
}

function toRow (m: ChatMessage): Record<string, unknown> {
  return {
    id: m.id, peer: m.peer, direction: m.direction, text: m.text, sentAt: m.sentAt, receivedAt: m.receivedAt, status: m.status,
    error: m.error ?? null, path: m.path ?? null, attachment: m.attachment == null ? null : JSON.stringify(m.attachment),
    grp: m.group ?? null, sender: m.sender ?? null, replyTo: m.replyTo ?? null, editOf: m.editOf ?? null,
    replyPreview: m.replyPreview ?? null, reactions: m.reactions == null ? null : JSON.stringify(m.reactions),
    edits: m.edits == null ? null : JSON.stringify(m.edits), editedAt: m.editedAt ?? null, deletedAt: m.deletedAt ?? null,
    expiresAt: m.expiresAt ?? null, timer: m.timer ?? null,
    purged: m.purged == null ? null : JSON.stringify(m.purged)
  }
}

export class SqliteChatStore implements ChatStore {
  readonly #db: Database.Database
  #insertStatement?: Database.Statement

  constructor (path: string) {
    // Owner-only from the first byte: messages, ratchet state and prekey private keys live here.
    securePrivateSqlite(path)
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('busy_timeout = 5000')
    // A message deleted on this device is overwritten on disk, not only unlinked.
    this.#db.pragma('secure_delete = ON')
    migrateSqlite(this.#db, MIGRATIONS)
  }

  /** One statement: the tombstone check and the insert cannot be split by a concurrent delete. */
  #insert (m: ChatMessage): boolean {
    this.#insertStatement ??= this.#db.prepare(`INSERT INTO messages (id, peer, direction, text, sent_at, received_at, status, error, path, attachment, grp, sender, reply_to, edit_of, reply_preview, reactions, edits, edited_at, deleted_at, expires_at, timer, purged)
      SELECT @id, @peer, @direction, @text, @sentAt, @receivedAt, @status, @error, @path, @attachment, @grp, @sender, @replyTo, @editOf, @replyPreview, @reactions, @edits, @editedAt, @deletedAt, @expiresAt, @timer, @purged
      WHERE NOT EXISTS (SELECT 1 FROM deleted WHERE id = @id)
      ON CONFLICT (id) DO NOTHING`)
    return this.#insertStatement.run(toRow(m)).changes === 1
  }

  async addMessage (m: ChatMessage, outbox?: OutboxEntry): Promise<boolean> {
    return this.#db.transaction(() => {
      const added = this.#insert(m)
      if (added && outbox != null) this.#putOutbox(outbox)
      return added
    })()
  }

  async addMessages (messages: ChatMessage[]): Promise<boolean[]> {
    // One transaction, one commit (one fsync) for the whole batch.
    return this.#db.transaction(() => messages.map(m => this.#insert(m)))()
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const row = this.#db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined
    return row == null ? undefined : toMessage(row)
  }

  async updateMessage (id: string, update: MessageUpdate): Promise<ChatMessage | undefined> {
    // better-sqlite3 is synchronous: read, decide and write cannot interleave with another update.
    const next = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined
      const next = row == null ? undefined : applyUpdate(toMessage(row), update)
      if (next == null) return undefined
      this.#db.prepare(`UPDATE messages SET status = @status, error = @error, path = @path, attachment = @attachment, text = @text,
        reply_preview = @replyPreview, reactions = @reactions, edits = @edits, edited_at = @editedAt, deleted_at = @deletedAt, purged = @purged WHERE id = @id`).run(toRow(next))
      return next
    })()
    // Deleted for everyone: the old text (cleared in the file by secure_delete) leaves the WAL too.
    if (next?.deletedAt != null && update.tombstone != null) walScrubber(this.#db).now()
    return next
  }

  async deleteMessage (id: string): Promise<void> {
    this.#db.transaction(() => {
      this.#db.prepare('INSERT INTO deleted (id) VALUES (?) ON CONFLICT DO NOTHING').run(id)
      this.#db.prepare('DELETE FROM messages WHERE id = ?').run(id)
      this.#db.prepare('DELETE FROM outbox WHERE id = ?').run(id)
    })()
    // secure_delete cleared the row in the database file; the WAL still has it until truncated.
    walScrubber(this.#db).now()
  }

  async listMessages (query: MessageQuery = {}): Promise<ChatMessage[]> {
    checkQuery(query)
    // Each filter matches its partial index exactly (`grp IS NULL` for 1:1, `grp = ?` for a group).
    const where = query.group != null ? 'WHERE grp = @group' : query.peer != null ? 'WHERE peer = @peer AND grp IS NULL' : ''
    const limit = query.limit != null ? 'LIMIT @limit' : ''
    const rows = this.#db.prepare(`SELECT * FROM (SELECT * FROM messages ${where} ORDER BY seq DESC ${limit}) ORDER BY seq`)
      .all({ peer: query.peer, group: query.group, limit: query.limit }) as Row[]
    return rows.map(toMessage)
  }

  async pageMessages (after: number, limit: number): Promise<MessagePage> {
    // AUTOINCREMENT: a seq is never handed out twice, also after deletions.
    const rows = this.#db.prepare('SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as Row[]
    return { messages: rows.map(toMessage), positions: rows.map(r => r.seq), next: rows.at(-1)?.seq ?? after }
  }

  async countMessages (): Promise<number> {
    return (this.#db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n
  }

  #putOutbox (entry: OutboxEntry): void {
    this.#db.prepare('INSERT INTO outbox (id, entry) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET entry = excluded.entry').run(entry.id, encodeOutboxEntry(entry))
  }

  async putOutbox (entry: OutboxEntry): Promise<void> {
    this.#putOutbox(entry)
  }

  async listOutbox (): Promise<OutboxEntry[]> {
    const rows = this.#db.prepare('SELECT entry FROM outbox ORDER BY seq').all() as Array<{ entry: Buffer }>
    return rows.map(r => decodeOutboxEntry(new Uint8Array(r.entry)))
  }

  async deleteOutbox (id: string): Promise<void> {
    this.#db.prepare('DELETE FROM outbox WHERE id = ?').run(id)
    // The entry held the plaintext payload: out of the WAL soon, as for deleted values.
    walScrubber(this.#db).schedule()
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
