// Disappearing messages: a per-conversation timer, set by any party of the conversation as an
// end-to-end encrypted control message (1:1 to the peer, in a group to every other member over the
// pairwise channel), shown to all as a system line. Messages sent while it is on carry their expiry
// (sender's sentAt + timer) in the payload and the envelope; ExpirySweeper deletes them then.
import { randomBytes } from '@noble/hashes/utils.js'
import { ENVELOPE_ID_LENGTH, envelopeIdToString } from '../crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { TimerBody } from '../wire/generated/messages.ts'
import { speaksFor } from './receipts.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { AttemptResult } from '../messages/outbox.ts'
import type { ContactTrust } from '../session/contact-trust.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

export const TIMER = 'conversation/timer'
/** Shortest timer (as Signal's custom timers): apps offer 5 s and up, tests use a few seconds. */
export const MIN_TIMER_SECONDS = 1
/** Longest timer: four weeks. */
export const MAX_TIMER_SECONDS = 28 * 24 * 60 * 60

const PREFIX = 'disappearing/timer/'

/** One conversation: the 1:1 peer (PeerId or @username), or a group's id. */
export type Conversation = { peer: string, group?: undefined } | { group: string, peer?: undefined }

/** A conversation's timer as this device knows it. */
export interface ConversationTimer {
  /** 0: off. */
  seconds: number
  /** The setter's clock: a later setting wins, a replayed or overtaken one changes nothing. */
  at: number
  /** PeerId of the device that set it. */
  by: string
}

/** Whether `seconds` is a timer a party may set: 0 (off) or within the bounds. */
export function isTimer (seconds: number): boolean {
  return Number.isSafeInteger(seconds) && (seconds === 0 || (seconds >= MIN_TIMER_SECONDS && seconds <= MAX_TIMER_SECONDS))
}

export function checkTimer (seconds: number): void {
  if (!isTimer(seconds)) throw new ProtocolError(ErrorCode.INVALID, `a disappearing-message timer is off (0) or ${MIN_TIMER_SECONDS} s to ${MAX_TIMER_SECONDS} s (4 weeks), got ${seconds}`)
}

/** Whether an expiry a message carries fits a timer at all (sent at `sentAt`). */
export function isExpiryInBounds (sentAt: number, expiresAt: number): boolean {
  const ms = expiresAt - sentAt
  return ms >= MIN_TIMER_SECONDS * 1000 && ms <= MAX_TIMER_SECONDS * 1000
}

export interface DisappearingComponents {
  control: ControlRegistry
  store: ChatStore
  trust: ContactTrust
  log: Logger
  /** This device's PeerId. */
  self: string
  /** A group's member devices (undefined: unknown group). */
  members: (group: string) => Promise<string[] | undefined>
  /** Sends a queued control entry now (`Outbox.send`). */
  sendQueued: (id: string) => Promise<AttemptResult>
  /** A system line was added to the history. */
  onLine: (line: ChatMessage) => void
  /** The timer was set on this device (the account's other devices are told). */
  onSet?: (c: Conversation, timer: { seconds: number, at: number }) => Promise<void>
  now?: () => number
}

export class Disappearing {
  readonly #c: DisappearingComponents
  readonly #now: () => number

