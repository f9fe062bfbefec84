import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { chatStoreCompliance, message } from '../compliance/chat-store.ts'
import { tempDir } from '../helpers/wait.ts'

chatStoreCompliance('memory', async () => ({ store: new MemoryChatStore() }), { persistent: false })

chatStoreCompliance('sqlite', async () => {
  const tmp = tempDir()
  const path = join(tmp.dir, 'chat.sqlite')
  return { store: new SqliteChatStore(path), reopen: async () => new SqliteChatStore(path), dispose: tmp.remove }
}, { persistent: true })

describe('SqliteChatStore migration', () => {
  it('moves a store of the old model to the new one: "sending" becomes failed, tombstones stay', async () => {
    const tmp = tempDir()
    try {
      const path = join(tmp.dir, 'chat.sqlite')
      // The schema every store had before user_version was kept.
      const old = new Database(path)
      old.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, peer TEXT NOT NULL,
          direction TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL);
        CREATE INDEX messages_by_peer ON messages (peer, seq);
        CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE deleted (id TEXT PRIMARY KEY) WITHOUT ROWID;`)
      old.prepare("INSERT INTO messages (id, peer, direction, text, sent_at, received_at, status) VALUES (?, 'peer-a', 'out', ?, 1, 1, ?)").run(message(1).id, 'kept', 'delivered')
      old.prepare("INSERT INTO messages (id, peer, direction, text, sent_at, received_at, status) VALUES (?, 'peer-a', 'out', ?, 2, 2, ?)").run(message(2).id, 'cut off', 'sending')
      old.prepare('INSERT INTO deleted (id) VALUES (?)').run(message(3).id)
      old.prepare("INSERT INTO kv (key, value) VALUES ('session/x', x'01')").run()
      old.close()

      const store = new SqliteChatStore(path)
      expect(await store.listMessages()).toEqual([
        message(1, { direction: 'out', text: 'kept', sentAt: 1, receivedAt: 1, status: 'delivered' }),
        message(2, { direction: 'out', text: 'cut off', sentAt: 2, receivedAt: 2, status: 'failed', error: 'interrupted before it was acknowledged' })
      ])
      expect(await store.addMessage(message(3))).toBe(false)
      expect(await store.getValue('session/x')).toEqual(Uint8Array.of(1))
      expect(await store.listOutbox()).toEqual([])
      await store.close()
      // Opening again migrates nothing twice.
      const again = new SqliteChatStore(path)
      expect((await again.listMessages()).map(m => m.status)).toEqual(['delivered', 'failed'])
      await again.close()
    } finally {
      tmp.remove()
    }
  })

  it('moves group history filed under the old fake peer `group:<id>` into real group messages (version 2 → 3)', async () => {
    const tmp = tempDir()
    try {
      const path = join(tmp.dir, 'chat.sqlite')
      const g = 'a'.repeat(32)
      // A version 2 store as the one message model left it: group messages under peer `group:<id>`.
      const old = new Database(path)
      old.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, peer TEXT NOT NULL,
          direction TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL,
          error TEXT, path TEXT, attachment TEXT, grp TEXT, sender TEXT, reply_to TEXT, edit_of TEXT);
        CREATE INDEX messages_by_peer ON messages (peer, seq);
        CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE deleted (id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, entry BLOB NOT NULL);
        PRAGMA user_version = 2;`)
      const add = old.prepare('INSERT INTO messages (id, peer, direction, text, sent_at, received_at, status, grp, sender) VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)')
      add.run(message(1).id, 'peer-a', 'in', 'direct from a', 'received', null, null)
      add.run(message(2).id, `group:${g}`, 'in', 'a in g', 'received', g, 'peer-a')
      add.run(message(3).id, `group:${g}`, 'out', 'me in g', 'stored', g, 'me')
      // From before messages carried their group and sender: both come from the old peer alone.
      add.run(message(4).id, `group:${g}`, 'in', 'older in g', 'received', null, null)
      old.close()

      const store = new SqliteChatStore(path)
      expect((await store.listMessages({ peer: 'peer-a' })).map(m => m.text)).toEqual(['direct from a'])
      expect(await store.listMessages({ group: g })).toEqual([
        message(2, { peer: 'peer-a', text: 'a in g', sentAt: 1, receivedAt: 1, group: g, sender: 'peer-a' }),
        message(3, { peer: g, direction: 'out', text: 'me in g', sentAt: 1, receivedAt: 1, status: 'stored', group: g, sender: 'me' }),
        message(4, { peer: g, text: 'older in g', sentAt: 1, receivedAt: 1, group: g })
      ])
      expect((await store.listMessages()).filter(m => m.peer.startsWith('group:'))).toEqual([])
      await store.close()

      // Each conversation query is answered from its own index, not by scanning the table.
      const db = new Database(path, { readonly: true })
      const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ peer: 'peer-a', group: g, limit: 5 }) as Array<{ detail: string }>).map(r => r.detail).join('; ')
      expect(plan('SELECT * FROM messages WHERE grp = @group ORDER BY seq DESC LIMIT @limit')).toMatch(/USING INDEX messages_by_group/)
      expect(plan('SELECT * FROM messages WHERE peer = @peer AND grp IS NULL ORDER BY seq DESC LIMIT @limit')).toMatch(/USING INDEX messages_by_peer/)
      db.close()
    } finally {
      tmp.remove()
    }
  })
})
