// Reactions, edits and delete-for-everyone as end-to-end encrypted control messages, 1:1 and in
// groups (to each member over the pairwise channel), sent through the durable outbox. The receiving
// side checks the rules (message-rules.ts) against the stored message, parks what concerns a message
// not here yet (pending-actions.ts), and lets the store order changes by the sender's clock, so a
// replayed or overtaken control message has no effect.
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { parsePeerId } from '../identity.ts'
import { applyUpdate } from '../messages/message.ts'
import { EditBody, ReactionBody } from '../wire/generated/messages.ts'
import { decodeIds, encodeIds } from './control-ids.ts'
import { checkEditText, checkReaction, isReaction, mayChange, quoteOf } from './message-rules.ts'
import { PendingActions } from './pending-actions.ts'
import { speaksFor } from './receipts.ts'
import type { ActionKind, Participants } from './message-rules.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { ChatMessage, MessageUpdate } from '../messages/message.ts'
import type { AttemptResult } from '../messages/outbox.ts'
import type { ContactTrust } from '../session/contact-trust.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export const REACTION = 'message/react'
export const EDIT = 'message/edit'
export const DELETE_REQUEST = 'message/delete'

/** A reaction, edit or deletion by someone else, as applied here (for `inbox` lines and screens). */
export interface AppliedAction {
  kind: 'reaction' | 'edit' | 'delete'
  /** The control message's id. */
  id: string
  messageId: string
  from: string
  group?: string
  /** The sender's clock. */
  sentAt: number
  /** `reaction`: the emoji ('' removed it). */
  emoji?: string
  /** `edit`: the new text. */
  text?: string
  /** The message as it is now. */
  message: ChatMessage
}

export interface MessageActionsComponents {
  control: ControlRegistry
  store: ChatStore
  trust: ContactTrust
  log: Logger
  /** This device's PeerId. */
  self: string
  /** Sends a queued control entry now (`Outbox.send`). */
  sendQueued: (id: string) => Promise<AttemptResult>
  onChanged: (message: ChatMessage) => void
  onDeleted: (id: string, peer: string) => void
  onAction?: (action: AppliedAction) => void
  now?: () => number
}

export class MessageActions {
  readonly #c: MessageActionsComponents
  readonly #now: () => number
  readonly #pending: PendingActions
  #members: (group: string) => Promise<string[] | undefined> = async () => undefined

