// The mailbox's view of plans: limits for a deposit's recipient, and deposits per minute per sender.
// Implements MailboxQuota (rendezvous/mailbox/mailbox-service.ts).
import { quotaExceeded } from './errors.ts'
import type { ResolvedLimits } from './plans.ts'
import type { MailboxQuota } from '../mailbox/mailbox-service.ts'
import type { MailboxLimits, MailboxUsage } from '../storage/store.ts'

const WINDOW_MS = 60_000
/** Senders tracked at once; the oldest is forgotten beyond this, which only forgives it. */
const MAX_SENDERS = 100_000

export interface PlanLookup {
  limitsFor(peerId: string): Promise<ResolvedLimits>
}

export class DepositQuota implements MailboxQuota {
  readonly #plans: PlanLookup
  readonly #ceiling: MailboxLimits
  // In memory and per instance: a sliding window needs no durability, and a restart only forgives.
  readonly #recent = new Map<string, number[]>()

  /** `ceiling`: the node's own cap on any one mailbox, reported as MAILBOX_FULL by the store. */
  constructor (plans: PlanLookup, ceiling: MailboxLimits) {
    this.#plans = plans
    this.#ceiling = ceiling
  }

  async admitDeposit (sender: string, now: number): Promise<void> {
    const limits = await this.#plans.limitsFor(sender)
    const times = (this.#recent.get(sender) ?? []).filter(t => t > now - WINDOW_MS)
    if (times.length >= limits.depositsPerMinute) {
      this.#recent.set(sender, times)
      throw quotaExceeded(limits, 'depositsPerMinute', `at most ${limits.depositsPerMinute} deposits a minute; try again in ${Math.ceil((times[0] + WINDOW_MS - now) / 1000)} s`)
    }
    times.push(now)
    this.#recent.delete(sender)
    this.#recent.set(sender, times)
    if (this.#recent.size > MAX_SENDERS) this.#recent.delete(this.#recent.keys().next().value as string)
  }

  async mailboxLimits (recipient: string): Promise<MailboxLimits> {
    const plan = await this.#plans.limitsFor(recipient)
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
