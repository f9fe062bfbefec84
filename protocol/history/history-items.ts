// What a history transfer carries, read from one store and checked and written into another. Only
// what belongs to the person goes: messages, contacts (trust), group states and the members' sender
// keys, disappearing timers. Device secrets stay: ratchet sessions, prekeys, the own sender key, the
// outbox and held messages are this device's alone.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { MAX_EDITS } from '../messages/message.ts'
import { MAX_TEXT_BYTES } from '../constants.ts'
import { HISTORY_PAGE, MAX_ITEM_BYTES, SHARED_VALUE_PREFIXES } from './constants.ts'
import type { ChatMessage, MessageStatus } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'

export interface HistoryValueItem { key: string, value: Uint8Array }
export type HistoryItem = { value: HistoryValueItem, message?: undefined } | { message: Uint8Array, value?: undefined }

const MAX_KEY_CHARS = 512
const STATUSES = new Set<MessageStatus>(['queued', 'sent', 'stored', 'delivered', 'read', 'received', 'failed'])
const PATHS = new Set(['direct', 'relayed', 'webrtc', 'mailbox'])

/** Where a transfer stands: after a value key (of prefix `prefix`), or after a message position. */
export type HistoryCursor = { prefix: number, key: string } | { after: number }

/** The longest cursor a request may carry: a value key and a few characters. */
export const MAX_CURSOR_CHARS = MAX_KEY_CHARS + 32

/** An item, and the cursor that resumes right after it. */
export interface CursorItem { item: HistoryItem, cursor: string }

export function cursorString (c: HistoryCursor): string {
  return 'after' in c ? `m:${c.after}` : `v:${c.prefix}:${c.key}`
}

/** The cursor of a request ('' is the start); MALFORMED when it is none this side writes. */
export function parseCursor (text: string): HistoryCursor {
  if (text === '') return { prefix: 0, key: '' }
  const bad = new ProtocolError(ErrorCode.MALFORMED, 'history cursor is not one this device wrote')
  if (text.length > MAX_CURSOR_CHARS) throw bad
  const m = /^m:(\d{1,15})$/.exec(text)
  if (m != null) return { after: Number(m[1]) }
  const v = /^v:(\d{1,2}):(.*)$/s.exec(text)
  if (v == null || Number(v[1]) >= SHARED_VALUE_PREFIXES.length) throw bad
  return { prefix: Number(v[1]), key: v[2] }
}

/**
 * Everything to send after `from`, values first (a group's state before its messages), read from
 * the store a page at a time, so a history of any size never sits in memory whole. Values go by key,
 * messages by storage position: a resumed transfer misses nothing written meanwhile and repeats nothing.
 */
export async function * historyItems (store: ChatStore, from: HistoryCursor, pageSize = HISTORY_PAGE): AsyncGenerator<CursorItem> {
  let after = 0
  if ('prefix' in from) {
    for (let p = from.prefix; p < SHARED_VALUE_PREFIXES.length; p++) {
      for (const [key, value] of await store.listValues(SHARED_VALUE_PREFIXES[p])) {
        if (p === from.prefix && key <= from.key) continue
        // What the receiver would refuse is left out, rather than ending the transfer there.
        if (key.length <= MAX_KEY_CHARS && value.length <= MAX_ITEM_BYTES) yield { item: { value: { key, value } }, cursor: cursorString({ prefix: p, key }) }
      }
    }
  } else {
    after = from.after
  }
  const encoder = new TextEncoder()
  while (true) {
    const page = await store.pageMessages(after, pageSize)
    for (const [i, m] of page.messages.entries()) {
      const bytes = encoder.encode(JSON.stringify(m))
      // A message this device could not send on is skipped rather than stopping the whole transfer.
      if (bytes.length <= MAX_ITEM_BYTES) yield { item: { message: bytes }, cursor: cursorString({ after: page.positions[i] }) }
    }
    if (page.messages.length < pageSize) return
    after = page.next
  }
}

