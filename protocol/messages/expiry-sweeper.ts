// Deletes disappearing messages when they expire, on every device: at start (what expired while the
// app was closed), at each message's expiry time, and periodically as a backstop. Deletion goes
// through ChatStore.deleteMessage, which leaves no copy behind (SQLite: secure_delete and a WAL
// scrub) and keeps the id as a tombstone so a replay cannot bring the message back.
import { clockFrom } from '../clock.ts'
import type { Clock, TimerHandle } from '../clock.ts'
import type { ChatMessage } from './message.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

/** The backstop sweep (a timer that fired late, a clock that jumped). */
export const EXPIRY_SWEEP_INTERVAL_MS = 60_000

export interface ExpirySweeperComponents {
  store: ChatStore
  log: Logger
  onDeleted: (id: string, peer: string) => void
  now?: () => number
  /** Times the deletions; `now` alone means real timers. */
  clock?: Clock
}

export class ExpirySweeper {
  readonly #c: ExpirySweeperComponents
  readonly #clock: Clock
  readonly #now: () => number
  /** Expiring messages this device holds: id → [expiresAt, peer]. */
  readonly #expiring = new Map<string, [number, string]>()
  #timer?: TimerHandle
  #interval?: TimerHandle
  #started = false
  #sweeping?: Promise<number>

  constructor (components: ExpirySweeperComponents) {
    this.#c = components
    this.#clock = clockFrom(components)
    this.#now = () => this.#clock.now()
  }

  /** Loads what expires from the store and sweeps at once. */
  async start (): Promise<void> {
    if (this.#started) return
    this.#started = true
    for (const m of await this.#c.store.listMessages()) this.#track(m)
    this.#interval = this.#clock.setInterval(() => { void this.sweep().catch(err => { this.#c.log.error('expiry sweep failed - %e', err) }) }, EXPIRY_SWEEP_INTERVAL_MS)
    this.#interval.unref?.()
    await this.sweep()
  }

  stop (): void {
    this.#started = false
    this.#clock.clearTimeout(this.#timer)
    this.#clock.clearInterval(this.#interval)
    this.#timer = undefined
  }

  /** A message was stored or changed: deleted at its expiry (now, if that is past). */
  add (message: ChatMessage): void {
    if (message.expiresAt == null) return
    this.#track(message)
    if (this.#started) this.#arm()
  }

  /** Deletes every message past its expiry now; returns how many. */
  async sweep (): Promise<number> {
    // One sweep at a time: a timer and the interval firing together do the work once.
    while (this.#sweeping != null) await this.#sweeping
    this.#sweeping = this.#sweep().finally(() => { this.#sweeping = undefined })
    return await this.#sweeping
  }

  async #sweep (): Promise<number> {
    const now = this.#now()
    let n = 0
    for (const [id, [expiresAt, peer]] of [...this.#expiring]) {
      if (expiresAt > now) continue
      await this.#c.store.deleteMessage(id)
      this.#expiring.delete(id)
      this.#c.onDeleted(id, peer)
      n++
    }
    if (this.#started) this.#arm()
    return n
  }

  #track (m: ChatMessage): void {
    if (m.expiresAt != null) this.#expiring.set(m.id, [m.expiresAt, m.peer])
  }

  /** The timer for the earliest expiry (timers are capped near 24.8 days: longer ones re-arm). */
  #arm (): void {
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    let next = Infinity
    for (const [expiresAt] of this.#expiring.values()) next = Math.min(next, expiresAt)
    if (next === Infinity) return
    const delay = Math.min(Math.max(0, next - this.#now()), 2 ** 31 - 1)
    this.#timer = this.#clock.setTimeout(() => { void this.sweep().catch(err => { this.#c.log.error('expiry sweep failed - %e', err) }) }, delay)
    this.#timer.unref?.()
  }
}
