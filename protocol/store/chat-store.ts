// The client's local store: its message history (the place where deduplication by id happens), the
// durable outbox, and a small key-value space for protocol state. Implemented on IndexedDB (web),
// SQLite (node) and memory; one compliance suite (test/compliance/chat-store.ts) runs against each.
import type { ChatMessage, MessageUpdate } from '../messages/message.ts'
import type { OutboxEntry } from '../messages/outbox-entry.ts'

export type { AttachmentRef, ChatMessage, EarlierText, MessageStatus, MessageUpdate, PurgeRecord, Reaction } from '../messages/message.ts'
export type { OutboxEntry, OutboxEnvelope } from '../messages/outbox-entry.ts'

export interface MessageQuery {
  /** One 1:1 conversation: the other party's PeerId (or `@username`); never group messages. */
  peer?: string
  /** One group's messages (`ChatMessage.group`), whoever wrote them. Not together with `peer`. */
  group?: string
  /** The newest `limit` messages, still returned oldest first. */
  limit?: number
}

/** One page of the history in storage order (see `ChatStore.pageMessages`). */
export interface MessagePage {
  messages: ChatMessage[]
  /** Each message's position, in the same order: a reader can resume right after any of them. */
  positions: number[]
  /**
   * The position after the last message of the page (`after` again when it is empty): pass it as
   * the next `after`. Positions never move or repeat, so a message stored later always lands after it.
   */
  next: number
}

export interface ChatStore {
  /**
   * Adds a message unless one with its id is already there or was deleted here; true when it was
   * added. A deleted id stays refused, so a replayed envelope cannot bring the message back. With
   * `outbox`, the entry is added in the same transaction (a queued message never lacks its entry).
   */
  addMessage(message: ChatMessage, outbox?: OutboxEntry): Promise<boolean>
  /**
   * Adds messages in one transaction, each as `addMessage` would (a duplicate or deleted id is
   * skipped, also one repeated within `messages`); which were added, in order. All or none are
   * written: when it throws, none of them is stored.
   */
  addMessages(messages: ChatMessage[]): Promise<boolean[]>
  getMessage(id: string): Promise<ChatMessage | undefined>
  /**
   * Changes a message under the status rule (`canMove`: never backwards), checked inside the store's
   * transaction so two racing updates cannot undo each other. Returns the message as it is now when
   * something changed, undefined otherwise (unknown id, or nothing to change).
   */
  updateMessage(id: string, update: MessageUpdate): Promise<ChatMessage | undefined>
  /**
   * Removes a message (and its outbox entry) from this device and keeps its id as a tombstone (also
   * when it was absent): that id is never added again. A tombstone holds the id only.
   */
  deleteMessage(id: string): Promise<void>
  /** Messages in the order this device stored them. */
  listMessages(query?: MessageQuery): Promise<ChatMessage[]>
  /**
   * Up to `limit` messages stored after position `after` (0: from the first), in storage order: reads
   * a long history a page at a time, and resumes by position, not by count, so a message deleted or
   * added meanwhile neither shifts nor repeats what follows.
   */
  pageMessages(after: number, limit: number): Promise<MessagePage>
  /** How many messages the store holds. */
  countMessages(): Promise<number>
  /** Adds or replaces an outbox entry (by id); a new one goes to the end of the queue. */
  putOutbox(entry: OutboxEntry): Promise<void>
  /** The outbox, oldest first. */
  listOutbox(): Promise<OutboxEntry[]>
  deleteOutbox(id: string): Promise<void>
  getValue(key: string): Promise<Uint8Array | undefined>
  setValue(key: string, value: Uint8Array): Promise<void>
  deleteValue(key: string): Promise<void>
  /** Every key-value pair whose key starts with `prefix` (all of them by default), by key. */
  listValues(prefix?: string): Promise<Array<[string, Uint8Array]>>
  close(): Promise<void>
}

/** A query naming both a 1:1 peer and a group: no message is in both conversations. */
export class InvalidQueryError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'InvalidQueryError'
  }
}

/**
 * A local write failed (disk full, quota, closed database): nothing of what it held was stored. The
 * mailbox sync stops at it and acks nothing it covered, so the node keeps those envelopes.
 */
export class StoreWriteError extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreWriteError'
  }
}

/** Refuses a query no conversation answers; every implementation calls it first. */
export function checkQuery (query: MessageQuery): void {
  if (query.peer != null && query.group != null) throw new InvalidQueryError('a message query names a peer or a group, not both')
}

/** Whether `m` is in the conversation `query` names (all messages when it names none). */
export function inConversation (m: ChatMessage, query: MessageQuery): boolean {
  if (query.group != null) return m.group === query.group
  if (query.peer != null) return m.group == null && m.peer === query.peer
  return true
}

/** Applies a query to messages already in storage order; shared by the implementations. */
export function selectMessages (messages: Iterable<ChatMessage>, query: MessageQuery = {}): ChatMessage[] {
  checkQuery(query)
  let out = [...messages].filter(m => inConversation(m, query))
  if (query.limit != null) out = out.slice(Math.max(0, out.length - query.limit))
  return out
}
