// A MemoryChatStore that loses power right after a chosen write: no later write lands, as if the
// process had died there, so the store holds exactly what the device would find on restart.
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import type { ChatMessage, MessageUpdate, OutboxEntry } from '../../protocol/store/chat-store.ts'

export type StoreWrite =
  | { op: 'addMessage', message: ChatMessage }
  /** A mailbox page's messages, stored in one transaction: all land or none. */
  | { op: 'addMessages', messages: ChatMessage[] }
  | { op: 'updateMessage' | 'deleteMessage' | 'putOutbox' | 'deleteOutbox', id: string }
  | { op: 'setValue' | 'deleteValue', key: string }

/**
 * `throw`: later writes fail at once (enough where nothing acts on the failure). `hang`: they never
 * settle, so nothing that would follow them in a live process (a mailbox ack) happens either.
 */
export type PowerCutMode = 'throw' | 'hang'

export class PowerCutStore extends MemoryChatStore {
  #when?: (write: StoreWrite) => boolean
  #mode: PowerCutMode = 'throw'
  #cut = false
  readonly #hung: Array<(err: Error) => void> = []

  /** Cuts the power once a write that `when` matches has landed. */
  cutAfter (when: (write: StoreWrite) => boolean, mode: PowerCutMode = 'throw'): void {
    this.#when = when
    this.#mode = mode
  }

  get isCut (): boolean {
    return this.#cut
  }

  /** Power is back for a restarted device; the writes of the dead one fail (nobody awaits them). */
  restore (): void {
    this.#cut = false
    this.#when = undefined
    for (const fail of this.#hung.splice(0)) fail(new Error('power cut'))
  }

  override async addMessages (messages: ChatMessage[]): Promise<boolean[]> {
    return await this.#write({ op: 'addMessages', messages }, async () => await super.addMessages(messages))
  }

  override async addMessage (message: ChatMessage, outbox?: OutboxEntry): Promise<boolean> {
    return await this.#write({ op: 'addMessage', message }, async () => await super.addMessage(message, outbox))
  }

  override async updateMessage (id: string, update: MessageUpdate): Promise<ChatMessage | undefined> {
    return await this.#write({ op: 'updateMessage', id }, async () => await super.updateMessage(id, update))
  }

  override async putOutbox (entry: OutboxEntry): Promise<void> {
    await this.#write({ op: 'putOutbox', id: entry.id }, async () => { await super.putOutbox(entry) })
  }

  override async deleteOutbox (id: string): Promise<void> {
    await this.#write({ op: 'deleteOutbox', id }, async () => { await super.deleteOutbox(id) })
  }

  override async deleteMessage (id: string): Promise<void> {
    await this.#write({ op: 'deleteMessage', id }, async () => { await super.deleteMessage(id) })
  }

  override async setValue (key: string, value: Uint8Array): Promise<void> {
    await this.#write({ op: 'setValue', key }, async () => { await super.setValue(key, value) })
  }

  override async deleteValue (key: string): Promise<void> {
    await this.#write({ op: 'deleteValue', key }, async () => { await super.deleteValue(key) })
  }

  async #write<T>(write: StoreWrite, apply: () => Promise<T>): Promise<T> {
    if (this.#cut) {
      if (this.#mode === 'throw') throw new Error('power cut')
      return await new Promise<T>((_resolve, reject) => { this.#hung.push(reject) })
    }
    const result = await apply()
    if (this.#when?.(write) === true) this.#cut = true
    return result
  }
}
