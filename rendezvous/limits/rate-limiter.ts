// Token buckets per key (peer, network, account): a steady rate with a burst allowance, in bounded
// memory. RequestLimiter (request-limiter.ts) combines several of them into one all-or-none check.

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

  /** Takes one token for `key`; false when it has none left. `now` overrides the clock for this call. */
  take (key: string, now = this.#now()): boolean {
    if (!this.has(key, now)) {
      this.#touch(key, now)
      return false
    }
    this.#touch(key, now).tokens -= 1
    return true
  }

  /** Whether `key` has a token now, without taking it (nor remembering a new key). */
  has (key: string, now = this.#now()): boolean {
    const b = this.#buckets.get(key)
    return b == null || this.#refilled(b, now) >= 1
  }

  /** Milliseconds until `key` has a token again; 0 when it has one now. */
  retryAfterMs (key: string, now = this.#now()): number {
    const b = this.#buckets.get(key)
    if (b == null) return 0
    const missing = 1 - this.#refilled(b, now)
    return missing <= 0 ? 0 : Math.ceil(missing / this.#rate)
  }

  #refilled (b: Bucket, now: number): number {
    // An unlimited bucket (perMinute: Infinity) would otherwise compute Infinity * 0 = NaN.
    if (this.#burst === Number.POSITIVE_INFINITY) return this.#burst
    return Math.min(this.#burst, b.tokens + Math.max(0, now - b.at) * this.#rate)
  }

  /** The key's bucket brought up to `now`, moved to the young end of the map. */
  #touch (key: string, now: number): Bucket {
    const old = this.#buckets.get(key)
    const b = old == null ? { tokens: this.#burst, at: now } : { tokens: this.#refilled(old, now), at: Math.max(old.at, now) }
    this.#buckets.delete(key)
    // Forget the oldest keys first: an attacker cycling keys cannot grow this without bound.
    if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string)
    this.#buckets.set(key, b)
    return b
  }
}
