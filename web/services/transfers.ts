// Files on their way, in either direction, for the conversation screens: bytes so far of the total,
// and whether a transfer runs, was cancelled or failed. A finished one leaves this list: its message
// is in the history then. Announces `change` at most a few times a second while bytes flow.

export type TransferState = 'active' | 'cancelled' | 'failed'

export interface Transfer {
  /** `out/<local id>` or `in/<sender>/<attachment id>`. */
  key: string
  direction: 'in' | 'out'
  /** The conversation it shows in: the peer's PeerId, or the group id. */
  conversation: string
  name: string
  mime: string
  /** Plaintext bytes of the file. */
  size: number
  done: number
  total: number
  state: TransferState
  /** Why it failed, for the person. */
  error?: string
  /** Incoming: who sends it. */
  from?: string
}

/** Progress repaints at most this often: a chunk arrives every few milliseconds. */
const REPAINT_MS = 100

export class Transfers extends EventTarget {
  readonly #all = new Map<string, Transfer>()
  #pending?: ReturnType<typeof setTimeout>

  /** The transfers a conversation shows, oldest first. */
  for (conversation: string): Transfer[] {
    return [...this.#all.values()].filter(t => t.conversation === conversation)
  }

  get (key: string): Transfer | undefined {
    return this.#all.get(key)
  }

  /** Starts (or restarts, for a retry) a transfer at 0 bytes. */
  begin (t: Omit<Transfer, 'done' | 'total' | 'state'> & { total?: number }): void {
    this.#all.set(t.key, { ...t, done: 0, total: t.total ?? t.size, state: 'active' })
    this.#announce(true)
  }

  progress (key: string, done: number, total: number): void {
    const t = this.#all.get(key)
    if (t == null || t.state !== 'active') return
    this.#all.set(key, { ...t, done, total })
    this.#announce(false)
  }

  /** Cancelled or failed: it stays on screen saying so until dismissed (or retried). */
  end (key: string, state: Exclude<TransferState, 'active'>, error?: string): void {
    const t = this.#all.get(key)
    if (t == null) return
    this.#all.set(key, { ...t, state, ...(error != null ? { error } : {}) })
    this.#announce(true)
  }

  /** Arrived or sent whole (its message shows now), or dismissed. */
  remove (key: string): void {
    if (this.#all.delete(key)) this.#announce(true)
  }

  #announce (now: boolean): void {
    if (now) {
      clearTimeout(this.#pending)
      this.#pending = undefined
      this.dispatchEvent(new Event('change'))
      return
    }
    this.#pending ??= setTimeout(() => {
      this.#pending = undefined
      this.dispatchEvent(new Event('change'))
    }, REPAINT_MS)
  }
}
