// The durable outbox: every message and reliable control message (receipts, deletions) is queued in
// the client store first, sealed once, and sent until its recipient or the recipient's node acks it.
// Every retry sends the same envelope id and bytes, so a deposit whose ack was lost is not stored
// twice (the node answers REPLAY) and the recipient's store deduplicates a live copy.
import { randomBytes } from '@noble/hashes/utils.js'
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'
import { errorMessage } from '../errors.ts'
import { Envelope, Payload } from '../wire/generated/messages.ts'
import { clockFrom } from '../clock.ts'
import type { Clock, TimerHandle } from '../clock.ts'
import { KeyedLock } from './keyed-lock.ts'
import { isAbort, isRetryable } from './retry-rules.ts'
import type { ChatMessage } from './message.ts'
import type { OutboxEntry } from './outbox-entry.ts'
import type { Delivery, DeliveryPath } from '../delivery/path.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'

/** How long a waiting entry rests before the next try, doubling up to the maximum. */
export const RETRY_MIN_MS = 2_000
export const RETRY_MAX_MS = 60_000

export interface DeviceResult extends Delivery {
  peerId: string
}

export interface SendResult {
  id: string
  /** `delivered` once any of the recipient's devices has it, `stored` when its node holds it. */
  status: 'delivered' | 'stored'
  path?: DeliveryPath
  /** One entry per device that acked (several for an @username). */
  devices: DeviceResult[]
}

/** One outbox try: as `SendResult`, or `queued` when it waits (nothing reachable now). */
export interface AttemptResult {
  id: string
  status: 'delivered' | 'stored' | 'queued'
  path?: DeliveryPath
  /** One entry per device that acked (several for an @username). */
  devices: DeviceResult[]
  /** Why it is still queued. */
  error?: string
}

export interface OutboxComponents {
  store: ChatStore
  log: Logger
  /** A PeerId or `@username` to its devices; throws when it cannot be resolved. */
  resolve(to: string, options: AbortOptions): Promise<PeerId[]>
  /** Seals an encoded `Payload` for one device under the entry's id and time. */
  seal(device: PeerId, payload: Uint8Array, options: AbortOptions & { id: Uint8Array, sentAt: number, expiresAt?: number }): Promise<Envelope>
  /** Sends one sealed envelope, live or into a mailbox. */
  deliver(device: PeerId, envelope: Envelope, options: AbortOptions): Promise<Delivery>
  parsePeer(peer: string): PeerId
  /** A message of the history changed (status, path, error). */
  onChanged(message: ChatMessage): void
  /** One device acked its copy live (the per-device delivery record; not for control messages). */
  onDelivered?(id: string, device: string): Promise<void>
  now?: () => number
  /** Times the retries and backoff; `now` alone means real timers. */
  clock?: Clock
}

export interface QueueOptions {
  /** Extra fields of the history entry (reply and edit links, attachment). */
  message?: Partial<Pick<ChatMessage, 'replyTo' | 'replyPreview' | 'editOf' | 'attachment' | 'peer'>>
  /** The conversation's disappearing-message timer: the message expires this long after it is written. */
  timerMs?: number
}

/** Builds a queued message and its outbox entry (also for apps that queue while no client runs). */
export function newQueuedText (to: string, text: string, now: number, extra: QueueOptions['message'] = {}, timerMs?: number): { message: ChatMessage, entry: OutboxEntry, expiresAt?: number } {
  const id = envelopeIdToString(randomBytes(ENVELOPE_ID_LENGTH))
  // The sender's timer decides: the expiry travels with the message (payload and envelope).
  const expiresAt = timerMs != null && timerMs > 0 ? now + timerMs : undefined
  const message: ChatMessage = { id, peer: to, direction: 'out', text, sentAt: now, receivedAt: now, status: 'queued', ...extra, ...(expiresAt != null ? { expiresAt } : {}) }
  // The reply link travels inside the sealed payload; the quote is each end's own.
  const payload = Payload.encode({
    text,
    ...(extra.replyTo != null ? { replyTo: envelopeIdFromString(extra.replyTo) as Uint8Array<ArrayBuffer> } : {}),
    ...(expiresAt != null ? { expiresAt: BigInt(expiresAt) } : {})
  })
  const entry: OutboxEntry = { id, to, payload, control: false, sentAt: now, attempts: 0, envelopes: [] }
  return { message, entry, ...(expiresAt != null ? { expiresAt } : {}) }
}

export class Outbox {
  readonly #c: OutboxComponents
  readonly #lock = new KeyedLock()
  readonly #clock: Clock
  readonly #now: () => number
  #flushing?: Promise<void>
  #again = false
  #timer?: TimerHandle
  #backoff = RETRY_MIN_MS
  #started = false
  /** Entries a caller is sending itself (`send`): a flush leaves them, and what follows them, alone. */
  readonly #claimed = new Set<string>()
  /**
   * The payload expiry of entries queued here and not yet sealed, so the first try need not decode
   * the payload it just encoded (0: none). Bounded: an entry missing here is decoded instead.
   */
  readonly #expiries = new Map<string, number>()

