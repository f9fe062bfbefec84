// Messages that could not leave this device because the rendezvous was unreachable. They survive a
// reload and are sent, in order, when the connection returns.
import type { AppDb, OutboxItem } from './app-db.ts'

export class Outbox {
  readonly #db: AppDb

  constructor (db: AppDb) {
    this.#db = db
  }

  async add (peer: string, text: string, queuedAt = Date.now()): Promise<OutboxItem> {
    const item: OutboxItem = { peer, text, queuedAt }
    const seq = await this.#db.add('outbox', item)
    return { ...item, seq }
  }

  /** Oldest first. */
  async list (peer?: string): Promise<OutboxItem[]> {
    const all = await this.#db.getAll('outbox')
    return peer == null ? all : all.filter(i => i.peer === peer)
  }

  async count (): Promise<number> {
    return await this.#db.count('outbox')
  }

  async remove (seq: number): Promise<void> {
    await this.#db.delete('outbox', seq)
  }
}
