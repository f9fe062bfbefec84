// Delivery and read receipts, and "delete for everyone", as end-to-end encrypted control messages.
// A receipt only moves the status of a message its sender sent to the receipt's author (never
// backwards); a delete request only removes a message its author sent to us.
import { envelopeIdFromString, envelopeIdToString, ENVELOPE_ID_LENGTH } from '../crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import type { ControlHandler, ControlMessage, SendResult } from '../chat-client.ts'
import type { ChatMessage, ChatStore, MessageStatus } from '../store/chat-store.ts'
import type { ContactTrust } from './contact-trust.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export const DELIVERED_RECEIPT = 'receipt/delivered'
export const READ_RECEIPT = 'receipt/read'
export const DELETE_REQUEST = 'message/delete'

/** Ids per control message: 16 bytes each, far below the control body limit. */
const MAX_IDS = 1000

/** Statuses only move forward; a late "delivered" must not undo "read". */
const RANK: Record<MessageStatus, number> = { failed: 0, sending: 1, stored: 2, delivered: 3, received: 3, read: 4 }

/** The parts of ChatClient receipts use (kept narrow so the two stay loosely coupled). */
export interface ReceiptHost {
  readonly store: ChatStore
  handleControl: (type: string, handler: ControlHandler) => void
  sendControl: (to: PeerId | string, type: string, body: Uint8Array) => Promise<SendResult>
}

export interface ReceiptsInit {
  host: ReceiptHost
  trust: ContactTrust
  log: Logger
  onStatus: (id: string, status: MessageStatus) => void
  onDeleted: (id: string, peer: string) => void
}

function encodeIds (ids: string[]): Uint8Array {
  const out = new Uint8Array(ids.length * ENVELOPE_ID_LENGTH)
  ids.forEach((id, i) => { out.set(envelopeIdFromString(id), i * ENVELOPE_ID_LENGTH) })
  return out
}

function decodeIds (body: Uint8Array): string[] {
  if (body.length % ENVELOPE_ID_LENGTH !== 0 || body.length > MAX_IDS * ENVELOPE_ID_LENGTH) return []
  const ids: string[] = []
  for (let i = 0; i < body.length; i += ENVELOPE_ID_LENGTH) ids.push(envelopeIdToString(body.subarray(i, i + ENVELOPE_ID_LENGTH)))
  return ids
}

export class Receipts {
  readonly #init: ReceiptsInit
  /** Delivery receipts waiting per sender: one control message carries all that piled up. */
  readonly #queued = new Map<string, string[]>()
  readonly #sending = new Map<string, Promise<void>>()

  constructor (init: ReceiptsInit) {
    this.#init = init
    const host = init.host
    host.handleControl(DELIVERED_RECEIPT, async m => { await this.#onReceipt(m, 'delivered') })
    host.handleControl(READ_RECEIPT, async m => { await this.#onReceipt(m, 'read') })
    host.handleControl(DELETE_REQUEST, async m => { await this.#onDelete(m) })
  }

  /** Queues a delivery receipt for a message just received; sent in the background. */
  delivered (message: ChatMessage): void {
    const ids = this.#queued.get(message.peer) ?? []
    ids.push(message.id)
    this.#queued.set(message.peer, ids)
    if (!this.#sending.has(message.peer)) this.#sending.set(message.peer, this.#drain(message.peer))
  }

  async #drain (peer: string): Promise<void> {
    try {
      while (true) {
        const ids = this.#queued.get(peer)?.splice(0, MAX_IDS) ?? []
        if (ids.length === 0) return
        await this.#init.host.sendControl(peer, DELIVERED_RECEIPT, encodeIds(ids))
          .catch(err => { this.#init.log('delivery receipt to %s failed - %e', peer, err) })
      }
    } finally {
      this.#queued.delete(peer)
      this.#sending.delete(peer)
    }
  }

  /** Resolves once queued delivery receipts have been sent (or failed). */
  async flush (): Promise<void> {
    while (this.#sending.size > 0) await Promise.all(this.#sending.values())
  }

  /** Marks received messages read here and tells each sender; returns how many changed. */
  async markRead (ids: string[]): Promise<number> {
    const bySender = new Map<string, string[]>()
    for (const id of ids) {
      const m = await this.#init.host.store.getMessage(id)
      if (m == null || m.direction !== 'in' || m.status === 'read') continue
      await this.#init.host.store.setStatus(id, 'read')
      this.#init.onStatus(id, 'read')
      bySender.set(m.peer, [...bySender.get(m.peer) ?? [], id])
    }
    for (const [peer, list] of bySender) {
      for (let i = 0; i < list.length; i += MAX_IDS) await this.#init.host.sendControl(peer, READ_RECEIPT, encodeIds(list.slice(i, i + MAX_IDS)))
    }
    return [...bySender.values()].reduce((n, l) => n + l.length, 0)
  }

  /** Deletes one of our sent messages here and asks its recipient to delete it too. */
  async deleteForEveryone (id: string): Promise<SendResult> {
    const m = await this.#init.host.store.getMessage(id)
    if (m == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no message ${id}`)
    if (m.direction !== 'out') throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'only the sender of a message can delete it for everyone')
    const result = await this.#init.host.sendControl(m.peer, DELETE_REQUEST, encodeIds([id]))
    await this.#init.host.store.deleteMessage(id)
    this.#init.onDeleted(id, m.peer)
    return result
  }

  /** Whether `from` speaks for the conversation `peer` names (a PeerId, or a trusted device of @name). */
  async #isPeer (peer: string, from: PeerId): Promise<boolean> {
    if (peer === from.toString()) return true
    if (!peer.startsWith('@')) return false
    const trust = await this.#init.trust.device(from.toString())
    return trust?.contact === peer && trust.state === 'trusted'
  }

  async #onReceipt (m: ControlMessage, status: 'delivered' | 'read'): Promise<void> {
    for (const id of decodeIds(m.body)) {
      const message = await this.#init.host.store.getMessage(id)
      if (message == null || message.direction !== 'out' || RANK[status] <= RANK[message.status]) continue
      if (!await this.#isPeer(message.peer, m.from)) continue
      await this.#init.host.store.setStatus(id, status)
      this.#init.onStatus(id, status)
    }
  }

  async #onDelete (m: ControlMessage): Promise<void> {
    for (const id of decodeIds(m.body)) {
      const message = await this.#init.host.store.getMessage(id)
      // Only the author may retract: incoming messages are stored under their sender's PeerId.
      if (message == null || message.direction !== 'in' || message.peer !== m.from.toString()) {
        this.#init.log('ignoring a delete request for %s from %p', id, m.from)
        continue
      }
      await this.#init.host.store.deleteMessage(id)
      this.#init.onDeleted(id, message.peer)
    }
  }
}
