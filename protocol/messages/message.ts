// The one message model every screen and command reads: a message carries its status, how it
// travelled, its attachment, its group and sender, and its reply and edit links, so nothing has to be
// rebuilt from several stores. Statuses only move forward (see `canMove`).
import type { DeliveryPath } from '../delivery/path.ts'

/**
 * Outgoing: `queued` (in the outbox, waiting for a way out) → `sent` (handed to the network, no ack
 * yet) → `stored` (the recipient's node holds it) → `delivered` (a device of the recipient has it)
 * → `read`; or `failed`, with `error` saying why. Incoming: `received` → `read`.
 */
export type MessageStatus = 'queued' | 'sent' | 'stored' | 'delivered' | 'read' | 'received' | 'failed'

export interface AttachmentRef {
  name: string
  mime: string
  size: number
}

/** A verified purge receipt for an outgoing message: `node` said it deleted `device`'s copy at `at`. */
export interface PurgeRecord {
  /** The recipient device whose copy was deleted (PeerId). */
  device: string
  /** The rendezvous that signed the receipt (its PeerId: the one this client deposited to). */
  node: string
  /** Deletion time, the node's clock, ms since epoch. */
  at: number
  /** Set when the copy expired at the node undelivered (an expiry notice), not taken by the device. */
  reason?: 'expired'
}

export interface ChatMessage {
  /** Envelope id, 32 hex characters; unique per message and the same on every retry. */
  id: string
  /**
   * 1:1: the other party's PeerId (or `@username`), for an incoming message its sender. In a group
   * (`group` set): the member who wrote an incoming message (as `sender`), the group id for an
   * outgoing one. A group message is never part of a 1:1 conversation (see `MessageQuery`).
   */
  peer: string
  direction: 'in' | 'out'
  text: string
  /** Sender's clock, ms since epoch. */
  sentAt: number
  /** Local clock when this device stored it. */
  receivedAt: number
  status: MessageStatus
  /** Why a message `failed`, or why a queued one is still waiting. */
  error?: string
  /** How it travelled (outgoing: the best path any device took; incoming: how it came). */
  path?: DeliveryPath
  /** A file sent with it: the decrypted bytes live in the app's attachment storage under `id`. */
  attachment?: AttachmentRef
  /** The group it belongs to (its id); unset for 1:1. */
  group?: string
  /** Who wrote it, in a group (a member's PeerId). */
  sender?: string
  /** Id of the message this one answers. */
  replyTo?: string
  /**
   * A short quote of the message replied to, taken from this device's copy when the reply was
   * stored (unset when this device had no copy in the same conversation).
   */
  replyPreview?: string
  /** Id of the message this one replaces. */
  editOf?: string
  /**
   * One reaction per person (PeerId), the latest by its sender's clock. A removed one stays with an
   * empty emoji, so an older reaction replayed later cannot come back (see `shownReactions`).
   */
  reactions?: Reaction[]
  /** Earlier texts, oldest first, once its author edited it; `text` is the newest. */
  edits?: EarlierText[]
  /** The author's clock of the latest edit. */
  editedAt?: number
  /** Deleted for everyone by its author (author's clock): text, edits, reactions and quote are gone. */
  deletedAt?: number
  /**
   * Disappearing messages: the sender's clock after which every device deletes it (the sender's
   * sentAt + the conversation's timer then). Unset: kept until someone deletes it.
   */
  expiresAt?: number
  /**
   * A system line, not a message: someone set the conversation's disappearing-message timer to
   * this many seconds (0: off). `direction`, `peer`/`sender` say who.
   */
  timer?: number
  /** Outgoing: verified purge receipts, one per recipient device, in the order they came. */
  purged?: PurgeRecord[]
}

export interface Reaction {
  /** PeerId of the device that reacted. */
  from: string
  /** One emoji grapheme; empty: removed. */
  emoji: string
  /** The reacting device's clock. */
  at: number
}

export interface EarlierText {
  text: string
  /** When that text was written (the message's `sentAt`, or the edit that brought it). */
  at: number
}

/** What may change on a stored message; `status` only forward; reactions, edits and deletion by time. */
export type MessageUpdate = Partial<Pick<ChatMessage, 'status' | 'error' | 'path' | 'attachment'>> & {
  /** Sets `from`'s reaction unless the one held is as new or newer. */
  reaction?: Reaction
  /** A new text by the author at `at`; refused when not newer than the last, or past MAX_EDITS. */
  edit?: { text: string, at: number }
  /** Deleted for everyone at `at`: clears the content, once. */
  tombstone?: { at: number }
  /** Adds a verified purge receipt (outgoing only); a device already recorded keeps its first one. */
  purge?: PurgeRecord
}

