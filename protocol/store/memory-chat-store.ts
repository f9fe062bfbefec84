// In-memory ChatStore for tests and simulations: same semantics as the persistent stores.
import { applyUpdate } from '../messages/message.ts'
import { copyOutboxEntry } from '../messages/outbox-entry.ts'
import { selectMessages } from './chat-store.ts'
import type { ChatMessage, ChatStore, MessagePage, MessageQuery, MessageUpdate, OutboxEntry } from './chat-store.ts'

const copy = (m: ChatMessage): ChatMessage => structuredClone(m)

export class MemoryChatStore implements ChatStore {
  readonly #messages = new Map<string, ChatMessage>()
  /** Each message's storage position; never reused, as SQLite's and IndexedDB's keys are not. */
  readonly #seq = new Map<string, number>()
  #lastSeq = 0
  readonly #values = new Map<string, Uint8Array>()
  /** The keys of #values in order: a prefix listing (asked for every arriving message) is a range. */
  readonly #keys: string[] = []
  /** Ids of deleted messages: refused for good (see ChatStore.deleteMessage). */
  readonly #deleted = new Set<string>()
  /** Insertion order is queue order; a replaced entry keeps its place. */
  readonly #outbox = new Map<string, OutboxEntry>()

  async addMessage (message: ChatMessage, outbox?: OutboxEntry): Promise<boolean> {
    if (this.#messages.has(message.id) || this.#deleted.has(message.id)) return false
    this.#put(message)
    if (outbox != null) this.#outbox.set(outbox.id, copyOutboxEntry(outbox))
    return true
  }

  async addMessages (messages: ChatMessage[]): Promise<boolean[]> {
    return messages.map(message => {
      if (this.#messages.has(message.id) || this.#deleted.has(message.id)) return false
      this.#put(message)
      return true
    })
  }

  #put (message: ChatMessage): void {
    this.#messages.set(message.id, copy(message))
    this.#seq.set(message.id, ++this.#lastSeq)
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const m = this.#messages.get(id)
    return m == null ? undefined : copy(m)
  }

  async updateMessage (id: string, update: MessageUpdate): Promise<ChatMessage | undefined> {
    const m = this.#messages.get(id)
    const next = m == null ? undefined : applyUpdate(m, update)
    if (next == null) return undefined
    this.#messages.set(id, next)
    return copy(next)
  }

  async deleteMessage (id: string): Promise<void> {
    this.#deleted.add(id)
    this.#messages.delete(id)
    this.#seq.delete(id)
    this.#outbox.delete(id)
  }

  async listMessages (query?: MessageQuery): Promise<ChatMessage[]> {
    return selectMessages(this.#messages.values(), query).map(copy)
  }

  async pageMessages (after: number, limit: number): Promise<MessagePage> {
    const messages: ChatMessage[] = []
    const positions: number[] = []
    let next = after
    // Map order is insertion order, which is position order.
    for (const [id, m] of this.#messages) {
      if (messages.length >= limit) break
      const seq = this.#seq.get(id) ?? 0
      if (seq <= after) continue
      messages.push(copy(m))
      positions.push(seq)
      next = seq
    }
    return { messages, positions, next }
  }

  async countMessages (): Promise<number> {
    return this.#messages.size
  }

  async putOutbox (entry: OutboxEntry): Promise<void> {
    this.#outbox.set(entry.id, copyOutboxEntry(entry))
  }

  async listOutbox (): Promise<OutboxEntry[]> {
    return [...this.#outbox.values()].map(copyOutboxEntry)
  }

  async deleteOutbox (id: string): Promise<void> {
    this.#outbox.delete(id)
  }

  async getValue (key: string): Promise<Uint8Array | undefined> {
    const v = this.#values.get(key)
    return v == null ? undefined : Uint8Array.from(v)
  }

  async setValue (key: string, value: Uint8Array): Promise<void> {
    if (!this.#values.has(key)) this.#keys.splice(this.#lowerBound(key), 0, key)
    this.#values.set(key, Uint8Array.from(value))
  }

  async deleteValue (key: string): Promise<void> {
    if (this.#values.delete(key)) this.#keys.splice(this.#lowerBound(key), 1)
  }

  async listValues (prefix = ''): Promise<Array<[string, Uint8Array]>> {
    const out: Array<[string, Uint8Array]> = []
    for (let i = this.#lowerBound(prefix); i < this.#keys.length && this.#keys[i].startsWith(prefix); i++) {
      const key = this.#keys[i]
      out.push([key, Uint8Array.from(this.#values.get(key) as Uint8Array)])
    }
    return out
  }

  /** The first position in the sorted keys not below `key`. */
  #lowerBound (key: string): number {
    let lo = 0
    let hi = this.#keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#keys[mid] < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  async close (): Promise<void> {}
}
