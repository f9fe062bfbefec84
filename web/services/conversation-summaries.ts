// What the conversation list shows of each conversation: unread count, the last message's preview
// and time, and the order by latest activity. Read from the store once when the page opens, then
// kept up to date one message at a time (a group's summary is re-read when a group message comes,
// since the group plugin stores those itself).
import type { ChatMessage } from '../../protocol/messages/message.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'

export interface ConversationSummary {
  unread: number
  /** The last message as a line of text: its text, or "📎 name" for a file. */
  preview: string
  /** Whether the last message is one this device sent. */
  outgoing: boolean
  /** Local time of the last activity (ms since epoch); 0 when there is none. */
  at: number
}

const EMPTY: ConversationSummary = { unread: 0, preview: '', outgoing: false, at: 0 }

/** The key of a message's conversation: its group, else the other party. */
export function conversationKey (m: Pick<ChatMessage, 'group' | 'peer'>): string {
  return m.group != null ? `group:${m.group}` : `peer:${m.peer}`
}

export function previewOf (m: Pick<ChatMessage, 'text' | 'attachment'>): string {
  const text = m.text.replace(/\s+/g, ' ').trim()
  if (m.attachment == null) return text
  return text === '' ? `📎 ${m.attachment.name}` : `📎 ${m.attachment.name} · ${text}`
}

interface Entry {
  unread: Set<string>
  last?: ChatMessage
}

export class ConversationSummaries {
  readonly #entries = new Map<string, Entry>()
  readonly #store: ChatStore

  constructor (store: ChatStore) {
    this.#store = store
  }

  /** Reads every stored message once (the page opened). */
  async load (): Promise<void> {
    this.loadFrom(await this.#store.listMessages())
  }

  /** The same from messages already read (the page reads the history once for the search index too). */
  loadFrom (messages: Iterable<ChatMessage>): void {
    this.#entries.clear()
    for (const m of messages) this.apply(m)
  }

  /** Re-reads one group's messages (a group message or a deletion came). */
  async reloadGroup (groupId: string): Promise<void> {
    const key = `group:${groupId}`
    this.#entries.delete(key)
    for (const m of await this.#store.listMessages({ group: groupId })) this.apply(m)
  }

  /** Re-reads one 1:1 conversation (a message was deleted). */
  async reloadPeer (peer: string): Promise<void> {
    this.#entries.delete(`peer:${peer}`)
    for (const m of await this.#store.listMessages({ peer })) this.apply(m)
  }

  /** A message was added or changed. */
  apply (m: ChatMessage): void {
    const key = conversationKey(m)
    const entry = this.#entries.get(key) ?? { unread: new Set<string>() }
    if (m.direction === 'in' && m.status === 'received') entry.unread.add(m.id)
    else entry.unread.delete(m.id)
    if (entry.last == null || entry.last.id === m.id || m.receivedAt >= entry.last.receivedAt) entry.last = m
    this.#entries.set(key, entry)
  }

  get (key: string): ConversationSummary {
    const e = this.#entries.get(key)
    if (e == null) return EMPTY
    return { unread: e.unread.size, preview: e.last == null ? '' : previewOf(e.last), outgoing: e.last?.direction === 'out', at: e.last?.receivedAt ?? 0 }
  }

  /** Every conversation's summary by key (`peer:<id>`, `group:<id>`). */
  all (): Record<string, ConversationSummary> {
    return Object.fromEntries([...this.#entries.keys()].map(k => [k, this.get(k)]))
  }

  /** Unread messages in every conversation (the page title shows it). */
  get totalUnread (): number {
    let n = 0
    for (const e of this.#entries.values()) n += e.unread.size
    return n
  }
}
