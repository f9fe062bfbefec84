// Server side of `/babacloud/mailbox/1.0.0`. Every request acts for the connection's authenticated
// PeerId: a peer deposits only envelopes it signed, and fetches and acks only its own mailbox.
import { DEFAULT_TIMEOUT_MS, MAILBOX_NOTIFY_PROTOCOL, MAILBOX_PROTOCOL, MAX_PAGE, MAX_REQUEST_BYTES } from '../../protocol/constants.ts'
import { ENVELOPE_ID_LENGTH, verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { clockFrom } from '../../protocol/clock.ts'
import type { Clock } from '../../protocol/clock.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { Envelope, MailboxRequest } from '../../protocol/wire/generated/messages.ts'
import { ExpiryTimer } from './expiry-timer.ts'
import { mailboxRequestCodec, mailboxResponseCodec } from './mailbox-codec.ts'
import { RequestOrder } from './request-order.ts'
import type { Turn } from './request-order.ts'
import type { ReceivedMailboxRequest, StoredMailboxResponse } from './mailbox-codec.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import { rpcServer } from '../protocol-server.ts'
import { PurgeReceiptQueue } from './purge-receipts.ts'
import type { PurgeReceiptLimits } from './purge-receipts.ts'
import type { ProtocolServer } from '../protocol-server.ts'
import type { Requester, RequestLimiter } from '../limits/request-limiter.ts'
import type { ExpiredEnvelope, MailboxLimits, MailboxUsage, RendezvousStore } from '../storage/store.ts'
import type { Connection, Logger, PeerId } from '@libp2p/interface'

/** Clock skew tolerated on a sender's `sentAt` in the future. */
const MAX_FUTURE_SKEW_MS = 10 * 60_000

/**
 * Requests of one stream handled at once: as many as a MailboxClient writes ahead (its default
 * maxInFlight), so a sender's pipelined deposits share a group commit instead of one commit each.
 */
export const MAILBOX_PIPELINE = 8

/** Expired envelopes deleted per transaction by a sweep: bounded memory and short write locks. */
const EXPIRY_SWEEP_STEP = 1000

/** Per-plan limits (implemented in rendezvous/billing/quota.ts); without one every deposit gets `limits`. */
export interface MailboxQuota {
  /** Throws QUOTA_EXCEEDED when the sender is over its plan's deposits per minute. */
  admitDeposit(sender: string, now: number): Promise<void>
  /** The limits deposits to this recipient are held to (its account's plan within the node's cap). */
  mailboxLimits(recipient: string): Promise<MailboxLimits>
  /** After the store refused a deposit as MAILBOX_FULL: the plan's error to answer instead, if a plan limit was hit. */
  refusal(recipient: string, usage: MailboxUsage, size: number): Promise<Error | undefined>
}

export interface MailboxServiceInit {
  node: ChatNode
  store: RendezvousStore
  limits: MailboxLimits
  quota?: MailboxQuota
  metrics?: RendezvousMetrics
  timeoutMs?: number
  maxInboundStreams?: number
  now?: () => number
  /** Timers of expiry and receipt batching; `now` alone means real timers. */
  clock?: Clock
  /** Requests per peer and network; refused with RATE_LIMITED beyond it (it counts its own hits). */
  rateLimit?: RequestLimiter
  /** Who a connection is for `rateLimit`; its PeerId and non-loopback network by default. */
  requester?: (connection: Connection) => Requester
  /** Called for every peer that fetches here: this node is its home (federation keeps its home record alive). */
  onFetch?: (peer: PeerId) => void
  /** Signs purge receipts with the node's identity key; without it no receipts are queued. */
  sign?: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  purgeReceipts?: Partial<PurgeReceiptLimits>
}

export class MailboxService {
  readonly #init: MailboxServiceInit
  readonly #log: Logger
  readonly #now: () => number
  readonly #server: ProtocolServer
  readonly #expiries: ExpiryTimer
  readonly #receipts?: PurgeReceiptQueue
  readonly #queueing = new Set<Promise<void>>()
  #unsubscribe?: () => Promise<void>

  constructor (init: MailboxServiceInit) {
    this.#init = init
    this.#log = init.node.logger.forComponent('babacloud:mailbox')
    const clock = clockFrom(init)
    this.#now = () => clock.now()
    this.#expiries = new ExpiryTimer(async now => await this.sweepExpired(now), clock, this.#log)
    if (init.sign != null) {
      this.#receipts = new PurgeReceiptQueue({
        self: init.node.peerId,
        sign: init.sign,
        store: init.store,
        mailbox: init.limits,
        limits: init.purgeReceipts,
        log: this.#log,
        clock,
        onDropped: reason => { init.metrics?.purgeReceiptsDropped.inc({ reason }) }
      })
    }
    // A client may keep one stream open for many requests (each read bounded by MAX_REQUEST_BYTES and timeoutMs).
    this.#server = rpcServer<ReceivedMailboxRequest, StoredMailboxResponse, RequestOrder>({
      node: init.node,
      protocol: MAILBOX_PROTOCOL,
      label: 'mailbox',
      log: this.#log,
      maxInboundStreams: init.maxInboundStreams ?? 32,
      metrics: init.metrics,
      rateLimit: init.rateLimit,
      requester: init.requester,
      rateLimitWhat: 'mailbox requests',
      request: mailboxRequestCodec,
      response: mailboxResponseCodec,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: init.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      errorType: 'invalid',
      typeOf: req => req.type,
      errorResponse: error => ({ error, envelopes: [], cursor: 0n, more: false, count: 0 }),
      // Deposits of one stream are checked side by side and enter the store in arrival order, so a
      // client's pipelined deposits join one group commit; a fetch or ack runs alone.
      pipeline: MAILBOX_PIPELINE,
      openStream: () => new RequestOrder(),
      handle: async (req, connection, _options, order) => {
        const turn = order.turn(req.type === MailboxRequest.Type.DEPOSIT ? 'deposit' : 'exclusive')
        try {
          return await this.#handle(req, connection, turn)
        } finally {
          turn.done()
        }
      }
    })
  }

  async start (): Promise<void> {
    // With several instances on one database, a deposit may arrive at any of them: the store tells
    // every instance, and the one holding the recipient's connection wakes it.
    this.#unsubscribe = await this.#init.store.subscribeDeposits?.(recipient => { this.#onDeposit(recipient) })
    await this.#server.start()
  }

  async stop (): Promise<void> {
    await this.#server.stop()
    this.#expiries.stop()
    // Receipts for acks already answered are stored before the store closes.
    await Promise.all(this.#queueing)
    await this.#receipts?.flush()
    const unsubscribe = this.#unsubscribe
    this.#unsubscribe = undefined
    await unsubscribe?.()
  }

  async #handle (req: ReceivedMailboxRequest, connection: Connection, turn: Turn): Promise<StoredMailboxResponse> {
    const peer = connection.remotePeer
    if (req.type === MailboxRequest.Type.DEPOSIT) return await this.#deposit(req, peer, turn)
    await turn.ready
    switch (req.type) {
      case MailboxRequest.Type.FETCH:
        this.#init.onFetch?.(peer)
        return await this.#fetch(req, peer)
      case MailboxRequest.Type.ACK: return await this.#ack(req, peer)
      default: throw new ProtocolError(ErrorCode.MALFORMED, 'unknown request type')
    }
  }

  /** Checks run beside the stream's other deposits; the store takes them in arrival order (`turn`). */
  async #deposit (req: ReceivedMailboxRequest, peer: PeerId, turn: Turn): Promise<StoredMailboxResponse> {
    if (req.envelope == null) throw new ProtocolError(ErrorCode.MALFORMED, 'deposit has no envelope')
    const header = verifyEnvelope(req.envelope)
    if (!header.from.equals(peer)) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'only the sender of an envelope may deposit it')
    // Only the node writes those (its own key signs them); a client's would be refused by its addressee anyway.
    if (req.envelope.kind === Envelope.Kind.PURGE_RECEIPT) throw new ProtocolError(ErrorCode.INVALID, 'kind: only the node queues purge receipts')
    const now = this.#now()
    const recipient = header.to.toString()
    const quota = this.#init.quota
    await quota?.admitDeposit(peer.toString(), now)
    const limits = await quota?.mailboxLimits(recipient) ?? this.#init.limits
    if (header.sentAt > now + MAX_FUTURE_SKEW_MS || header.sentAt < now - limits.retentionMs) {
      throw new ProtocolError(ErrorCode.EXPIRED, 'envelope timestamp is outside the accepted window')
    }
    // A disappearing message already past its expiry: nobody may keep it, so it is not stored.
    if (header.expiresAt != null && header.expiresAt <= now) throw new ProtocolError(ErrorCode.EXPIRED, 'envelope is past its expiry')
    // Stored as received when those bytes are the canonical encoding of what was verified (the size
    // verifyEnvelope derives from the signed body); anything longer (unknown fields, padding) is
    // normalised, so a recipient never gets unsigned bytes.
    const bytes = req.envelopeBytes?.length === header.size ? req.envelopeBytes : Envelope.encode(req.envelope)
    await turn.ready
    const stored = this.#init.store.deposit({ id: req.envelope.id, sender: peer.toString(), recipient, sentAt: header.sentAt, ...(header.expiresAt != null ? { expiresAt: header.expiresAt } : {}), bytes }, limits, now)
    turn.queued()
    try {
      await stored
    } catch (err) {
      // The store enforces the limits atomically; the plan only decides which error to answer with.
      if (quota == null || !ProtocolError.is(err, ErrorCode.MAILBOX_FULL)) throw err
      throw await quota.refusal(recipient, await this.#init.store.usage(recipient, now), bytes.length) ?? err
    }
    if (header.expiresAt != null) this.#expiries.add(header.expiresAt)
    // A subscribed store reports this deposit too; notifying here as well would wake twice.
    if (this.#unsubscribe == null) this.#notify(header.to)
    return { envelopes: [], cursor: 0n, more: false, count: 1 }
  }

  async #fetch (req: MailboxRequest, peer: PeerId): Promise<StoredMailboxResponse> {
    const limit = Math.min(Math.max(req.limit, 1), MAX_PAGE)
    const page = await this.#init.store.fetch(peer.toString(), req.after, limit, this.#now())
    // Only verified, canonical envelopes are stored: they go out as stored, without a decode here.
    const storedEnvelopes = page.envelopes.map(e => e.bytes)
    const cursor = page.envelopes.at(-1)?.seq ?? req.after
    return { envelopes: [], storedEnvelopes, cursor, more: page.more, count: storedEnvelopes.length }
  }

  async #ack (req: MailboxRequest, peer: PeerId): Promise<StoredMailboxResponse> {
    if (req.ids.some(id => id.length !== ENVELOPE_ID_LENGTH)) throw new ProtocolError(ErrorCode.MALFORMED, 'ack ids must be 16 bytes')
    if (this.#receipts == null) {
      const count = await this.#init.store.ack(peer.toString(), req.ids)
      return { envelopes: [], cursor: 0n, more: false, count }
    }
    const acked = await this.#init.store.ackWithSenders(peer.toString(), req.ids)
    // Queued after the answer, off the drain's hot path (it never fails the ack); stop() waits for it.
    const queued = this.#receipts.queue(peer, acked, this.#now())
    this.#queueing.add(queued)
    void queued.finally(() => { this.#queueing.delete(queued) })
    return { envelopes: [], cursor: 0n, more: false, count: acked.length }
  }

  /**
   * Deletes what expired by `now`, a bounded step at a time, and tells each sender which of its
   * envelopes expired undelivered (a signed expiry notice, when the node signs receipts). Returns
   * how many envelopes were deleted. The periodic sweep and the expiry timer both run this.
   */
  async sweepExpired (now = this.#now()): Promise<number> {
    let total = 0
    while (true) {
      const expired = await this.#init.store.takeExpired(now, EXPIRY_SWEEP_STEP)
      total += expired.length
      if (this.#receipts != null && expired.length > 0) {
        const byRecipient = new Map<string, ExpiredEnvelope[]>()
        for (const e of expired) byRecipient.set(e.recipient, [...(byRecipient.get(e.recipient) ?? []), e])
        for (const [recipient, envelopes] of byRecipient) {
          let peer: PeerId
          try {
            peer = parsePeerId(recipient)
          } catch {
            continue
          }
          const queued = this.#receipts.queue(peer, envelopes, now, 'expired')
          this.#queueing.add(queued)
          void queued.finally(() => { this.#queueing.delete(queued) })
        }
      }
      if (expired.length < EXPIRY_SWEEP_STEP) break
    }
    // Replay records, and anything the steps above raced with.
    total += await this.#init.store.purgeExpired(now)
    return total
  }

  #onDeposit (recipient: string): void {
    let peer: PeerId
    try {
      peer = parsePeerId(recipient)
    } catch (err) {
      this.#log('deposit event for an unparsable recipient - %e', err)
      return
    }
    this.#notify(peer)
  }

  /** Wakes a connected recipient so it fetches at once instead of on its next connection. */
  #notify (recipient: PeerId): void {
    const node = this.#init.node
    if (node.getConnections(recipient).length === 0) return
    node.dialProtocol(recipient, MAILBOX_NOTIFY_PROTOCOL, { signal: AbortSignal.timeout(5_000), runOnLimitedConnection: true })
      .then(async stream => { await stream.close({ signal: AbortSignal.timeout(5_000) }) })
      .catch(err => { this.#log('could not notify %p - %e', recipient, err) })
  }
}
