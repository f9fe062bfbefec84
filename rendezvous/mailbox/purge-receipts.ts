// Purge receipts, node side: after an ack deleted envelopes, one signed receipt per sender (all of
// that sender's ids in the ack) is queued in the sender's mailbox as a PURGE_RECEIPT envelope. The
// node learns nothing new: it already knew sender, recipient, ids and time. Bounded per sender:
// at most `maxPerSender` receipts wait for one sender (more are dropped, not queued), each kept
// `retentionMs`; a receipt also counts against the sender's ordinary mailbox caps.
import { randomBytes } from '@noble/hashes/utils.js'
import { ENVELOPE_ID_LENGTH } from '../../protocol/crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { createPurgeReceiptEnvelope } from '../../protocol/mailbox/purge-receipt.ts'
import { KeyedLock } from '../../protocol/messages/keyed-lock.ts'
import { Envelope } from '../../protocol/wire/generated/messages.ts'
import type { AckedEnvelope, MailboxLimits, RendezvousStore } from '../storage/store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export interface PurgeReceiptLimits {
  /** Receipts waiting for one sender at most; further ones are dropped until it fetches. */
  maxPerSender: number
  /** How long a receipt waits for its sender, ms. */
  retentionMs: number
}

export const DEFAULT_PURGE_RECEIPT_LIMITS: PurgeReceiptLimits = { maxPerSender: 100, retentionMs: 7 * 24 * 3600_000 }

export interface PurgeReceiptQueueInit {
  self: PeerId
  /** Signs with the node's libp2p identity key (Ed25519). */
  sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  store: RendezvousStore
  /** The node's mailbox caps; a receipt is refused like any deposit once a sender's mailbox is full. */
  mailbox: MailboxLimits
  limits?: Partial<PurgeReceiptLimits>
  log: Logger
  /** Called for every receipt not queued (cap reached, mailbox full). */
  onDropped?: (reason: 'cap' | 'full') => void
}

export class PurgeReceiptQueue {
  readonly #init: PurgeReceiptQueueInit
  readonly #limits: PurgeReceiptLimits
  readonly #self: string
  // The cap is checked and the receipt stored under one lock per sender, so concurrent acks of one
  // sender's envelopes cannot overshoot it (within this instance; instances sharing PostgreSQL
  // may each add one more).
  readonly #locks = new KeyedLock()

  constructor (init: PurgeReceiptQueueInit) {
    this.#init = init
    this.#limits = { ...DEFAULT_PURGE_RECEIPT_LIMITS, ...init.limits }
    this.#self = init.self.toString()
  }

  /** Queues receipts for what `recipient` acked at `now`; never throws (an ack must not fail for it). */
  async queue (recipient: PeerId, acked: AckedEnvelope[], now: number): Promise<void> {
    const bySender = new Map<string, Uint8Array[]>()
    for (const { id, sender } of acked) {
      // A receipt for a receipt would never end.
      if (sender === this.#self) continue
      const ids = bySender.get(sender) ?? []
      ids.push(id)
      bySender.set(sender, ids)
    }
    await Promise.all([...bySender].map(async ([sender, ids]) => {
      try {
        await this.#locks.run(sender, async () => { await this.#queueOne(sender, recipient, ids, now) })
      } catch (err) {
        this.#init.log.error('could not queue a purge receipt for %s - %e', sender, err)
      }
    }))
  }

  async #queueOne (sender: string, recipient: PeerId, ids: Uint8Array[], now: number): Promise<void> {
    const { store, mailbox } = this.#init
    if (await store.countFrom(sender, this.#self, now) >= this.#limits.maxPerSender) {
      this.#init.onDropped?.('cap')
      return
    }
    const env = await createPurgeReceiptEnvelope(
      { node: this.#init.self, sender: parsePeerId(sender), recipient, deletedAt: now, ids },
      this.#init.sign,
      randomBytes(ENVELOPE_ID_LENGTH)
    )
    const limits = { ...mailbox, retentionMs: Math.min(this.#limits.retentionMs, mailbox.retentionMs) }
    try {
      await store.deposit({ id: env.id, sender: this.#self, recipient: sender, sentAt: now, bytes: Envelope.encode(env) }, limits, now)
    } catch (err) {
      if (!ProtocolError.is(err, ErrorCode.MAILBOX_FULL)) throw err
      this.#init.onDropped?.('full')
    }
  }
}
