// Reads the `plans:` and `billing:` sections of the node's config file (docs/billing.md).
import { ConfigError, parseDuration, parseSize } from '../config-values.ts'
import { MAX_GROUP_MEMBERS } from '../../protocol/groups/constants.ts'
import { DEFAULT_BILLING, DEFAULT_PLANS, FREE_PLAN } from './plans.ts'
import type { BillingConfig, PlanLimits, Plans } from './plans.ts'

type Raw = Record<string, unknown>
type MailboxCeiling = PlanLimits['mailbox']
type MailboxKey = keyof MailboxCeiling

const PLAN_NAME = /^[a-z][a-z0-9_-]{0,31}$/

function mapping (value: unknown, field: string): Raw {
  if (value == null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${field}: expected a mapping`)
  return value as Raw
}

function count (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ConfigError(`${field}: expected a positive integer`)
  return value
}

function text (value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${field}: expected text`)
  return value.trim()
}

function plan (raw: Raw, base: PlanLimits, field: string): PlanLimits {
  const p = structuredClone(base)
  const mailbox = mapping(raw.mailbox, `${field}.mailbox`)
  if (mailbox.maxMessages != null) p.mailbox.maxMessages = count(mailbox.maxMessages, `${field}.mailbox.maxMessages`)
  if (mailbox.maxBytes != null) p.mailbox.maxBytes = parseSize(mailbox.maxBytes, `${field}.mailbox.maxBytes`)
  if (mailbox.retention != null) p.mailbox.retentionMs = parseDuration(mailbox.retention, `${field}.mailbox.retention`)
  const attachments = mapping(raw.attachments, `${field}.attachments`)
  if (attachments.maxBytes != null) p.attachmentMaxBytes = parseSize(attachments.maxBytes, `${field}.attachments.maxBytes`)
  const groups = mapping(raw.groups, `${field}.groups`)
  if (groups.maxMembers != null) {
    p.groupMaxMembers = count(groups.maxMembers, `${field}.groups.maxMembers`)
    // Clients refuse larger group states whatever the node says: a larger plan could not be kept.
    if (p.groupMaxMembers > MAX_GROUP_MEMBERS) throw new ConfigError(`${field}.groups.maxMembers: at most ${MAX_GROUP_MEMBERS} (the protocol's limit)`)
  }
  if (raw.depositsPerMinute != null) p.depositsPerMinute = count(raw.depositsPerMinute, `${field}.depositsPerMinute`)
  return p
}

/**
 * Merges `plans:` over the default plans. The top-level `mailbox:` section is the node's ceiling
 * for any one mailbox: what it sets explicitly also becomes the free plan's default (configs
 * written before plans existed keep their meaning), and what it leaves unset is raised to the
 * largest plan so the defaults never clip a plan.
 */
export function resolvePlans (rawPlans: unknown, ceiling: MailboxCeiling, explicit: ReadonlySet<MailboxKey>): { plans: Plans, ceiling: MailboxCeiling } {
  const raw = mapping(rawPlans, 'plans')
  const plans = structuredClone(DEFAULT_PLANS)
  for (const key of explicit) plans[FREE_PLAN].mailbox[key] = ceiling[key]
  for (const [name, value] of Object.entries(raw)) {
    if (!PLAN_NAME.test(name)) throw new ConfigError(`plans.${name}: plan names are 1–32 characters of a-z, 0-9, _ and -, starting with a letter`)
    // A new plan starts from free: an operator adding `family:` only writes what differs.
    plans[name] = plan(mapping(value, `plans.${name}`), plans[name] ?? plans[FREE_PLAN], `plans.${name}`)
  }
  const out = { ...ceiling }
  for (const key of ['maxMessages', 'maxBytes', 'retentionMs'] as const) {
    if (!explicit.has(key)) out[key] = Math.max(out[key], ...Object.values(plans).map(p => p.mailbox[key]))
  }
  return { plans, ceiling: out }
}

/** The `billing:` section; secrets may instead come from the environment (see stripe-gateway.ts). */
export function resolveBilling (rawBilling: unknown, plans: Plans): BillingConfig {
  const b = structuredClone(DEFAULT_BILLING)
  const stripe = mapping(mapping(rawBilling, 'billing').stripe, 'billing.stripe')
  const s = b.stripe
  if (stripe.secretKey != null) s.secretKey = text(stripe.secretKey, 'billing.stripe.secretKey')
  if (stripe.webhookSecret != null) s.webhookSecret = text(stripe.webhookSecret, 'billing.stripe.webhookSecret')
  if (stripe.webhookTolerance != null) s.webhookToleranceMs = parseDuration(stripe.webhookTolerance, 'billing.stripe.webhookTolerance')
  for (const [name, price] of Object.entries(mapping(stripe.prices, 'billing.stripe.prices'))) {
    if (!Object.hasOwn(plans, name)) throw new ConfigError(`billing.stripe.prices.${name}: no such plan (plans: ${Object.keys(plans).join(', ')})`)
    if (name === FREE_PLAN) throw new ConfigError('billing.stripe.prices.free: the free plan cannot have a price')
    s.prices[name] = text(price, `billing.stripe.prices.${name}`)
  }
  for (const key of ['successUrl', 'cancelUrl', 'apiBase'] as const) {
    if (stripe[key] == null) continue
    const url = text(stripe[key], `billing.stripe.${key}`)
    if (!URL.canParse(url)) throw new ConfigError(`billing.stripe.${key}: expected a URL, got ${JSON.stringify(url)}`)
    s[key] = url
  }
  return b
}
