// Keeps the signed home records of the users homed here alive in the DHT while they are offline.
// kad-dht servers drop a value 48 h after they received it; a user away longer would lose its home.
// The record stays the user's own (this node cannot make or change one): it is only stored again,
// and only while it is valid and names this node.
import { clockFrom } from '../../protocol/clock.ts'
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import { homeKey, openHomeRecord } from '../../protocol/federation/home.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export interface HomeRepublisherInit {
  node: ChatNode
  now?: () => number
  /** Times the republishing; `now` alone means real timers. */
  clock?: Clock
  /** How often held records are stored again (default 12 h, within kad-dht's 48 h). */
  republishMs?: number
  /** How often one user's record is looked up again when it fetches here (default 30 min). */
  lookupMs?: number
  /** Records held at most (the oldest go first). */
  maxRecords?: number
}

const LOOKUP_TIMEOUT_MS = 10_000
const PUT_TIMEOUT_MS = 30_000

export class HomeRepublisher {
  readonly #node: ChatNode
  readonly #now: () => number
  readonly #lookupMs: number
  readonly #maxRecords: number
  readonly #log: Logger
  readonly #held = new Map<string, { peer: PeerId, bytes: Uint8Array, expires: number, lookedUp: number }>()
  readonly #clock: Clock
  readonly #timer: TimerHandle
  #stopped = false

  constructor (init: HomeRepublisherInit) {
    this.#node = init.node
    this.#clock = clockFrom(init)
    this.#now = () => this.#clock.now()
    this.#lookupMs = init.lookupMs ?? 30 * 60_000
    this.#maxRecords = init.maxRecords ?? 100_000
    this.#log = init.node.logger.forComponent('babacloud:federation')
    this.#timer = this.#clock.setInterval(() => { void this.republish() }, init.republishMs ?? 12 * 60 * 60_000)
    this.#timer.unref?.()
  }

  /** A user fetched here: learn its current home record (fire and forget, at most every `lookupMs`). */
  seen (peer: PeerId): void {
    const held = this.#held.get(peer.toString())
    if (this.#stopped || (held != null && this.#now() - held.lookedUp < this.#lookupMs)) return
    this.#learn(peer).catch(err => { this.#log('home record lookup for %p failed - %e', peer, err) })
  }

  async #learn (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const lookedUp = this.#now()
    let best: { bytes: Uint8Array, seq: bigint, expires: number, here: boolean } | undefined
    try {
      for await (const event of this.#node.services.dht.get(homeKey(peer), { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) })) {
        const bytes = event.name === 'VALUE' ? event.value : event.name === 'PEER_RESPONSE' ? event.record?.value : undefined
        if (bytes == null) continue
        try {
          const r = openHomeRecord(peer, bytes, this.#now())
          if (best == null || r.seq > best.seq) best = { bytes, seq: r.seq, expires: r.expires, here: r.homes.some(h => h.peer.equals(this.#node.peerId)) }
        } catch {}
      }
    } catch {}
    this.#held.delete(key)
    if (best == null || !best.here || best.expires <= this.#now()) return
    this.#held.set(key, { peer, bytes: best.bytes, expires: best.expires, lookedUp })
    if (this.#held.size > this.#maxRecords) this.#held.delete(this.#held.keys().next().value as string)
  }

  /**
   * Stores every held record again. Each is looked up first: a newer record from the user (which
   * may name another home) replaces it, and expired ones are forgotten, so nothing is rolled back.
   */
  async republish (): Promise<void> {
    for (const held of [...this.#held.values()]) {
      if (this.#stopped) return
      await this.#learn(held.peer).catch(() => {})
      const current = this.#held.get(held.peer.toString())
      if (current == null) continue
      try {
        for await (const event of this.#node.services.dht.put(homeKey(current.peer), current.bytes, { signal: AbortSignal.timeout(PUT_TIMEOUT_MS) })) { void event }
      } catch (err) {
        this.#log('could not republish the home record of %p - %e', current.peer, err)
      }
    }
  }

  stop (): void {
    this.#stopped = true
    this.#clock.clearInterval(this.#timer)
  }
}
