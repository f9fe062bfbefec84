// The simulated network between the nodes of a run: link conditions per (from, to) pair and the
// partitions in force. Every shaped transport of the run consults one SimNetwork, so a partition
// cuts the links of every node at once and a bandwidth cap is shared by all connections of a link.
import { ConnectionFailedError } from '@libp2p/interface'
import { systemClock } from '../../protocol/clock.ts'
import { Prng } from './prng.ts'
import type { Clock } from '../../protocol/clock.ts'
import type { LinkConditions, NetworkSettings, NodeName } from './scenario.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** TCP's maximum segment on Ethernet: loss is drawn per segment, as a link loses packets. */
export const SEGMENT_BYTES = 1460
/** Linux's minimum retransmission timeout. */
export const MIN_RTO_MS = 200
/** A segment lost more often than this is not retried further in the model (TCP would be near giving up). */
const MAX_RETRANSMISSIONS = 12

const NO_CONDITIONS: LinkConditions = { latencyMs: 0, jitterMs: 0, loss: 0, bandwidthBytesPerSecond: 0 }

/** One direction of the link between two nodes: its conditions, its seeded draws, its wire. */
export class DirectedLink {
  readonly conditions: LinkConditions
  /** Round trip of an empty segment on this link (latency both ways), for the retransmission timeout. */
  readonly rttMs: number
  readonly #rng: Prng
  /** When the wire is free again (bandwidth): shared by every connection of the link. */
  #freeAt = 0

  constructor (conditions: LinkConditions, back: LinkConditions, rng: Prng) {
    this.conditions = conditions
    this.rttMs = conditions.latencyMs + back.latencyMs
    this.#rng = rng
  }

  get shaped (): boolean {
    const c = this.conditions
    return c.latencyMs > 0 || c.jitterMs > 0 || c.loss > 0 || c.bandwidthBytesPerSecond > 0
  }