/** Edits kept per message: a further edit is refused (the history stays bounded). */
export const MAX_EDITS = 20
/** Distinct people's reactions kept per message (a group has at most 1000 members). */
export const MAX_REACTIONS = 1000

/** Forward order of statuses; `failed` sits aside (see `canMove`). */
const RANK: Record<MessageStatus, number> = { queued: 1, sent: 2, stored: 3, delivered: 4, received: 4, read: 5, failed: 0 }

/**
 * Whether a message may go from `from` to `to`. Never backwards (a late "stored" must not undo
 * "delivered"), except `sent` back to `queued` when no ack came; `failed` only from before the
 * recipient's node had it, and out of `failed` a retry (`queued`) or any later news that it arrived.
 */
export function canMove (from: MessageStatus, to: MessageStatus): boolean {
  if (from === to) return false
  // Handed out but not acked by anyone: it waits in the outbox again.
  if (from === 'sent' && to === 'queued') return true
  if (to === 'failed') return RANK[from] <= RANK.sent
  if (from === 'failed') return true
  return RANK[to] > RANK[from]
}

/**
 * Applies `update` to `message` under the status rule; undefined when nothing changes. Shared by the
 * store implementations so all three decide alike, inside their own transaction.
 */
export function applyUpdate (message: ChatMessage, update: MessageUpdate): ChatMessage | undefined {
  const next: ChatMessage = { ...message }
  let changed = false
  if (update.status != null && canMove(message.status, update.status)) {
    next.status = update.status
    // An error belongs to the status it explains.
    if (update.status !== 'failed' && update.status !== 'queued') delete next.error
    changed = true
  }
  if (update.error != null && (next.status === 'failed' || next.status === 'queued') && update.error !== message.error) {
    next.error = update.error
    changed = true
  }
  if (update.path != null && update.path !== message.path && (message.path == null || pathRank(update.path) > pathRank(message.path) || message.direction === 'in')) {
    next.path = update.path
    changed = true
  }
  if (update.attachment != null) {
    next.attachment = { ...update.attachment }
    changed = true
  }
  const purge = update.purge
  if (purge != null && message.direction === 'out' && message.purged?.some(p => p.device === purge.device) !== true) {
    next.purged = [...(message.purged ?? []), { device: purge.device, node: purge.node, at: purge.at, ...(purge.reason === 'expired' ? { reason: purge.reason } : {}) }]
    changed = true
  }
  if (update.tombstone != null && next.deletedAt == null) {
    next.deletedAt = update.tombstone.at
    next.text = ''
    for (const key of ['edits', 'editedAt', 'reactions', 'replyPreview', 'attachment'] as const) delete next[key]
    return next
  }
  // A tombstone takes nothing more: a late edit or reaction must not bring content back.
  if (next.deletedAt != null) return changed ? next : undefined
  if (update.edit != null && applyEdit(next, update.edit)) changed = true
  if (update.reaction != null && applyReaction(next, update.reaction)) changed = true
  return changed ? next : undefined
}

function applyEdit (m: ChatMessage, edit: { text: string, at: number }): boolean {
  const edits = m.edits ?? []
  // Ordered by the author's clock: a replayed or overtaken edit is older than the one shown.
  if (edit.at <= (m.editedAt ?? m.sentAt) || edits.length >= MAX_EDITS || edit.text === m.text) return false
  m.edits = [...edits, { text: m.text, at: m.editedAt ?? m.sentAt }]
  m.text = edit.text
  m.editedAt = edit.at
  return true
}

function applyReaction (m: ChatMessage, r: Reaction): boolean {
  const reactions = m.reactions ?? []
  const held = reactions.find(x => x.from === r.from)
  if (held != null ? held.at >= r.at : reactions.length >= MAX_REACTIONS || r.emoji === '') return false
  m.reactions = [...reactions.filter(x => x.from !== r.from), { from: r.from, emoji: r.emoji, at: r.at }]
  return true
}

/** The reactions to show: removed ones (empty emoji) left out. */
export function shownReactions (m: ChatMessage): Reaction[] {
  return (m.reactions ?? []).filter(r => r.emoji !== '')
}

/** A message to several devices shows its best path: any live one over the mailbox. */
function pathRank (path: DeliveryPath): number {
  return { mailbox: 0, relayed: 1, direct: 2, webrtc: 3 }[path]
}
