// Retries with a growing delay, one pending at a time: reconnecting to the page's own node, where a
// refused attempt is one cheap failed WebSocket.
const MIN_MS = 500
const MAX_MS = 5_000
const FACTOR = 1.5

export class Backoff {
  #delay = MIN_MS
  #timer?: ReturnType<typeof setTimeout>
  #stopped = false

  /** Runs `fn` after the current delay, unless a retry is already pending. */
  schedule (fn: () => void): void {
    if (this.#timer != null || this.#stopped) return
    const delay = this.#delay
    this.#delay = Math.min(this.#delay * FACTOR, MAX_MS)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      fn()
    }, delay)
  }

  /** It worked: the next failure starts from the shortest delay again. */
  reset (): void {
    this.#delay = MIN_MS
  }

  /** Drops the pending retry and starts over (the caller tries at once). */
  cancel (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.reset()
  }

  stop (): void {
    this.#stopped = true
    this.cancel()
  }
}
