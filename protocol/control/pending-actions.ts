// Reactions, edits and deletions about a message this device does not hold yet (a group edit over
// the pairwise channel can overtake the message on the topic; a live one its mailbox copy). They
// wait in the store, bounded in number per sender and in total and for PENDING_ACTION_TTL_MS, and
// are applied (under the same rules) when the message arrives. Anything past a bound is dropped.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import type { ChatStore } from '../store/chat-store.ts'

/** How long an action about an unknown message waits for it. */
export const PENDING_ACTION_TTL_MS = 24 * 60 * 60_000
/** Actions waiting at once, from everyone: past it the oldest go. */
export const MAX_PENDING_ACTIONS = 256
/** Actions waiting at once from one sender: past it its new ones are dropped (one sender cannot push out the others'). */
export const MAX_PENDING_PER_SENDER = 32

const PREFIX = 'message-actions/pending/'

export interface PendingAction {
  /** The control message's id (a replay of it overwrites, never adds). */
  id: string
  messageId: string
  type: string
  from: string
  body: Uint8Array
  sentAt: number
  /** Local clock when it was parked. */
  parkedAt: number
}

interface Json { id: string, messageId: string, type: string, from: string, body: string, sentAt: number, parkedAt: number }

export class PendingActions {
  readonly #store: ChatStore
  readonly #now: () => number

  constructor (store: ChatStore, now: () => number) {
    this.#store = store
    this.#now = now
  }

  /** Parks an action; false when dropped (its sender has too many waiting). */
  async park (action: Omit<PendingAction, 'parkedAt'>): Promise<boolean> {
    const all = await this.#live()
    const key = keyOf(action.messageId, action.id)
    if (!all.some(a => keyOf(a.messageId, a.id) === key)) {
      if (all.filter(a => a.from === action.from).length >= MAX_PENDING_PER_SENDER) return false
      const excess = all.length + 1 - MAX_PENDING_ACTIONS
      for (const old of all.sort((a, b) => a.parkedAt - b.parkedAt).slice(0, Math.max(0, excess))) await this.#store.deleteValue(keyOf(old.messageId, old.id))
    }
    const json: Json = { ...action, body: bytesToHex(action.body), parkedAt: this.#now() }
    await this.#store.setValue(key, new TextEncoder().encode(JSON.stringify(json)))
    return true
  }

  /** Takes (removes and returns) what waits for `messageId`, oldest first, expired ones left out. */
  async take (messageId: string): Promise<PendingAction[]> {
    const out: PendingAction[] = []
    for (const [key, value] of await this.#store.listValues(`${PREFIX}${messageId}/`)) {
      await this.#store.deleteValue(key)
      const a = decode(value)
      if (a != null && !this.#expired(a)) out.push(a)
    }
    return out.sort((a, b) => a.sentAt - b.sentAt)
  }

  /** Everything still waiting (expired entries are removed on the way). */
  async list (): Promise<PendingAction[]> {
    return await this.#live()
  }

  async #live (): Promise<PendingAction[]> {
    const out: PendingAction[] = []
    for (const [key, value] of await this.#store.listValues(PREFIX)) {
      const a = decode(value)
      if (a == null || this.#expired(a)) await this.#store.deleteValue(key)
      else out.push(a)
    }
    return out
  }

  #expired (a: PendingAction): boolean {
    return this.#now() - a.parkedAt > PENDING_ACTION_TTL_MS
  }
}

function keyOf (messageId: string, id: string): string {
  return `${PREFIX}${messageId}/${id}`
}

function decode (value: Uint8Array): PendingAction | undefined {
  try {
    const j = JSON.parse(new TextDecoder().decode(value)) as Json
    return { ...j, body: hexToBytes(j.body) }
  } catch {
    return undefined
  }
}