  constructor (components: OutboxComponents) {
    this.#c = components
    this.#clock = clockFrom(components)
    this.#now = () => this.#clock.now()
  }

  isStarted (): boolean {
    return this.#started
  }

  /** Starts retrying; `kick()` (a connection came up) sends what waits from an earlier run. */
  start (): void {
    this.#started = true
  }

  async stop (): Promise<void> {
    this.#started = false
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#flushing?.catch(() => {})
  }

  /**
   * Adds a text message to the history and the outbox, in one store transaction; the caller sends
   * it with `send(id)` (or leaves it to the next flush with `background: true`).
   */
  async queueText (to: string, text: string, options: QueueOptions & { background?: boolean } = {}): Promise<ChatMessage> {
    const { message, entry, expiresAt } = newQueuedText(to, text, this.#now(), options.message, options.timerMs)
    if (options.background !== true) this.#claimed.add(message.id)
    await this.#c.store.addMessage(message, entry)
    this.#rememberExpiry(entry.id, expiresAt ?? 0)
    if (options.background === true) this.kick()
    this.#c.onChanged(message)
    return message
  }

  /**
   * Queues a control message that must arrive (a receipt, a deletion): sent in the background, or
   * with `background: false` left for the caller's `send(id)`.
   */
  async queueControl (to: string, type: string, body: Uint8Array, options: { background?: boolean } = {}): Promise<string> {
    const id = envelopeIdToString(randomBytes(ENVELOPE_ID_LENGTH))
    if (options.background === false) this.#claimed.add(id)
    await this.#c.store.putOutbox({ id, to, payload: Payload.encode({ text: '', type, body: body as Uint8Array<ArrayBuffer> }), control: true, sentAt: this.#now(), attempts: 0, envelopes: [] })
    this.#rememberExpiry(id, 0)
    if (options.background !== false) this.kick()
    return id
  }

  /**
   * Sends one queued entry now, after any older entry to the same recipient (order is kept).
   * Resolves `queued` when it has to wait; throws when it failed for good (the message is then
   * `failed`) or when the caller's signal ended (it stays queued).
   */
  async send (id: string, options: AbortOptions = {}): Promise<AttemptResult> {
    this.#claimed.add(id)
    try {
      return await this.#send(id, options)
    } finally {
      this.#claimed.delete(id)
    }
  }

  async #send (id: string, options: AbortOptions): Promise<AttemptResult> {
    const entries = await this.#c.store.listOutbox()
    const entry = entries.find(e => e.id === id)
    if (entry == null) throw new Error(`no outbox entry ${id}`)
    return await this.#lock.run(entry.to, async () => {
      // Older entries to the same recipient first; when one must wait, so does this one.
      const queue = (await this.#c.store.listOutbox()).filter(e => e.to === entry.to)
      let sentOlder = false
      for (const older of queue) {
        if (older.id === id) break
        sentOlder = true
        if (await this.#attemptQuietly(older, options)) return await this.#wait(entry, 'an earlier message to the same recipient is waiting')
      }
      // The list read under the lock is current unless older entries were sent in between.
      const current = (sentOlder ? await this.#c.store.listOutbox() : queue).find(e => e.id === id)
      if (current == null) throw new Error(`outbox entry ${id} was taken by someone else`)
      return await this.#attempt(current, options)
    })
  }

  /** Tries everything waiting, oldest first per recipient; one flush at a time. */
  async flush (): Promise<void> {
    if (this.#flushing != null) {
      this.#again = true
      return await this.#flushing
    }
    this.#flushing = this.#run().finally(() => { this.#flushing = undefined })
    return await this.#flushing
  }

  /** Flush in the background (a connection came up, something was queued). */
  kick (): void {
    if (!this.#started) return
    this.flush().catch(err => { this.#c.log.error('outbox flush failed - %e', err) })
  }

  async #run (): Promise<void> {
    let waiting = false
    do {
      this.#again = false
      waiting = false
      const byRecipient = new Map<string, OutboxEntry[]>()
      for (const e of await this.#c.store.listOutbox()) byRecipient.set(e.to, [...byRecipient.get(e.to) ?? [], e])
      await Promise.all([...byRecipient].map(async ([to, list]) => {
        await this.#lock.run(to, async () => {
          for (const { id } of list) {
            // Its sender is on it; later entries to the same recipient wait for the next flush.
            if (!this.#started || this.#claimed.has(id)) return
            // Read again under the lock: a direct send may have finished or changed it meanwhile.
            const e = (await this.#c.store.listOutbox()).find(x => x.id === id)
            if (e == null) continue
            if (await this.#attemptQuietly(e, {})) {
              waiting = true
              return
            }
          }
        })
      }))
    } while (this.#again && this.#started)
    this.#schedule(waiting)
  }

  #schedule (waiting: boolean): void {
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    if (!waiting) {
      this.#backoff = RETRY_MIN_MS
      return
    }
    if (!this.#started) return
    const delay = this.#backoff
    this.#backoff = Math.min(this.#backoff * 2, RETRY_MAX_MS)
    this.#timer = this.#clock.setTimeout(() => { this.#timer = undefined; this.kick() }, delay)
  }

  /**
   * `#attempt` for flushes: true when the entry still waits. A final failure is already recorded on
   * the message (`failed`), so it is not thrown; the next entry may go.
   */
  async #attemptQuietly (entry: OutboxEntry, options: AbortOptions): Promise<boolean> {
    try {
      return (await this.#attempt(entry, options)).status === 'queued'
    } catch (err) {
      if (isAbort(err, options.signal)) throw err
      return false
    }
  }

  async #attempt (entry: OutboxEntry, options: AbortOptions): Promise<AttemptResult> {
    const { store } = this.#c
    // Envelopes sealed in this attempt, delivered as they are instead of decoded from their bytes.
    const sealedNow = new Map<string, Envelope>()
    try {
      if (entry.envelopes.length === 0) {
        const devices = await this.#c.resolve(entry.to, options)
        // The envelope carries the payload's expiry in clear, so the node can delete it then too.
        const expiry = this.#expiries.get(entry.id) ?? Number(Payload.decode(entry.payload).expiresAt)
        const expiresAt = expiry > 0 ? expiry : undefined
        const id = envelopeIdFromString(entry.id)
        const envelopes = []
        for (const device of devices) {
          const env = await this.#c.seal(device, entry.payload, { id, sentAt: entry.sentAt, ...(expiresAt != null ? { expiresAt } : {}), signal: options.signal })
          sealedNow.set(device.toString(), env)
          envelopes.push({ peer: device.toString(), envelope: Envelope.encode(env) })
        }
        // Kept before anything leaves: every later try sends exactly these bytes.
        entry = { ...entry, envelopes }
        await store.putOutbox(entry)
        this.#expiries.delete(entry.id)
      }
      if (!entry.control) await this.#update(entry.id, { status: 'sent' })
      const devices: DeviceResult[] = []
      for (const sealed of entry.envelopes) {
        if (sealed.done == null) {
          const r = await this.#c.deliver(this.#c.parsePeer(sealed.peer), sealedNow.get(sealed.peer) ?? Envelope.decode(sealed.envelope), options)
          sealed.done = r.status
          devices.push({ peerId: sealed.peer, ...r })
          if (r.status === 'delivered' && !entry.control) await this.#c.onDelivered?.(entry.id, sealed.peer)
          // Kept so a later try skips this device; after the last one the entry is deleted anyway.
          if (entry.envelopes.some(e => e.done == null)) await store.putOutbox(entry)
        }
      }
      await store.deleteOutbox(entry.id)
      const best = devices.find(d => d.status === 'delivered') ?? devices[0]
      const status = entry.envelopes.some(e => e.done === 'delivered') ? 'delivered' : 'stored'
      if (!entry.control) await this.#update(entry.id, { status, path: best?.path })
      return { id: entry.id, status, path: best?.path, devices }
    } catch (err) {
      if (isAbort(err, options.signal)) {
        if (!entry.control) await this.#update(entry.id, { status: 'queued' })
        throw err
      }
      if (isRetryable(err)) return await this.#wait(entry, errorMessage(err))
      this.#c.log.error('outbox entry %s to %s failed for good - %e', entry.id, entry.to, err)
      await store.deleteOutbox(entry.id)
      if (!entry.control) await this.#update(entry.id, { status: 'failed', error: errorMessage(err) })
      throw err
    }
  }

  #rememberExpiry (id: string, expiresAt: number): void {
    this.#expiries.set(id, expiresAt)
    if (this.#expiries.size > 1024) this.#expiries.delete(this.#expiries.keys().next().value as string)
  }

  async #wait (entry: OutboxEntry, reason: string): Promise<AttemptResult> {
    const latest = (await this.#c.store.listOutbox()).find(e => e.id === entry.id) ?? entry
    await this.#c.store.putOutbox({ ...latest, attempts: latest.attempts + 1, lastError: reason })
    if (!entry.control) await this.#update(entry.id, { status: 'queued', error: reason })
    this.#schedule(true)
    return { id: entry.id, status: 'queued', devices: [], error: reason }
  }

  async #update (id: string, update: Parameters<ChatStore['updateMessage']>[1]): Promise<void> {
    const changed = await this.#c.store.updateMessage(id, update)
    if (changed != null) this.#c.onChanged(changed)
  }
}