  constructor (components: MessageActionsComponents) {
    this.#c = components
    this.#now = components.now ?? Date.now
    this.#pending = new PendingActions(components.store, this.#now)
    components.control.handle(REACTION, async m => { await this.#onReaction(m) })
    components.control.handle(EDIT, async m => { await this.#onEdit(m) })
    components.control.handle(DELETE_REQUEST, async m => { await this.#onDelete(m) })
  }

  /** Groups tell who their members are (GroupClient); without it group messages take no action. */
  setGroupMembers (members: (group: string) => Promise<string[] | undefined>): void {
    this.#members = members
  }

  get participants (): Participants {
    return { trust: this.#c.trust, members: async group => await this.#members(group) }
  }

  get pending (): PendingActions {
    return this.#pending
  }

  /** Sets (or with '' removes) this device's reaction, here and for the message's other parties. */
  async react (id: string, emoji: string): Promise<AttemptResult> {
    checkReaction(emoji)
    const message = await this.#require(id)
    const at = this.#now()
    return await this.#act(message, { reaction: { from: this.#c.self, emoji, at } }, REACTION, ReactionBody.encode({ messageId: envelopeIdFromString(id) as Uint8Array<ArrayBuffer>, emoji }))
  }

  /** Replaces the text of one of our messages, here and for its recipients (earlier text kept). */
  async edit (id: string, text: string): Promise<AttemptResult> {
    checkEditText(text)
    const message = await this.#require(id)
    if (message.direction !== 'out') throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'only the author of a message can edit it')
    const change = { edit: { text, at: this.#now() } }
    if (applyUpdate(message, change) == null) throw new ProtocolError(ErrorCode.INVALID, `message ${id} cannot take another edit (unchanged text, or ${(message.edits ?? []).length} edits already)`)
    return await this.#act(message, change, EDIT, EditBody.encode({ messageId: envelopeIdFromString(id) as Uint8Array<ArrayBuffer>, text }))
  }

  /** Tombstones one of our messages here and asks every other party to do the same. */
  async deleteForEveryone (id: string): Promise<AttemptResult> {
    const message = await this.#c.store.getMessage(id)
    if (message == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no message ${id}`)
    if (message.direction !== 'out') throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'only the sender of a message can delete it for everyone')
    return await this.#act(message, { tombstone: { at: this.#now() } }, DELETE_REQUEST, encodeIds([id]), true)
  }

  /**
   * The quote for a reply that just came (or is being sent): from our copy of the message it
   * answers, when that one is in the same conversation. `from`: the reply's sender (incoming).
   */
  async quote (replyTo: string, reply: Pick<ChatMessage, 'group' | 'peer'>, from?: PeerId): Promise<string | undefined> {
    const quoted = await this.#c.store.getMessage(replyTo)
    if (quoted == null) return undefined
    const sameParty = from != null ? await speaksFor(this.#c.trust, quoted.peer, from) : quoted.peer === reply.peer
    return quoteOf(quoted, reply, sameParty)
  }

  /** A message was just stored: what was waiting for it is applied now, under the same rules. */
  async arrived (message: ChatMessage): Promise<void> {
    for (const a of await this.#pending.take(message.id)) {
      const from = parsePeerId(a.from)
      await this.#apply({ id: a.id, from, type: a.type, body: a.body, sentAt: a.sentAt, path: 'mailbox' }, a.messageId, kindOf(a.type), update(a.type, a.body, a.sentAt, a.from))
    }
  }

  async #onReaction (m: ControlMessage): Promise<void> {
    const body = decode(() => ReactionBody.decode(m.body))
    if (body == null || body.messageId.length !== ENVELOPE_ID_LENGTH || (body.emoji !== '' && !isReaction(body.emoji))) {
      this.#c.log('dropped a malformed reaction from %p', m.from)
      return
    }
    await this.#apply(m, envelopeIdToString(body.messageId), 'react', { reaction: { from: m.from.toString(), emoji: body.emoji, at: m.sentAt } })
  }

  async #onEdit (m: ControlMessage): Promise<void> {
    const body = decode(() => EditBody.decode(m.body))
    const valid = body != null && body.messageId.length === ENVELOPE_ID_LENGTH && decode(() => { checkEditText(body.text); return true }) === true
    if (!valid) {
      this.#c.log('dropped a malformed edit from %p', m.from)
      return
    }
    await this.#apply(m, envelopeIdToString(body.messageId), 'edit', { edit: { text: body.text, at: m.sentAt } })
  }

  async #onDelete (m: ControlMessage): Promise<void> {
    // One id at a time, so one parked for later carries only its own id.
    for (const id of decodeIds(m.body)) await this.#apply({ ...m, body: encodeIds([id]) }, id, 'delete', { tombstone: { at: m.sentAt } })
  }

  async #apply (m: ControlMessage, messageId: string, kind: ActionKind, change: MessageUpdate): Promise<void> {
    const message = await this.#c.store.getMessage(messageId)
    if (message == null) {
      const parked = await this.#pending.park({ id: m.id, messageId, type: m.type, from: m.from.toString(), body: m.body, sentAt: m.sentAt })
      if (!parked) this.#c.log('dropped a %s from %p for unknown message %s: too many waiting', m.type, m.from, messageId)
      return
    }
    if (!await mayChange(this.participants, message, m.from, kind)) {
      this.#c.log('refused a %s from %p for message %s: not allowed', m.type, m.from, messageId)
      return
    }
    const changed = await this.#update(message, change, kind === 'delete')
    if (changed == null) return
    this.#c.onAction?.({
      kind: kind === 'react' ? 'reaction' : kind,
      id: m.id,
      messageId,
      from: m.from.toString(),
      ...(message.group != null ? { group: message.group } : {}),
      sentAt: m.sentAt,
      ...(change.reaction != null ? { emoji: change.reaction.emoji } : {}),
      ...(change.edit != null ? { text: change.edit.text } : {}),
      message: changed
    })
  }

  async #update (message: ChatMessage, change: MessageUpdate, deleted = false): Promise<ChatMessage | undefined> {
    const changed = await this.#c.store.updateMessage(message.id, change)
    if (changed == null) return undefined
    this.#c.onChanged(changed)
    if (deleted) this.#c.onDeleted(message.id, message.peer)
    return changed
  }

  async #require (id: string): Promise<ChatMessage> {
    const message = await this.#c.store.getMessage(id)
    if (message == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no message ${id}`)
    if (message.deletedAt != null) throw new ProtocolError(ErrorCode.INVALID, `message ${id} was deleted`)
    return message
  }

  /** 1:1: the other party (PeerId or @username); a group: every other member's device. */
  async #recipients (message: ChatMessage): Promise<string[]> {
    if (message.group == null) return [message.peer]
    const members = await this.#members(message.group)
    if (members == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no group ${message.group} on this device`)
    return members.filter(p => p !== this.#c.self)
  }

  /**
   * Queues the request for the message's other parties, then changes the message here, then sends:
   * a tab closed or a process killed between the two writes leaves a request that still goes out
   * (and changes nothing twice), never a change here that nobody else hears of.
   */
  async #act (message: ChatMessage, change: MessageUpdate, type: string, body: Uint8Array, deleted = false): Promise<AttemptResult> {
    const ids: string[] = []
    for (const to of await this.#recipients(message)) ids.push(await this.#c.control.queueControl(to, type, body, { background: false }))
    await this.#update(message, change, deleted)
    const results: AttemptResult[] = []
    for (const id of ids) results.push(await this.#c.sendQueued(id))
    return combine(ids[0] ?? '', results)
  }
}

/** One result for a fan-out: delivered if any device has it, else stored, else queued. */
function combine (id: string, results: AttemptResult[]): AttemptResult {
  const rank = { delivered: 2, stored: 1, queued: 0 }
  const best = results.reduce<AttemptResult | undefined>((a, r) => a == null || rank[r.status] > rank[a.status] ? r : a, undefined)
  if (best == null) return { id, status: 'delivered', devices: [] }
  return { ...best, id, devices: results.flatMap(r => r.devices) }
}

function kindOf (type: string): ActionKind {
  return type === REACTION ? 'react' : type === EDIT ? 'edit' : 'delete'
}

/** The change a parked (already validated) action makes. */
function update (type: string, body: Uint8Array, at: number, from: string): MessageUpdate {
  if (type === REACTION) return { reaction: { from, emoji: ReactionBody.decode(body).emoji, at } }
  if (type === EDIT) return { edit: { text: EditBody.decode(body).text, at } }
  return { tombstone: { at } }
}

function decode<T> (fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}
