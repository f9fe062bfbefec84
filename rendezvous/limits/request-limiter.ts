// One abuse limit over several keys at once: the requesting PeerId, its network (IPv4 /24, IPv6
// /48) and its account when it has one. PeerIds cost nothing to make, so a limit per PeerId alone
// stops nobody; a request passes only if every key it has is within budget, and then takes from
// all of them (all or none, so a refused request costs no key anything).
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { RateLimiter } from './rate-limiter.ts'
import type { RateLimit } from './rate-limiter.ts'

export type { RateLimit }

/** Who is asking, as far as the limits are concerned. */
export interface Requester {
  peer: string
  /** `203.0.113.0/24` or `2001:db8::/48`; absent for uncounted loopback and non-IP transports. */
  network?: string
  /** The requester's account id, where the protocol knows it. */
  account?: string
}

export type Dimension = keyof Requester

export interface RequestLimits {
  peer: RateLimit
  /** Shared by every PeerId of one network. */
  network?: RateLimit
  /** Shared by every device of one account. */
  account?: RateLimit
}

export interface RequestLimiterOptions {
  now?: () => number
  /** Keys remembered per dimension; the oldest are forgotten (forgiven) beyond it. */
  maxKeys?: number
  /** Called with the refused limit's name, e.g. `lookups_per_network` (for /metrics and the log). */
  onLimit?: (limit: string) => void
}

const SUFFIX: Record<Dimension, string> = { peer: '', network: '_per_network', account: '_per_account' }

export class RequestLimiter {
  /** Metric name of the per-peer limit; the others add `_per_network` and `_per_account`. */
  readonly name: string
  readonly #buckets: Array<[Dimension, RateLimiter]>
  readonly #onLimit?: (limit: string) => void

  constructor (name: string, limits: RequestLimits, options: RequestLimiterOptions = {}) {
    this.name = name
    this.#onLimit = options.onLimit
    // One bucket set per dimension: churning PeerIds never evicts a network's or an account's bucket.
    this.#buckets = (['peer', 'network', 'account'] as const)
      .filter(d => limits[d] != null)
      .map(d => [d, new RateLimiter(limits[d] as RateLimit, { now: options.now, maxKeys: options.maxKeys })])
  }

  /** Takes one request's worth from every key `who` has, or from none; the refused dimension otherwise. */
  take (who: Requester): Dimension | undefined {
    const applicable = this.#buckets.filter(([d]) => who[d] != null)
    const refused = applicable.find(([d, bucket]) => !bucket.has(who[d] as string))
    if (refused != null) {
      this.#onLimit?.(this.name + SUFFIX[refused[0]])
      return refused[0]
    }
    for (const [d, bucket] of applicable) bucket.take(who[d] as string)
    return undefined
  }

  /** take(), throwing RATE_LIMITED (naming the exhausted key's kind) when refused. */
  admit (who: Requester, what = 'requests'): void {
    const refused = this.take(who)
    if (refused == null) return
    const whose = refused === 'peer' ? 'from this device' : refused === 'network' ? 'from your network' : 'for this account'
    throw new ProtocolError(ErrorCode.RATE_LIMITED, `too many ${what} ${whose}; try again in a minute`)
  }
}
