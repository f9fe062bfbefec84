// The `plans:` and `billing:` sections of the node's config file (docs/billing.md): their schema,
// and how they combine with the defaults and the top-level `mailbox:` ceiling.
import { z } from 'zod'
import { ConfigError, count, duration, size, text, url } from '../config-values.ts'
import { MAX_GROUP_MEMBERS } from '../../protocol/groups/constants.ts'
import { DEFAULT_BILLING, DEFAULT_PLANS, FREE_PLAN } from './plans.ts'
import type { BillingConfig, PlanLimits, Plans } from './plans.ts'

type MailboxCeiling = PlanLimits['mailbox']
type MailboxKey = keyof MailboxCeiling

const PLAN_NAME = /^[a-z][a-z0-9_-]{0,31}$/

/** One mailbox's limits as written in the file; unset keys keep the plan's (or the node's) value. */
export const mailboxLimitsSchema = z.strictObject({
  /** Envelopes waiting per recipient. */
  maxMessages: count().optional(),
  /** Bytes waiting per recipient. */
  maxBytes: size().optional(),
  /** Undelivered envelopes are deleted after this. */
  retention: duration().optional()
})

/** What a plan sets; a plan not among the defaults starts from free's limits. */
export const planSchema = z.strictObject({
  mailbox: mailboxLimitsSchema.optional(),
  attachments: z.strictObject({ maxBytes: size().optional() }).optional(),
  // Clients refuse larger group states whatever the node says: a larger plan could not be kept.
  groups: z.strictObject({ maxMembers: count({ max: MAX_GROUP_MEMBERS, why: "the protocol's limit" }).optional() }).optional(),
  depositsPerMinute: count().optional()
})

export const plansSchema = z.record(
  z.string().regex(PLAN_NAME, { error: 'plan names are 1–32 characters of a-z, 0-9, _ and -, starting with a letter' }),
  planSchema
)

export const billingSchema = z.strictObject({
  stripe: z.strictObject({
    /** `sk_…`; better in STRIPE_SECRET_KEY. */
    secretKey: text().optional(),
    /** `whsec_…`; better in STRIPE_WEBHOOK_SECRET. */
    webhookSecret: text().optional(),
    webhookTolerance: duration().default(DEFAULT_BILLING.stripe.webhookToleranceMs),
    /** Plan → Stripe price id. */
    prices: z.record(z.string(), text()).default({}),
    successUrl: url().optional(),
    cancelUrl: url().optional(),
    apiBase: url().optional()
  }).prefault({})
}).prefault({})

export type PlansFile = z.output<typeof plansSchema>
export type BillingFile = z.output<typeof billingSchema>

function plan (raw: z.output<typeof planSchema>, base: PlanLimits): PlanLimits {
  const p = structuredClone(base)
  if (raw.mailbox?.maxMessages != null) p.mailbox.maxMessages = raw.mailbox.maxMessages
  if (raw.mailbox?.maxBytes != null) p.mailbox.maxBytes = raw.mailbox.maxBytes
  if (raw.mailbox?.retention != null) p.mailbox.retentionMs = raw.mailbox.retention
  if (raw.attachments?.maxBytes != null) p.attachmentMaxBytes = raw.attachments.maxBytes
  if (raw.groups?.maxMembers != null) p.groupMaxMembers = raw.groups.maxMembers
  if (raw.depositsPerMinute != null) p.depositsPerMinute = raw.depositsPerMinute
  return p
}

/**
 * Merges `plans:` over the default plans. The top-level `mailbox:` section is the node's ceiling
 * for any one mailbox: what it sets explicitly also becomes the free plan's default (configs
 * written before plans existed keep their meaning), and what it leaves unset is raised to the
 * largest plan so the defaults never clip a plan.
 */
export function resolvePlans (raw: PlansFile | undefined, ceiling: MailboxCeiling, explicit: ReadonlySet<MailboxKey>): { plans: Plans, ceiling: MailboxCeiling } {
  const plans = structuredClone(DEFAULT_PLANS)
  for (const key of explicit) plans[FREE_PLAN].mailbox[key] = ceiling[key]
  // A new plan starts from free: an operator adding `family:` only writes what differs.
  for (const [name, value] of Object.entries(raw ?? {})) plans[name] = plan(value, plans[name] ?? plans[FREE_PLAN])
  const out = { ...ceiling }
  for (const key of ['maxMessages', 'maxBytes', 'retentionMs'] as const) {
    if (!explicit.has(key)) out[key] = Math.max(out[key], ...Object.values(plans).map(p => p.mailbox[key]))
  }
  return { plans, ceiling: out }
}

/** The `billing:` section; secrets may instead come from the environment (see stripe-gateway.ts). */
export function resolveBilling (raw: BillingFile, plans: Plans): BillingConfig {
  const { webhookTolerance, ...stripe } = raw.stripe
  for (const name of Object.keys(stripe.prices)) {
    const key = `billing.stripe.prices.${name}`
    if (!Object.hasOwn(plans, name)) throw new ConfigError(`${key}: no such plan (plans: ${Object.keys(plans).join(', ')})`, { key })
    if (name === FREE_PLAN) throw new ConfigError(`${key}: the free plan cannot have a price`, { key })
  }
  return { stripe: { ...stripe, webhookToleranceMs: webhookTolerance } }
}
