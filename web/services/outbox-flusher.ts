// Sends what the outbox holds, oldest first, one flush at a time: a flush asked for while one runs
// makes that one go round again instead of starting a second that could reorder messages.
import type { OutboxItem } from '../store/app-db.ts'
import type { Outbox } from '../store/outbox.ts'

export interface OutboxFlusherInit {
  outbox(): Outbox | undefined
  /** Whether messages may leave now (connected to the rendezvous). */
  canSend(): boolean
  /** Sends one queued message; false when it could not leave, which ends this flush. */
  send(item: OutboxItem): Promise<boolean>
  /** Called after each message, sent or not, so the views update. */
  changed(): Promise<void>
}

export class OutboxFlusher {
  /** Queued messages being sent right now: shown once, from the message store, not also as queued. */
  readonly inFlight = new Set<number>()
  readonly #init: OutboxFlusherInit
  #flushing?: Promise<void>
  #again = false

  constructor (init: OutboxFlusherInit) {
    this.#init = init
  }

  async flush (): Promise<void> {
    if (this.#flushing != null) {
      this.#again = true
      return await this.#flushing
    }
    this.#flushing = this.#run().finally(() => { this.#flushing = undefined })
    return await this.#flushing
  }

  async #run (): Promise<void> {
    do {
      this.#again = false
      for (const item of await this.#init.outbox()?.list() ?? []) {
        if (!this.#init.canSend()) return
        const seq = item.seq as number
        this.inFlight.add(seq)
        try {
          if (!await this.#init.send(item)) return
          await this.#init.outbox()?.remove(seq)
        } finally {
          this.inFlight.delete(seq)
          await this.#init.changed()
        }
      }
    } while (this.#again)
  }
}
