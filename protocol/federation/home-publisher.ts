// Keeps this device's signed home record in the DHT: published when the device reaches its home
// rendezvous, and again before DHT servers forget it or it expires.
import { equals } from 'uint8arrays/equals'
import { clockFrom } from '../clock.ts'
import type { Clock, TimerHandle } from '../clock.ts'
import { homeKey, signHomeRecord } from './home.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How long a published record stays valid: a device offline longer falls back to senders' own nodes. */
export const HOME_RECORD_LIFETIME_MS = 7 * 24 * 60 * 60_000
/** Republished this often while online: well within kad-dht's 48 h before servers drop a value. */
export const HOME_REPUBLISH_MS = 6 * 60 * 60_000
const PUBLISH_TIMEOUT_MS = 30_000

export interface HomePublisherInit {
  node: ChatNode
  identity: DeviceIdentity
  /** This device's home rendezvous nodes, most preferred first, with addresses as dial hints. */
  homes: Array<{ peer: PeerId, addrs?: Multiaddr[] }>
  log: Logger
  now?: () => number
  /** Times the republishing; `now` alone means real timers. */
  clock?: Clock
  lifetimeMs?: number
  republishMs?: number
}

/** The DHT took the record on no server: senders on other nodes cannot find this home yet. */
export class HomePublishError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'HomePublishError'
  }
}

export class HomePublisher {
  readonly #init: HomePublisherInit
  #lastSeq = 0n
  #publishedAt = -Infinity
  #publishing?: Promise<void>
  #timer?: TimerHandle
  readonly #clock: Clock

  constructor (init: HomePublisherInit) {
    this.#init = init
    this.#clock = clockFrom(init)
  }

  #now (): number {
    return this.#clock.now()
  }

  /** Republishes on a schedule until `stop()`. */
  start (): void {
    if (this.#timer != null) return
    this.#timer = this.#clock.setInterval(() => { this.refresh() }, this.#init.republishMs ?? HOME_REPUBLISH_MS)
    this.#timer.unref?.()
  }

  stop (): void {
    this.#clock.clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Fire and forget: publishes unless a recent publication still stands. */
  refresh (): void {
    if (this.#now() - this.#publishedAt < (this.#init.republishMs ?? HOME_REPUBLISH_MS)) return
    this.publish().catch(err => { this.#init.log('could not publish the home record - %e', err) })
  }

  /** Signs a new record (higher sequence number) and stores it on the DHT servers closest to its key. */
  async publish (options: AbortOptions = {}): Promise<void> {
    if (this.#publishing != null) return await this.#publishing
    this.#publishing = this.#publish(options).finally(() => { this.#publishing = undefined })
    return await this.#publishing
  }

  async #publish (options: AbortOptions): Promise<void> {
    const { node, identity, homes, log } = this.#init
    const now = this.#now()
    // The clock gives an increasing sequence across restarts without keeping state.
    const seq = BigInt(now) > this.#lastSeq ? BigInt(now) : this.#lastSeq + 1n
    this.#lastSeq = seq
    const record = signHomeRecord(identity, { homes, seq, expires: now + (this.#init.lifetimeMs ?? HOME_RECORD_LIFETIME_MS) })
    let stored = 0
    let lastErr: unknown
    try {
      for await (const event of node.services.dht.put(homeKey(identity.peerId), record, { signal: options.signal ?? AbortSignal.timeout(PUBLISH_TIMEOUT_MS) })) {
        // A server echoes what it stored; anything else is not a copy of our record.
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' && event.record != null && equals(event.record.value, record)) stored++
        if (event.name === 'QUERY_ERROR') lastErr = event.error
      }
    } catch (err) {
      lastErr = err
    }
    if (stored === 0) throw new HomePublishError('no DHT server stored the home record', { cause: lastErr })
    this.#publishedAt = now
    log('home record %d stored on %d DHT servers', seq, stored)
  }
}
