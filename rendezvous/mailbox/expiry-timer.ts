// Deletes disappearing envelopes when they expire, not only at the next periodic sweep: the node
// keeps the expiry times of recent deposits (bounded) and purges at the earliest one. Past the bound,
// or after a restart, the periodic sweep (sweepInterval) still removes them, and fetch never serves
// an expired envelope either way.
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import type { Logger } from '@libp2p/interface'

/** Expiry times remembered at once; deposits beyond it wait for the periodic sweep. */
export const MAX_TRACKED_EXPIRIES = 10_000

export class ExpiryTimer {
  readonly #purge: (now: number) => Promise<unknown>
  readonly #clock: Clock
  readonly #log: Logger
  readonly #times = new Set<number>()
  #timer?: TimerHandle
  #at?: number
  #stopped = false

  /** `purge` deletes what expired by `now` (the mailbox's sweep, which also tells the senders). */
  constructor (purge: (now: number) => Promise<unknown>, clock: Clock, log: Logger) {
    this.#purge = purge
    this.#clock = clock
    this.#log = log
  }

  /** An envelope deposited with its own expiry. */
  add (expiresAt: number): void {
    if (this.#stopped || this.#times.size >= MAX_TRACKED_EXPIRIES) return
    this.#times.add(expiresAt)
    if (this.#at == null || expiresAt < this.#at) this.#arm()
  }

  stop (): void {
    this.#stopped = true
    this.#clock.clearTimeout(this.#timer)
    this.#times.clear()
  }

  #arm (): void {
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#at = undefined
    if (this.#stopped || this.#times.size === 0) return
    const at = Math.min(...this.#times)
    this.#at = at
    this.#timer = this.#clock.setTimeout(() => { void this.#fire() }, Math.max(0, at - this.#clock.now()))
    this.#timer.unref?.()
  }

  async #fire (): Promise<void> {
    const now = this.#clock.now()
    for (const t of this.#times) if (t <= now) this.#times.delete(t)
    try {
      await this.#purge(now)
    } catch (err) {
      this.#log('purging expired envelopes failed - %e', err)
    }
    // An injected clock behind the timer: the time not yet reached stays and is armed again.
    this.#arm()
  }
}