  constructor (components: DisappearingComponents) {
    this.#c = components
    this.#now = components.now ?? Date.now
    components.control.handle(TIMER, async m => { await this.#onTimer(m) })
  }

  /** The conversation's timer (off when never set). */
  async timer (c: Conversation): Promise<ConversationTimer> {
    return await conversationTimer(this.#c.store, c)
  }

  /** The timer in ms for a message to `c` now; undefined when off. */
  async timerMs (c: Conversation): Promise<number | undefined> {
    const { seconds } = await this.timer(c)
    return seconds > 0 ? seconds * 1000 : undefined
  }

  /** Sets the timer here, adds the system line, and tells the conversation's other parties. */
  async set (c: Conversation, seconds: number): Promise<AttemptResult> {
    checkTimer(seconds)
    const recipients = await this.#recipients(c)
    const at = this.#now()
    const body = TimerBody.encode({ seconds, group: c.group ?? '' })
    const ids: string[] = []
    for (const to of recipients) ids.push(await this.#c.control.queueControl(to, TIMER, body, { background: false }))
    await this.#apply(c, { seconds, at, by: this.#c.self }, {
      id: ids[0] ?? envelopeIdToString(randomBytes(ENVELOPE_ID_LENGTH)), peer: c.group ?? c.peer, direction: 'out', status: 'read', ...(c.group != null ? { group: c.group, sender: this.#c.self } : {})
    })
    await this.#c.onSet?.(c, { seconds, at })
    const results: AttemptResult[] = []
    for (const id of ids) results.push(await this.#c.sendQueued(id))
    const best = results.find(r => r.status === 'delivered') ?? results.find(r => r.status === 'stored') ?? results[0]
    return best == null ? { id: ids[0] ?? '', status: 'delivered', devices: [] } : { ...best, devices: results.flatMap(r => r.devices) }
  }

  /**
   * A timer another device of this account set (`account/timer`): kept, and shown as set by you,
   * unless a newer setting is held. Nobody else is told: that device told the conversation.
   */
  async fromOwnDevice (c: Conversation, timer: { seconds: number, at: number }, id: string): Promise<void> {
    if (!isTimer(timer.seconds)) return
    await this.#apply(c, { ...timer, by: this.#c.self }, {
      id, peer: c.group ?? c.peer, direction: 'out', status: 'read', ...(c.group != null ? { group: c.group, sender: this.#c.self } : {})
    })
  }

  async #onTimer (m: ControlMessage): Promise<void> {
    let body: TimerBody
    try {
      body = TimerBody.decode(m.body)
    } catch {
      this.#c.log('dropped a malformed timer from %p', m.from)
      return
    }
    if (!isTimer(body.seconds)) {
      this.#c.log('refused a timer of %d s from %p: out of bounds', body.seconds, m.from)
      return
    }
    const from = m.from.toString()
    if (body.group !== '') {
      // Only a member of the group may set its timer.
      if ((await this.#c.members(body.group))?.includes(from) !== true) {
        this.#c.log('refused a timer for group %s from %p: not a member', body.group, m.from)
        return
      }
      await this.#apply({ group: body.group }, { seconds: body.seconds, at: m.sentAt, by: from }, { id: m.id, peer: from, sender: from, group: body.group, direction: 'in', status: 'received', path: m.path })
      return
    }
    // 1:1: the sender's own conversation with us (a device must be one we accept from).
    if (!await speaksFor(this.#c.trust, from, m.from)) {
      this.#c.log('refused a timer from %p: not a party', m.from)
      return
    }
    const timer = { seconds: body.seconds, at: m.sentAt, by: from }
    await this.#apply({ peer: from }, timer, { id: m.id, peer: from, direction: 'in', status: 'received', path: m.path })
    // A trusted device of an @username contact: what we send to that @username follows it too.
    const device = await this.#c.trust.device(from)
    if (device?.state === 'trusted') await this.#keep({ peer: device.contact }, timer)
  }

  async #apply (c: Conversation, timer: ConversationTimer, line: Pick<ChatMessage, 'id' | 'peer' | 'direction' | 'status'> & Partial<ChatMessage>): Promise<void> {
    if (!await this.#keep(c, timer)) return
    const message: ChatMessage = { text: '', sentAt: timer.at, receivedAt: this.#now(), timer: timer.seconds, ...line }
    if (await this.#c.store.addMessage(message)) this.#c.onLine(message)
  }

  /**
   * Stores `timer` unless the one held is as new or newer: ordered by the setter's clock, an older
   * setting arriving late changes nothing. True when stored.
   */
  async #keep (c: Conversation, timer: ConversationTimer): Promise<boolean> {
    const held = await this.timer(c)
    if (held.at >= timer.at && held.by !== '') return false
    await this.#c.store.setValue(keyOf(c), new TextEncoder().encode(JSON.stringify(timer)))
    return true
  }

  async #recipients (c: Conversation): Promise<string[]> {
    if (c.group == null) return [c.peer]
    const members = await this.#c.members(c.group)
    if (members == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no group ${c.group} on this device`)
    return members.filter(p => p !== this.#c.self)
  }
}

/** A conversation's timer as `store` holds it (also for apps that queue while no client runs). */
export async function conversationTimer (store: ChatStore, c: Conversation): Promise<ConversationTimer> {
  const raw = await store.getValue(keyOf(c))
  if (raw == null) return { seconds: 0, at: 0, by: '' }
  return JSON.parse(new TextDecoder().decode(raw)) as ConversationTimer
}

function keyOf (c: Conversation): string {
  return c.group != null ? `${PREFIX}group/${c.group}` : `${PREFIX}peer/${c.peer}`
}

