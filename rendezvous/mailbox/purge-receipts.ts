// Purge receipts, node side: after an ack deleted envelopes (or a sweep deleted expired ones: expiry
// notices), their ids are gathered per reason, sender and recipient for `batchMs` (or until
// MAX_ACK_IDS), then one signed receipt is queued in the sender's
// mailbox as a PURGE_RECEIPT envelope: a drain of thousands costs a few signatures, not one per ack.
// The node learns nothing new: it already knew sender, recipient, ids and time. Bounded per sender:
// at most `maxPerSender` receipts wait for one sender (more are dropped, not queued), each kept
// `retentionMs`; a receipt also counts against the sender's ordinary mailbox caps.
import { randomBytes } from '@noble/hashes/utils.js'
import { MAX_ACK_IDS } from '../../protocol/constants.ts'
import { ENVELOPE_ID_LENGTH } from '../../protocol/crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { createPurgeReceiptEnvelope } from '../../protocol/mailbox/purge-receipt.ts'
import type { PurgeReason } from '../../protocol/mailbox/purge-receipt.ts'
import { systemClock } from '../../protocol/clock.ts'
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import { KeyedLock } from '../../protocol/messages/keyed-lock.ts'
import { Envelope } from '../../protocol/wire/generated/messages.ts'
import type { AckedEnvelope, MailboxLimits, RendezvousStore } from '../storage/store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export interface PurgeReceiptLimits {
  /** Receipts waiting for one sender at most; further ones are dropped until it fetches. */
  maxPerSender: number
  /** How long a receipt waits for its sender, ms. */
  retentionMs: number
  /** How long acked ids are gathered into one receipt, ms (0: one receipt per sender and ack). */
  batchMs: number
}

export const DEFAULT_PURGE_RECEIPT_LIMITS: PurgeReceiptLimits = { maxPerSender: 100, retentionMs: 7 * 24 * 3600_000, batchMs: 1000 }

interface Gathering {
  sender: string
  recipient: PeerId
  reason: PurgeReason
  ids: Uint8Array[]
  /** The last ack's time: every id in the receipt was deleted at or before it. */
  deletedAt: number
  timer?: TimerHandle
}

export interface PurgeReceiptQueueInit {
  self: PeerId
  /** Signs with the node's libp2p identity key (Ed25519). */
  sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  store: RendezvousStore
  /** The node's mailbox caps; a receipt is refused like any deposit once a sender's mailbox is full. */
  mailbox: MailboxLimits
  limits?: Partial<PurgeReceiptLimits>
  log: Logger
  /** Times the batching (default: real time). */
  clock?: Clock
  /** Called for every receipt not queued (cap reached, mailbox full). */
  onDropped?: (reason: 'cap' | 'full') => void
}

export class PurgeReceiptQueue {
  readonly #init: PurgeReceiptQueueInit
  readonly #limits: PurgeReceiptLimits
  readonly #self: string
  readonly #clock: Clock
  // The cap is checked and the receipt stored under one lock per sender, so concurrent acks of one
  // sender's envelopes cannot overshoot it (within this instance; instances sharing PostgreSQL
  // may each add one more).
  readonly #locks = new KeyedLock()
  readonly #gathering = new Map<string, Gathering>()
  readonly #writing = new Set<Promise<void>>()

  constructor (init: PurgeReceiptQueueInit) {
    this.#init = init
    this.#limits = { ...DEFAULT_PURGE_RECEIPT_LIMITS, ...init.limits }
    this.#self = init.self.toString()
    this.#clock = init.clock ?? systemClock
  }

  /**
   * Gathers what `recipient` acked at `now` (or what expired there undelivered, `reason` expired)
   * into its senders' next receipts; never throws.
   */
  async queue (recipient: PeerId, acked: AckedEnvelope[], now: number, reason: PurgeReason = 'acked'): Promise<void> {
    const due: Gathering[] = []
    for (const { id, sender } of acked) {
      // A receipt for a receipt would never end.
      if (sender === this.#self) continue
      const key = `${reason}\0${sender}\0${recipient.toString()}`
      let g = this.#gathering.get(key)
      if (g == null) {
        g = { sender, recipient, reason, ids: [], deletedAt: now }
        this.#gathering.set(key, g)
      }
      g.ids.push(id)
      g.deletedAt = Math.max(g.deletedAt, now)
      if (g.ids.length >= MAX_ACK_IDS) {
        due.push(this.#take(key, g, MAX_ACK_IDS))
      }
    }
    for (const [key, g] of this.#gathering) {
      if (g.ids.length === 0) this.#gathering.delete(key)
      else if (this.#limits.batchMs === 0) due.push(this.#take(key, g, g.ids.length))
      else g.timer ??= this.#clock.setTimeout(() => { void this.#write([this.#take(key, g, g.ids.length)]) }, this.#limits.batchMs)
    }
    await this.#write(due)
  }

  /** Writes every gathered receipt now (the node is stopping). */
  async flush (): Promise<void> {
    await this.#write([...this.#gathering].map(([key, g]) => this.#take(key, g, g.ids.length)))
    await Promise.all(this.#writing)
  }

  #take (key: string, g: Gathering, n: number): Gathering {
    const taken: Gathering = { sender: g.sender, recipient: g.recipient, reason: g.reason, ids: g.ids.splice(0, n), deletedAt: g.deletedAt }
    if (g.ids.length === 0) {
      if (g.timer != null) this.#clock.clearTimeout(g.timer)
      this.#gathering.delete(key)
    }
    return taken
  }

  async #write (receipts: Gathering[]): Promise<void> {
    const writing = Promise.all(receipts.filter(r => r.ids.length > 0).map(async r => {
      try {
        await this.#locks.run(r.sender, async () => { await this.#queueOne(r) })
      } catch (err) {
        this.#init.log.error('could not queue a purge receipt for %s - %e', r.sender, err)
      }
    })).then(() => {})
    this.#writing.add(writing)
    try {
      await writing
    } finally {
      this.#writing.delete(writing)
    }
  }

  async #queueOne ({ sender, recipient, reason, ids, deletedAt: now }: Gathering): Promise<void> {
    const { store, mailbox } = this.#init
    if (await store.countFrom(sender, this.#self, now) >= this.#limits.maxPerSender) {
      this.#init.onDropped?.('cap')
      return
    }
    const env = await createPurgeReceiptEnvelope(
      { node: this.#init.self, sender: parsePeerId(sender), recipient, deletedAt: now, ids, reason },
      this.#init.sign,
      randomBytes(ENVELOPE_ID_LENGTH)
    )
    // Its own lifetime, not the mail's: an expiry notice comes exactly when a short mailbox
    // retention ran out, and must still reach a sender who checks once a day.
    const limits = { ...mailbox, retentionMs: this.#limits.retentionMs }
    try {
      await store.deposit({ id: env.id, sender: this.#self, recipient: sender, sentAt: now, bytes: Envelope.encode(env) }, limits, now)
    } catch (err) {
      if (!ProtocolError.is(err, ErrorCode.MAILBOX_FULL)) throw err
      this.#init.onDropped?.('full')
    }
  }
}