  /**
   * When `bytes` handed to the link at `now` are at the other end (before keeping the stream's
   * order): queued behind earlier bytes on the wire, serialised at the bandwidth, delayed by latency
   * ± jitter, and by the retransmission timeouts of lost segments (doubling per retry, as TCP backs off).
   */
  arrival (bytes: number, now: number): number {
    const c = this.conditions
    const perByte = c.bandwidthBytesPerSecond > 0 ? 1000 / c.bandwidthBytesPerSecond : 0
    let retransmitted = 0
    let worst = 0
    if (c.loss > 0) {
      const segments = Math.max(1, Math.ceil(bytes / SEGMENT_BYTES))
      for (let s = 0; s < segments; s++) {
        let tries = 0
        while (tries < MAX_RETRANSMISSIONS && this.#rng.next() < c.loss) tries++
        retransmitted += tries
        worst = Math.max(worst, tries)
      }
    }
    const start = Math.max(now, this.#freeAt)
    // Retransmitted segments take the wire again.
    this.#freeAt = start + (bytes + retransmitted * SEGMENT_BYTES) * perByte
    const jitter = c.jitterMs > 0 ? (this.#rng.next() * 2 - 1) * c.jitterMs : 0
    const rto = Math.max(MIN_RTO_MS, 2 * this.rttMs)
    return start + bytes * perByte + Math.max(0, c.latencyMs + jitter) + rto * (2 ** worst - 1)
  }
}

interface Tracked {
  a: NodeName
  b: NodeName
  abort: (err: Error) => void
}

export interface NetworkStats {
  /** Open connections aborted because a partition began. */
  connectionsCut: number
  /** Dials that met a partition: unanswered until it healed or the dialler gave up. */
  dialsBlocked: number
}

export class SimNetwork {
  readonly clock: Clock
  readonly stats: NetworkStats = { connectionsCut: 0, dialsBlocked: 0 }
  readonly #settings?: NetworkSettings
  readonly #seed: number
  readonly #names = new Map<string, NodeName>()
  readonly #links = new Map<string, DirectedLink>()
  /** Partition number → the group of each node it names. */
  readonly #partitions = new Map<number, Map<NodeName, number>>()
  readonly #open = new Set<Tracked>()
  /** Dials waiting for a partition to heal. */
  readonly #healed = new Set<() => void>()

  constructor (init: { seed: number, settings?: NetworkSettings, clock?: Clock }) {
    this.#settings = init.settings
    this.#seed = init.seed
    this.clock = init.clock ?? systemClock
  }

  /** Names a node by its PeerId, so a dialled address (…/p2p/ID) tells which node is at the other end. */
  register (peerId: string, name: NodeName): void {
    this.#names.set(peerId, name)
  }

  /** The node a dialled address leads to (its last /p2p/ part), if it is one of the run's. */
  nameOf (ma: Multiaddr): NodeName | undefined {
    const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    return id == null ? undefined : this.#names.get(id)
  }

  /** The conditions from `from` to `to`: the global setting, then any override naming the pair. */
  conditions (from: NodeName, to: NodeName): LinkConditions {
    const s = this.#settings
    if (s == null) return NO_CONDITIONS
    let c: LinkConditions = { latencyMs: s.latencyMs, jitterMs: s.jitterMs, loss: s.loss, bandwidthBytesPerSecond: s.bandwidthBytesPerSecond }
    for (const l of s.links) {
      if ((l.between[0] === from && l.between[1] === to) || (l.between[0] === to && l.between[1] === from)) {
        const { between, ...override } = l
        c = { ...c, ...override }
      }
    }
    return c
  }

  link (from: NodeName, to: NodeName): DirectedLink {
    const key = `${from}>${to}`
    let l = this.#links.get(key)
    if (l == null) {
      l = new DirectedLink(this.conditions(from, to), this.conditions(to, from), new Prng(this.#seed, `network/${key}`))
      this.#links.set(key, l)
    }
    return l
  }

  /** False while a partition puts the two nodes in different groups. */
  reachable (a: NodeName, b: NodeName): boolean {
    for (const groups of this.#partitions.values()) {
      const ga = groups.get(a)
      const gb = groups.get(b)
      if (ga != null && gb != null && ga !== gb) return false
    }
    return true
  }

  /**
   * A dial from `from` to `to`: across a partition it gets no answer (as a SYN into a black hole),
   * so it waits until the partition heals or the dialler gives up (its signal: libp2p's dial timeout).
   */
  async route (from: NodeName, to: NodeName, signal: AbortSignal): Promise<void> {
    if (this.reachable(from, to)) return
    this.stats.dialsBlocked++
    while (!this.reachable(from, to)) {
      signal.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.#healed.delete(onHeal)
          reject(signal.reason ?? new ConnectionFailedError(`network partition: ${from} cannot reach ${to}`))
        }
        const onHeal = (): void => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        this.#healed.add(onHeal)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  /** Keeps an open connection between two nodes so a partition can cut it; returns the way to forget it. */
  track (a: NodeName, b: NodeName, abort: (err: Error) => void): () => void {
    const t: Tracked = { a, b, abort }
    this.#open.add(t)
    return () => { this.#open.delete(t) }
  }

  /** Starts partition `id`: from now on nodes in different groups cannot reach each other. */
  partition (id: number, groups: NodeName[][]): void {
    this.#partitions.set(id, new Map(groups.flatMap((g, i) => g.map(name => [name, i] as const))))
    for (const t of [...this.#open]) {
      if (this.reachable(t.a, t.b)) continue
      this.#open.delete(t)
      this.stats.connectionsCut++
      t.abort(new ConnectionFailedError(`network partition between ${t.a} and ${t.b}`))
    }
  }

  heal (id: number): void {
    this.#partitions.delete(id)
    const waiting = [...this.#healed]
    this.#healed.clear()
    for (const resume of waiting) resume()
  }
}
