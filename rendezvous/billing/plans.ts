// What each plan allows, and the defaults a node starts with. Pure data: the config file is parsed
// in billing-config.ts, and this module imports nothing from config.ts so that config.ts can use
// these defaults while it is being evaluated.

export interface PlanLimits {
  mailbox: {
    /** Envelopes waiting for one recipient device. */
    maxMessages: number
    /** Bytes waiting for one recipient device. */
    maxBytes: number
    /** How long an undelivered envelope is kept, ms (fixed when it is stored). */
    retentionMs: number
  }
  /** Largest attachment a member of this plan may send. */
  attachmentMaxBytes: number
  /** Largest group a member of this plan may create or grow. */
  groupMaxMembers: number
  /** Mailbox deposits one device of this plan may make per minute, to any recipient. */
  depositsPerMinute: number
}

/** Plan name → limits. `free` always exists: peers without an account, and unknown plans, get it. */
export type Plans = Record<string, PlanLimits>

/** Limits as other modules receive them: which plan they come from, and what it allows. */
export interface ResolvedLimits extends PlanLimits {
  plan: string
}

export const FREE_PLAN = 'free'
export const PREMIUM_PLAN = 'premium'

const MB = 1024 * 1024
const DAY = 86_400_000

// Free matches what every peer got before plans existed, so turning billing on takes nothing away;
// its deposit rate only stops floods (simulations and benchmarks send far faster than people).
export const DEFAULT_PLANS: Plans = {
  [FREE_PLAN]: {
    mailbox: { maxMessages: 1000, maxBytes: 50 * MB, retentionMs: 30 * DAY },
    attachmentMaxBytes: 25 * MB,
    groupMaxMembers: 50,
    depositsPerMinute: 600
  },
  [PREMIUM_PLAN]: {
    mailbox: { maxMessages: 10_000, maxBytes: 1024 * MB, retentionMs: 90 * DAY },
    attachmentMaxBytes: 500 * MB,
    groupMaxMembers: 1000,
    depositsPerMinute: 3000
  }
}

export interface StripeConfig {
  /** `sk_…`; STRIPE_SECRET_KEY when unset. Needed for Checkout only. */
  secretKey?: string
  /** `whsec_…` of the webhook endpoint; STRIPE_WEBHOOK_SECRET when unset. Needed for webhooks. */
  webhookSecret?: string
  /** How old a signed webhook may be, ms; older ones are refused (replays). */
  webhookToleranceMs: number
  /** Plan → Stripe price id (`price_…`) of its subscription. Plans without a price cannot be bought. */
  prices: Record<string, string>
  successUrl?: string
  cancelUrl?: string
  /** Another API base (e.g. `http://127.0.0.1:12111` for stripe-mock or tests); api.stripe.com when unset. */
  apiBase?: string
}

export interface BillingConfig {
  stripe: StripeConfig
}

export const DEFAULT_BILLING: BillingConfig = {
  stripe: { webhookToleranceMs: 300_000, prices: {} }
}

/** The plan's limits, or free's when the plan is unknown (e.g. removed from the config since). */
export function limitsOf (plans: Plans, plan: string): ResolvedLimits {
  const name = Object.hasOwn(plans, plan) ? plan : FREE_PLAN
  // Asked twice per mailbox deposit: one frozen copy per plan instead of a clone per call.
  let resolved = RESOLVED.get(plans)
  if (resolved == null) RESOLVED.set(plans, resolved = new Map())
  let limits = resolved.get(name)
  if (limits == null) resolved.set(name, limits = deepFreeze({ plan: name, ...structuredClone(plans[name]) }))
  return limits
}

const RESOLVED = new WeakMap<Plans, Map<string, ResolvedLimits>>()

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

// Stripe amounts are in the currency's smallest unit; these currencies have none below the unit.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'])

/** "12.50 CHF" from Stripe's 1250 and "chf". */
export function formatAmount (amount: number, currency: string): string {
  const zero = ZERO_DECIMAL.has(currency.toLowerCase())
  return `${zero ? String(amount) : (amount / 100).toFixed(2)} ${currency.toUpperCase()}`
}