/** How many items a whole history has now (the START frame's total, for progress). */
export async function countHistory (store: ChatStore): Promise<number> {
  let n = 0
  for (const prefix of SHARED_VALUE_PREFIXES) n += (await store.listValues(prefix)).length
  return n + await store.countMessages()
}

export function itemBytes (item: HistoryItem): number {
  return item.message != null ? item.message.length : item.value.key.length + item.value.value.length
}

const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

/** One message as the sender wrote it, checked field by field; MALFORMED names what is wrong. */
export function parseHistoryMessage (bytes: Uint8Array): ChatMessage {
  const bad = (what: string): ProtocolError => new ProtocolError(ErrorCode.MALFORMED, `history message: ${what}`)
  if (bytes.length > MAX_ITEM_BYTES) throw bad('too large')
  let m: Record<string, unknown>
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw bad('not JSON')
  }
  if (typeof m !== 'object' || m == null || Array.isArray(m)) throw bad('not an object')
  if (typeof m.id !== 'string' || !/^[0-9a-f]{32}$/.test(m.id)) throw bad('id')
  if (!isString(m.peer, 200) || m.peer === '') throw bad('peer')
  if (m.direction !== 'in' && m.direction !== 'out') throw bad('direction')
  if (!isString(m.text, MAX_TEXT_BYTES)) throw bad('text')
  if (!isTime(m.sentAt) || !isTime(m.receivedAt)) throw bad('times')
  if (!STATUSES.has(m.status as MessageStatus)) throw bad('status')
  if (m.path != null && !PATHS.has(m.path as string)) throw bad('path')
  for (const k of ['error', 'group', 'sender', 'replyTo', 'replyPreview', 'editOf'] as const) {
    if (m[k] != null && !isString(m[k], MAX_TEXT_BYTES)) throw bad(k)
  }
  for (const k of ['editedAt', 'deletedAt', 'expiresAt', 'timer'] as const) {
    if (m[k] != null && !isTime(m[k])) throw bad(k)
  }
  if (m.edits != null && (!Array.isArray(m.edits) || m.edits.length > MAX_EDITS)) throw bad('edits')
  if (m.reactions != null && !Array.isArray(m.reactions)) throw bad('reactions')
  if (m.purged != null && !Array.isArray(m.purged)) throw bad('purged')
  if (m.attachment != null && (typeof m.attachment !== 'object' || !isString((m.attachment as Record<string, unknown>).name, 1000))) throw bad('attachment')
  return m as unknown as ChatMessage
}

/** A key-value record: only under the shared prefixes, bounded. */
export function checkHistoryValue (v: HistoryValueItem): HistoryValueItem {
  if (v.key.length > MAX_KEY_CHARS || !SHARED_VALUE_PREFIXES.some(p => v.key.startsWith(p)) || v.key.includes('..')) {
    throw new ProtocolError(ErrorCode.MALFORMED, `history value: key ${v.key.slice(0, 80)} is not one a history carries`)
  }
  if (v.value.length > MAX_ITEM_BYTES) throw new ProtocolError(ErrorCode.MALFORMED, 'history value: too large')
  return v
}

export interface AppliedHistory {
  /** Messages new to this store (a repeated transfer adds none). */
  added: number
  /** Messages received, new or not. */
  messages: number
  values: number
}

/**
 * Writes checked items: messages through addMessages (deduplicated by id; a deleted id stays
 * deleted), values only where this store has none (what this device learnt itself wins).
 */
export async function applyHistory (store: ChatStore, messages: ChatMessage[], values: HistoryValueItem[]): Promise<AppliedHistory> {
  let written = 0
  for (const v of values) {
    if (await store.getValue(v.key) != null) continue
    await store.setValue(v.key, v.value)
    written++
  }
  const added = messages.length === 0 ? [] : await store.addMessages(messages)
  return { added: added.filter(Boolean).length, messages: messages.length, values: written }
}
