// The recipient's home rendezvous nodes when they are other nodes (federation), from its signed home
// record in the DHT. Cached, never past the record's expiry.
import { homeKey, openHomeRecord } from '../federation/home.ts'
import type { HomeEntry, HomeRecord } from '../federation/home.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Logger, PeerId } from '@libp2p/interface'

/** How long a home lookup may take, and how long its answer is reused. */
const HOME_LOOKUP_MS = 3_000
const HOME_CACHE_MS = 5 * 60_000
const HOME_CACHE_ENTRIES = 10_000

export interface HomeResolverComponents {
  node: Pick<ChatNode, 'services'>
  log: Logger
  now?: () => number
}

export class HomeResolver {
  readonly #c: HomeResolverComponents
  readonly #homes = new Map<string, { homes?: HomeEntry[], until: number }>()

  constructor (components: HomeResolverComponents) {
    this.#c = components
  }

  #now (): number {
    return (this.#c.now ?? Date.now)()
  }

  /** The homes of `peer`'s valid record, in its order; undefined without one (our own rendezvous then). */
  async homesOf (peer: PeerId): Promise<HomeEntry[] | undefined> {
    const key = peer.toString()
    const now = this.#now()
    const cached = this.#homes.get(key)
    if (cached != null && now < cached.until) return cached.homes
    const record = await this.#lookup(peer)
    const homes = record?.homes
    this.#homes.set(key, { homes, until: Math.min(now + HOME_CACHE_MS, record?.expires ?? Infinity) })
    if (this.#homes.size > HOME_CACHE_ENTRIES) this.#homes.delete(this.#homes.keys().next().value as string)
    return homes
  }

  /** Every home of `peer` was unreachable: look it up again next time. */
  forget (peer: PeerId): void {
    this.#homes.delete(peer.toString())
  }

  /**
   * The newest valid home record of `peer` that DHT servers answer with within the lookup time.
   * Each answer is checked here (signature, PeerId, expiry), whatever the servers checked.
   */
  async #lookup (peer: PeerId): Promise<HomeRecord | undefined> {
    const { node, log } = this.#c
    let best: HomeRecord | undefined
    const consider = (bytes: Uint8Array): void => {
      try {
        const record = openHomeRecord(peer, bytes, this.#now())
        if (best == null || record.seq > best.seq) best = record
      } catch (err) {
        log('ignoring a home record for %p - %e', peer, err)
      }
    }
    try {
      for await (const event of node.services.dht.get(homeKey(peer), { signal: AbortSignal.timeout(HOME_LOOKUP_MS) })) {
        if (event.name === 'VALUE') consider(event.value)
        else if (event.name === 'PEER_RESPONSE' && event.record != null) consider(event.record.value)
      }
    } catch (err) {
      log('home lookup for %p ended - %e', peer, err)
    }
    return best
  }
}
