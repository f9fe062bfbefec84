// ChatStore on IndexedDB: same semantics as MemoryChatStore (dedupe by id, storage order, key-value space).
import { selectMessages } from '../../protocol/store/chat-store.ts'
import type { AppDb, StoredMessage } from './app-db.ts'
import type { ChatMessage, ChatStore, MessageQuery, MessageStatus } from '../../protocol/store/chat-store.ts'

function strip (m: StoredMessage): ChatMessage {
  const { seq: _seq, ...message } = m
  return message
}

export class IdbChatStore implements ChatStore {
  readonly #db: AppDb

  constructor (db: AppDb) {
    this.#db = db
  }

  async addMessage (message: ChatMessage): Promise<boolean> {
    // One transaction over both stores: a delete cannot slip in between the check and the add.
    const tx = this.#db.transaction(['messages', 'deleted'], 'readwrite')
    const store = tx.objectStore('messages')
    if (await tx.objectStore('deleted').getKey(message.id) != null || await store.index('id').getKey(message.id) != null) {
      await tx.done
      return false
    }
    const { seq: _ignored, ...record } = message as StoredMessage
    try {
      await store.add(record)
      await tx.done
      return true
    } catch (err) {
      // Two adds of one id racing in separate transactions: the unique index refuses the second.
      if (err instanceof DOMException && err.name === 'ConstraintError') return false
      throw err
    }
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const m = await this.#db.getFromIndex('messages', 'id', id)
    return m == null ? undefined : strip(m)
  }

  async setStatus (id: string, status: MessageStatus): Promise<void> {
    const tx = this.#db.transaction('messages', 'readwrite')
    const store = tx.objectStore('messages')
    const m = await store.index('id').get(id)
    if (m != null) await store.put({ ...m, status })
    await tx.done
  }

  async listMessages (query: MessageQuery = {}): Promise<ChatMessage[]> {
    const tx = this.#db.transaction('messages')
    const source = query.peer != null ? tx.store.index('peer') : tx.store
    const range = query.peer != null ? IDBKeyRange.only(query.peer) : undefined
    if (query.limit != null) {
      // Newest `limit` first by walking backwards, then back into storage order.
      const out: StoredMessage[] = []
      let cursor = await source.openCursor(range, 'prev')
      while (cursor != null && out.length < query.limit) {
        out.push(cursor.value)
        cursor = await cursor.continue()
      }
      await tx.done
      return out.reverse().map(strip)
    }
    // Records of one index key come in primary-key (storage) order.
    const all = await source.getAll(range)
    await tx.done
    return selectMessages(all.map(strip))
  }

  /** Removes a message and keeps its id as a tombstone, so a replay cannot bring it back. */
  async deleteMessage (id: string): Promise<void> {
    const tx = this.#db.transaction(['messages', 'deleted'], 'readwrite')
    await tx.objectStore('deleted').put(1, id)
    const messages = tx.objectStore('messages')
    const key = await messages.index('id').getKey(id)
    if (key != null) await messages.delete(key)
    await tx.done
  }

  async getValue (key: string): Promise<Uint8Array | undefined> {
    const v = await this.#db.get('values', key)
    return v == null ? undefined : Uint8Array.from(v)
  }

  async setValue (key: string, value: Uint8Array): Promise<void> {
    await this.#db.put('values', Uint8Array.from(value), key)
  }

  async deleteValue (key: string): Promise<void> {
    await this.#db.delete('values', key)
  }

  async listValues (prefix = ''): Promise<Array<[string, Uint8Array]>> {
    const out: Array<[string, Uint8Array]> = []
    const tx = this.#db.transaction('values')
    // IndexedDB orders string keys by code unit, as JS `<` does: every match follows `prefix`.
    let cursor = await tx.store.openCursor(prefix === '' ? undefined : IDBKeyRange.lowerBound(prefix))
    while (cursor != null && String(cursor.key).startsWith(prefix)) {
      out.push([String(cursor.key), Uint8Array.from(cursor.value)])
      cursor = await cursor.continue()
    }
    await tx.done
    return out
  }

  async close (): Promise<void> {
    this.#db.close()
  }
}
