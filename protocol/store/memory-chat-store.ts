// In-memory ChatStore for tests and simulations: same semantics as the persistent stores.
import { selectMessages } from './chat-store.ts'
import type { ChatMessage, ChatStore, MessageQuery, MessageStatus } from './chat-store.ts'

export class MemoryChatStore implements ChatStore {
  readonly #messages = new Map<string, ChatMessage>()
  readonly #values = new Map<string, Uint8Array>()
  /** Ids of deleted messages: refused for good (see ChatStore.deleteMessage). */
  readonly #deleted = new Set<string>()

  async addMessage (message: ChatMessage): Promise<boolean> {
    if (this.#messages.has(message.id) || this.#deleted.has(message.id)) return false
    this.#messages.set(message.id, { ...message })
    return true
  }

  async getMessage (id: string): Promise<ChatMessage | undefined> {
    const m = this.#messages.get(id)
    return m == null ? undefined : { ...m }
  }

  async setStatus (id: string, status: MessageStatus): Promise<void> {
    const m = this.#messages.get(id)
    if (m != null) m.status = status
  }

  async deleteMessage (id: string): Promise<void> {
    this.#deleted.add(id)
    this.#messages.delete(id)
  }

  async listMessages (query?: MessageQuery): Promise<ChatMessage[]> {
    return selectMessages(this.#messages.values(), query).map(m => ({ ...m }))
  }

  async getValue (key: string): Promise<Uint8Array | undefined> {
    const v = this.#values.get(key)
    return v == null ? undefined : Uint8Array.from(v)
  }

  async setValue (key: string, value: Uint8Array): Promise<void> {
    this.#values.set(key, Uint8Array.from(value))
  }

  async deleteValue (key: string): Promise<void> {
    this.#values.delete(key)
  }

  async listValues (prefix = ''): Promise<Array<[string, Uint8Array]>> {
    return [...this.#values.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a < b ? -1 : 1).map(([k, v]) => [k, Uint8Array.from(v)])
  }

  async close (): Promise<void> {}
}
