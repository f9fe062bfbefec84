// "Delete for everyone" and "delete for me". For everyone: an end-to-end encrypted control message
// (`message/delete`, a list of ids) through the durable outbox, 1:1 or to every member of a group;
// both ends keep a tombstone (`deletedAt`, no content) so the conversation shows that something was
// deleted. Only the author may ask; the rules and the receiving side live in message-actions.ts.
// For me: the message leaves this device's store with no copy, its id refused from then on.
// Either way the account's other devices are told (own-devices.ts) and do the same.
import { DELETE_REQUEST } from './message-actions.ts'
import type { MessageActions } from './message-actions.ts'
import type { OwnDevices } from './own-devices.ts'
import type { Logger } from '@libp2p/interface'
import type { AttemptResult } from '../messages/outbox.ts'
import type { ChatStore } from '../store/chat-store.ts'

export { DELETE_REQUEST }

export interface DeletionComponents {
  store: ChatStore
  actions: MessageActions
  onDeleted: (id: string, peer: string) => void
  /** The account's other devices; without it a deletion stays on this device. */
  own?: OwnDevices
  log?: Logger
}

export class Deletion {
  readonly #c: DeletionComponents

  constructor (components: DeletionComponents) {
    this.#c = components
  }

  /** Deletes a message on this device only: no copy left, and a replay cannot bring it back. */
  async deleteHere (id: string): Promise<void> {
    const m = await this.#c.store.getMessage(id)
    await this.#c.store.deleteMessage(id)
    if (m != null) this.#c.onDeleted(id, m.peer)
    await this.#tellOwn([id])
  }

  /**
   * Tombstones one of our sent messages here and asks the other party (or every other member of its
   * group) to do the same. The request is tried at once and stays in the outbox until acked.
   */
  async deleteForEveryone (id: string): Promise<AttemptResult> {
    const result = await this.#c.actions.deleteForEveryone(id)
    const at = (await this.#c.store.getMessage(id))?.deletedAt
    if (at != null) await this.#tellOwn([id], { at })
    return result
  }

  async #tellOwn (ids: string[], forEveryone?: { at: number }): Promise<void> {
    try {
      await this.#c.own?.deleted(ids, forEveryone)
    } catch (err) {
      // Done here already; the other devices miss this one deletion rather than the user seeing an error.
      this.#c.log?.error('could not tell the account\'s other devices about a deletion - %e', err)
    }
  }
}
