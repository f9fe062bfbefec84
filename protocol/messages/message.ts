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
  /** Id of the message this one replaces. */
  editOf?: string
  /** Outgoing: verified purge receipts, one per recipient device, in the order they came. */
  purged?: PurgeRecord[]
}

/** What may change on a stored message; `status` only forward. */
export type MessageUpdate = Partial<Pick<ChatMessage, 'status' | 'error' | 'path' | 'attachment'>> & {
  /** Adds a verified purge receipt (outgoing only); a device already recorded keeps its first one. */
  purge?: PurgeRecord
}

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
    next.purged = [...(message.purged ?? []), { device: purge.device, node: purge.node, at: purge.at }]
    changed = true
  }
  return changed ? next : undefined
}

/** A message to several devices shows its best path: any live one over the mailbox. */
function pathRank (path: DeliveryPath): number {
  return { mailbox: 0, relayed: 1, direct: 2, webrtc: 3 }[path]
}
