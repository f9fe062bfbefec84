// The mailbox's view of plans: limits for a deposit's recipient, and deposits per minute per sender
// (per account when the sender has one: its devices share the plan's rate).
// Implements MailboxQuota (rendezvous/mailbox/mailbox-service.ts).
import { RateLimiter } from '../limits/rate-limiter.ts'
import { quotaExceeded } from './errors.ts'
import type { ResolvedLimits } from './plans.ts'
import type { MailboxQuota } from '../mailbox/mailbox-service.ts'
import type { MailboxLimits, MailboxUsage } from '../storage/store.ts'

/** Senders tracked at once; the oldest is forgotten beyond this, which only forgives it. */
const MAX_SENDERS = 100_000

export interface PlanLookup {
  limitsFor(peerId: string): Promise<ResolvedLimits>
  /** The device's account, whose devices then share one deposit rate. */
  accountIdOf?(peerId: string): Promise<string | undefined>
  /** Both in one look-up (one account read instead of two). */
  planOf?(peerId: string): Promise<PeerPlan>
}

export interface PeerPlan {
  accountId?: string
  limits: ResolvedLimits
}

export class DepositQuota implements MailboxQuota {
  readonly #plans: PlanLookup
  readonly #ceiling: MailboxLimits
  // In memory and per instance: a rate needs no durability, and a restart only forgives.
  // One bucket set per rate, as plans differ; a whole minute's worth may come at once.
  readonly #rates = new Map<number, RateLimiter>()
  // Look-ups in flight per peer: the deposits of one pipelined stream, and those to one recipient,
  // arrive together and share one read. Nothing outlives its read, so a plan change is seen by
  // every look-up that starts after it (invalidate() also drops reads started before an in-process
  // change); on several instances, by every look-up that starts after the change committed.
  #inFlight = new Map<string, Promise<PeerPlan>>()

  /** `ceiling`: the node's own cap on any one mailbox, reported as MAILBOX_FULL by the store. */
  constructor (plans: PlanLookup, ceiling: MailboxLimits) {
    this.#plans = plans
    this.#ceiling = ceiling
  }

  /** A plan, an account or its devices changed in this process: later look-ups read again. */
  invalidate (): void {
    this.#inFlight = new Map()
  }

  async #planOf (peer: string): Promise<PeerPlan> {
    const inFlight = this.#inFlight
    let read = inFlight.get(peer)
    if (read == null) {
      read = this.#read(peer)
      inFlight.set(peer, read)
      const done = (): void => { if (inFlight.get(peer) === read) inFlight.delete(peer) }
      read.then(done, done)
    }
    return await read
  }

  async #read (peer: string): Promise<PeerPlan> {
    const plans = this.#plans
    if (plans.planOf != null) return await plans.planOf(peer)
    return { limits: await plans.limitsFor(peer), accountId: await plans.accountIdOf?.(peer) }
  }

  async admitDeposit (sender: string, now: number): Promise<void> {
    const { limits, accountId: account } = await this.#planOf(sender)
    const key = account == null ? `peer:${sender}` : `account:${account}`
    const perMinute = limits.depositsPerMinute
    let rate = this.#rates.get(perMinute)
    if (rate == null) {
      rate = new RateLimiter({ perMinute, burst: perMinute }, { maxKeys: MAX_SENDERS })
      this.#rates.set(perMinute, rate)
    }
    if (!rate.take(key, now)) {
      throw quotaExceeded(limits, 'depositsPerMinute', `at most ${perMinute} deposits a minute; try again in ${Math.ceil(rate.retryAfterMs(key, now) / 1000)} s`)
    }
  }

  async mailboxLimits (recipient: string): Promise<MailboxLimits> {
    const plan = (await this.#planOf(recipient)).limits
    return {
      maxMessages: Math.min(plan.mailbox.maxMessages, this.#ceiling.maxMessages),
      maxBytes: Math.min(plan.mailbox.maxBytes, this.#ceiling.maxBytes),
      retentionMs: Math.min(plan.mailbox.retentionMs, this.#ceiling.retentionMs)
    }
  }

  /**
   * Names the limit a refused deposit hit. The node's ceiling wins ties, so a node-wide cap keeps
   * answering MAILBOX_FULL; a plan limit below it answers QUOTA_EXCEEDED.
   */
  async refusal (recipient: string, usage: MailboxUsage, size: number): Promise<Error | undefined> {
    const c = this.#ceiling
    if (usage.count + 1 > c.maxMessages || usage.bytes + size > c.maxBytes) return undefined
    const p = await this.#plans.limitsFor(recipient)
    if (usage.count + 1 > p.mailbox.maxMessages) return quotaExceeded(p, 'mailbox.maxMessages', `the recipient's mailbox holds at most ${p.mailbox.maxMessages} waiting messages`)
    if (usage.bytes + size > p.mailbox.maxBytes) return quotaExceeded(p, 'mailbox.maxBytes', `the recipient's mailbox holds at most ${p.mailbox.maxBytes} bytes of waiting messages`)
    return undefined
  }
}
