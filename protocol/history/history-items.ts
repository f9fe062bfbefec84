// What a history transfer carries, read from one store and checked and written into another. Only
// what belongs to the person goes: messages, contacts (trust), group states and the members' sender
// keys, disappearing timers. Device secrets stay: ratchet sessions, prekeys, the own sender key, the
// outbox and held messages are this device's alone.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { MAX_EDITS } from '../messages/message.ts'
import { MAX_TEXT_BYTES } from '../constants.ts'
import { MAX_ITEM_BYTES, SHARED_VALUE_PREFIXES } from './constants.ts'
import type { ChatMessage, MessageStatus } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'

export interface HistoryValueItem { key: string, value: Uint8Array }
export type HistoryItem = { value: HistoryValueItem, message?: undefined } | { message: Uint8Array, value?: undefined }

const MAX_KEY_CHARS = 512
const STATUSES = new Set<MessageStatus>(['queued', 'sent', 'stored', 'delivered', 'read', 'received', 'failed'])
const PATHS = new Set(['direct', 'relayed', 'webrtc', 'mailbox'])

/** Everything to send, values first (a group's state before its messages), in a stable order. */
export async function collectHistory (store: ChatStore): Promise<HistoryItem[]> {
  const items: HistoryItem[] = []
  for (const prefix of SHARED_VALUE_PREFIXES) {
    for (const [key, value] of await store.listValues(prefix)) {
      // What the receiver would refuse is left out, rather than ending the transfer there.
      if (key.length <= MAX_KEY_CHARS && value.length <= MAX_ITEM_BYTES) items.push({ value: { key, value } })
    }
  }
  const encoder = new TextEncoder()
  for (const m of await store.listMessages()) {
    const bytes = encoder.encode(JSON.stringify(m))
    // A message this device could not send on is skipped rather than stopping the whole transfer.
    if (bytes.length <= MAX_ITEM_BYTES) items.push({ message: bytes })
  }
  return items
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
