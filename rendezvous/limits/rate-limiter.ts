// Token buckets per key (peer, IP): a steady rate with a burst allowance, in bounded memory.

export interface RateLimit {
  /** Requests allowed per minute, on average. */
  perMinute: number
  /** How many may come at once before the rate applies; defaults to a tenth of a minute's worth. */
  burst?: number
}

interface Bucket { tokens: number, at: number }

export class RateLimiter {
  readonly #rate: number
  readonly #burst: number
  readonly #buckets = new Map<string, Bucket>()
  readonly #maxKeys: number
  readonly #now: () => number

  constructor (limit: RateLimit, options: { maxKeys?: number, now?: () => number } = {}) {
    this.#rate = limit.perMinute / 60_000
    this.#burst = Math.max(1, limit.burst ?? Math.ceil(limit.perMinute / 10))
    this.#maxKeys = options.maxKeys ?? 50_000
    this.#now = options.now ?? Date.now
  }

  /** Takes one token for `key`; false when it has none left. */
  take (key: string): boolean {
    const now = this.#now()
    let b = this.#buckets.get(key)
    if (b == null) {
      b = { tokens: this.#burst, at: now }
      // Forget the oldest keys first: an attacker cycling keys cannot grow this without bound.
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string)
    } else {
      this.#buckets.delete(key)
      b.tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#rate)
      b.at = now
    }
    this.#buckets.set(key, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }
}
