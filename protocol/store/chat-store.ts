// The client's local store: its message history (the place where deduplication by id happens) and a
// small key-value space for protocol state. Implemented on IndexedDB (web), SQLite (node) and memory.

// `read`: an outgoing message the recipient has read (read receipt), or an incoming one read here.
export type MessageStatus = 'sending' | 'stored' | 'delivered' | 'received' | 'read' | 'failed'

export interface ChatMessage {
  /** Envelope id, 32 hex characters; unique per message. */
  id: string
  /** The other end: the recipient of an outgoing message, the sender of an incoming one. */
  peer: string
  direction: 'in' | 'out'
  text: string
  /** Sender's clock, ms since epoch. */
  sentAt: number
  /** Local clock when this device stored it. */
  receivedAt: number
  status: MessageStatus
}

export interface MessageQuery {
  peer?: string
  /** The newest `limit` messages, still returned oldest first. */
  limit?: number
}

export interface ChatStore {
  /**
   * Adds a message unless one with its id is already there or was deleted here; true when it was
   * added. A deleted id stays refused, so a replayed envelope cannot bring the message back.
   */
  addMessage(message: ChatMessage): Promise<boolean>
  getMessage(id: string): Promise<ChatMessage | undefined>
  setStatus(id: string, status: MessageStatus): Promise<void>
  /**
   * Removes a message from this device and keeps its id as a tombstone (also when it was absent):
   * that id is never added again. A tombstone holds the id only, nothing of the message.
   */
  deleteMessage(id: string): Promise<void>
  /** Messages in the order this device stored them. */
  listMessages(query?: MessageQuery): Promise<ChatMessage[]>
  getValue(key: string): Promise<Uint8Array | undefined>
  setValue(key: string, value: Uint8Array): Promise<void>
  deleteValue(key: string): Promise<void>
  /** Every key-value pair whose key starts with `prefix` (all of them by default), by key. */
  listValues(prefix?: string): Promise<Array<[string, Uint8Array]>>
  close(): Promise<void>
}

/** Applies a query to messages already in storage order; shared by the implementations. */
export function selectMessages (messages: Iterable<ChatMessage>, query: MessageQuery = {}): ChatMessage[] {
  let out = [...messages]
  if (query.peer != null) out = out.filter(m => m.peer === query.peer)
  if (query.limit != null) out = out.slice(Math.max(0, out.length - query.limit))
  return out
}
