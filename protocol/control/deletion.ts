// "Delete for everyone" as an end-to-end encrypted control message, sent through the durable outbox.
// A request only removes a message its author sent to us; the local delete leaves a tombstone.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { decodeIds, encodeIds } from './control-ids.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { AttemptResult } from '../messages/outbox.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

export const DELETE_REQUEST = 'message/delete'

export interface DeletionComponents {
  control: ControlRegistry
  store: ChatStore
  log: Logger
  /** Sends a queued control entry now (`Outbox.send`). */
  sendQueued: (id: string) => Promise<AttemptResult>
  onDeleted: (id: string, peer: string) => void
}

export class Deletion {
  readonly #c: DeletionComponents

  constructor (components: DeletionComponents) {
    this.#c = components
    components.control.handle(DELETE_REQUEST, async m => { await this.#onDelete(m) })
  }

  /** Deletes a message on this device only. */
  async deleteHere (id: string): Promise<void> {
    const m = await this.#c.store.getMessage(id)
    await this.#c.store.deleteMessage(id)
    if (m != null) this.#c.onDeleted(id, m.peer)
  }

  /**
   * Deletes one of our sent messages here and asks its recipient's devices to delete it too. The
   * request is tried at once and stays in the outbox until acked.
   */
  async deleteForEveryone (id: string): Promise<AttemptResult> {
    const m = await this.#c.store.getMessage(id)
    if (m == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no message ${id}`)
    if (m.direction !== 'out') throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'only the sender of a message can delete it for everyone')
    // Its `peer` is the group id, no device: a delete request has nowhere to go.
    if (m.group != null) throw new ProtocolError(ErrorCode.INVALID, 'a group message cannot be deleted for everyone')
    const request = await this.#c.control.queueControl(m.peer, DELETE_REQUEST, encodeIds([id]), { background: false })
    await this.#c.store.deleteMessage(id)
    this.#c.onDeleted(id, m.peer)
    return await this.#c.sendQueued(request)
  }

  async #onDelete (m: ControlMessage): Promise<void> {
    for (const id of decodeIds(m.body)) {
      const message = await this.#c.store.getMessage(id)
      // Only the author may retract: incoming messages are stored under their sender's PeerId. A
      // group message is no 1:1 message, though its `peer` is its author: a 1:1 request leaves it.
      if (message == null || message.direction !== 'in' || message.peer !== m.from.toString() || message.group != null) {
        this.#c.log('ignoring a delete request for %s from %p', id, m.from)
        continue
      }
      await this.#c.store.deleteMessage(id)
      this.#c.onDeleted(id, message.peer)
    }
  }
}
