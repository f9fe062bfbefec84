// Marking messages read when the person has seen them: the screen reports the received messages in
// view, and they are marked only while the tab is visible. Read receipts go out unless the person
// turned them off (then messages are still marked read here). Without a network session yet, what
// was seen waits and is marked once one runs.
import type { Preferences } from './preferences.ts'

export interface MarksRead {
  markRead(ids: string[], options: { receipts?: boolean }): Promise<number>
}

export class ReadMarker {
  readonly #preferences: () => Preferences
  readonly #pending = new Set<string>()
  /** Marked already (a screen reports what is in view on every update). */
  readonly #done = new Set<string>()
  #client?: MarksRead
  #flushing = false

  constructor (preferences: () => Preferences) {
    this.#preferences = preferences
  }

  /** A network session started (or stopped: undefined). */
  attach (client: MarksRead | undefined): void {
    this.#client = client
    void this.#flush()
  }

  /** These received messages are on screen. */
  seen (ids: string[]): void {
    if (document.visibilityState !== 'visible') return
    for (const id of ids) if (!this.#done.has(id)) this.#pending.add(id)
    void this.#flush()
  }

  async #flush (): Promise<void> {
    const client = this.#client
    if (this.#flushing || client == null || this.#pending.size === 0) return
    this.#flushing = true
    try {
      while (this.#pending.size > 0) {
        const ids = [...this.#pending]
        this.#pending.clear()
        for (const id of ids) this.#done.add(id)
        await client.markRead(ids, { receipts: this.#preferences().readReceipts }).catch(() => {
          for (const id of ids) this.#done.delete(id)
        })
      }
    } finally {
      this.#flushing = false
    }
  }
}
