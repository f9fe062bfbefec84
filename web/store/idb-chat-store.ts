// ChatStore on IndexedDB: same semantics as MemoryChatStore (dedupe by id, storage order, outbox,
// key-value space).
import { applyUpdate } from '../../protocol/messages/message.ts'
import { copyOutboxEntry } from '../../protocol/messages/outbox-entry.ts'
import { checkQuery } from '../../protocol/store/chat-store.ts'
import { toStored } from './app-db-v5.ts'
import type { IDBPObjectStore, StoreNames } from 'idb'
import type { AppDb, AppSchema, StoredMessage, StoredOutboxEntry } from './app-db.ts'
import type { ChatMessage, ChatStore, MessagePage, MessageQuery, MessageUpdate, OutboxEntry } from '../../protocol/store/chat-store.ts'

function strip (m: StoredMessage): ChatMessage {
  const { seq: _seq, direct: _direct, ...message } = m
  return message
}

export class IdbChatStore implements ChatStore {
  readonly #db: AppDb

  constructor (db: AppDb) {
    this.#db = db
  }

  async addMessage (message: ChatMessage, outbox?: OutboxEntry): Promise<boolean> {
    // One transaction over the stores: a delete cannot slip in between the check and the add.
    const tx = this.#db.transaction(['messages', 'deleted', 'outbox'], 'readwrite')
    const store = tx.objectStore('messages')
    if (await tx.objectStore('deleted').getKey(message.id) != null || await store.index('id').getKey(message.id) != null) {
      await tx.done
      return false
    }
    const { seq: _ignored, ...record } = message as StoredMessage
    try {
      await store.add(toStored(record))
      if (outbox != null) await putEntry(tx.objectStore('outbox'), outbox)
      await tx.done
      return true
    } catch (err) {
      // Two adds of one id racing in separate transactions: the unique index refuses the second.
      if (err instanceof DOMException && err.name === 'ConstraintError') return false
      throw err
    }
  }

  async addMessages (messages: ChatMessage[]): Promise<boolean[]> {
    // One transaction for the batch: it commits whole or not at all.
    const tx = this.#db.transaction(['messages', 'deleted'], 'readwrite')
    const store = tx.objectStore('messages')
    const deleted = tx.objectStore('deleted')
    const seen = new Set<string>()
    const added: boolean[] = []
    try {
      for (const message of messages) {
        if (seen.has(message.id) || await deleted.getKey(message.id) != null || await store.index('id').getKey(message.id) != null) {
          added.push(false)
          continue
        }
        seen.add(message.id)
        const { seq: _ignored, ...record } = message as StoredMessage
        await store.add(toStored(record))
        added.push(true)
      }
      await tx.done
    } catch (err) {
      // A failed request aborts the transaction; make sure it is aborted before reporting.
      try { tx.abort() } catch { /* the failed request aborted it already */ }
      await tx.done.catch(() => {})
      throw err
    }
    return added
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const m = await this.#db.getFromIndex('messages', 'id', id)
    return m == null ? undefined : strip(m)
  }

  async updateMessage (id: string, update: MessageUpdate): Promise<ChatMessage | undefined> {
    // Read, decide and write in one transaction: two racing updates cannot undo each other.
    const tx = this.#db.transaction('messages', 'readwrite')
    const store = tx.objectStore('messages')
    const m = await store.index('id').get(id)
    const next = m == null ? undefined : applyUpdate(strip(m), update)
    if (m != null && next != null) await store.put(toStored({ ...next, seq: m.seq }))
    await tx.done
    return next
  }

  async putOutbox (entry: OutboxEntry): Promise<void> {
    const tx = this.#db.transaction('outbox', 'readwrite')
    await putEntry(tx.store, entry)
    await tx.done
  }

  async listOutbox (): Promise<OutboxEntry[]> {
    return (await this.#db.getAll('outbox')).map(({ seq: _seq, ...e }) => copyOutboxEntry(e))
  }

  async deleteOutbox (id: string): Promise<void> {
    const tx = this.#db.transaction('outbox', 'readwrite')
    const key = await tx.store.index('id').getKey(id)
    if (key != null) await tx.store.delete(key)
    await tx.done
  }

  async listMessages (query: MessageQuery = {}): Promise<ChatMessage[]> {
    checkQuery(query)
    const tx = this.#db.transaction('messages')
    // Each index holds exactly one kind of conversation (app-db-v5.ts): no filtering after reading.
    const source = query.group != null ? tx.store.index('group') : query.peer != null ? tx.store.index('direct') : tx.store
    const key = query.group ?? query.peer
    const range = key != null ? IDBKeyRange.only(key) : undefined
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
    return all.map(strip)
  }

  async pageMessages (after: number, limit: number): Promise<MessagePage> {
    // The key is IndexedDB's autoIncrement counter: never reused, also after deletions.
    const page = await this.#db.getAll('messages', IDBKeyRange.lowerBound(after, true), limit)
    return { messages: page.map(strip), positions: page.map(m => m.seq ?? 0), next: page.at(-1)?.seq ?? after }
  }

  async countMessages (): Promise<number> {
    return await this.#db.count('messages')
  }

  /** Removes a message and keeps its id as a tombstone, so a replay cannot bring it back. */
  async deleteMessage (id: string): Promise<void> {
    const tx = this.#db.transaction(['messages', 'deleted', 'outbox'], 'readwrite')
    await tx.objectStore('deleted').put(1, id)
    const messages = tx.objectStore('messages')
    const key = await messages.index('id').getKey(id)
    if (key != null) await messages.delete(key)
    const outbox = tx.objectStore('outbox')
    const queued = await outbox.index('id').getKey(id)
    if (queued != null) await outbox.delete(queued)
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

/** Adds or replaces an entry by id; a replaced one keeps its place (its `seq`) in the queue. */
async function putEntry (store: OutboxStore, entry: OutboxEntry): Promise<void> {
  const seq = await store.index('id').getKey(entry.id)
  const record: StoredOutboxEntry = copyOutboxEntry(entry)
  if (seq != null) record.seq = seq
  await store.put(record)
}

type OutboxStore = IDBPObjectStore<AppSchema, ArrayLike<StoreNames<AppSchema>>, 'outbox', 'readwrite'>
