// The rendezvous node's configuration: defaults, an optional YAML/JSON file, then command-line flags.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { resolveBilling, resolvePlans } from './billing/billing-config.ts'
import { DEFAULT_BILLING, DEFAULT_PLANS } from './billing/plans.ts'
import type { BillingConfig, Plans } from './billing/plans.ts'

export interface RendezvousConfig {
  /** libp2p listen addresses; loopback unless the operator says otherwise. */
  listen: string[]
  /** Mailbox storage: `sqlite:PATH` or `postgres://…`; embedded SQLite under the data dir when unset. */
  store?: string
  /**
   * Certificate and key (PEM files): HTTP becomes HTTPS, and `/tls/ws` (or `/wss`) listen
   * addresses serve secure WebSockets, which browsers on https pages need.
   */
  tls?: { certFile: string, keyFile: string }
  /** HTTP host:port for the web app, /healthz and /metrics; `false` disables it. */
  http: string | false
  /** Other rendezvous nodes to join in one DHT, so their users and ours can reach each other. */
  bootstrap: string[]
  /** Keep private addresses in the DHT (LANs, tests); public nodes leave this off. */
  privateNetwork: boolean
  /** The node's ceiling for any one mailbox, whatever the plan (MAILBOX_FULL beyond it). */
  mailbox: {
    maxMessages: number
    maxBytes: number
    retentionMs: number
  }
  /** Per-plan limits (QUOTA_EXCEEDED beyond them); see rendezvous/billing and docs/billing.md. */
  plans: Plans
  /** Payments through Stripe. */
  billing: BillingConfig
  /** Attachment ciphertext stored for offline recipients; it also counts against `mailbox.maxBytes`. */
  attachments: {
    /** Largest single attachment accepted, bytes. */
    maxBytes: number
  }
  relay: {
    maxReservations: number
    /** Per relayed connection, before peers should upgrade to a direct one. */
    dataLimitBytes: number
    durationLimitMs: number
  }
  /** Abuse limits; every one has a default and shows in /metrics (babacloud_limit_hits_total) when hit. */
  limits: {
    maxConnections: number
    maxConnectionsPerIp: number
    /** Count loopback connections against the per-IP cap too (off: reverse proxies connect from 127.0.0.1). */
    limitLoopback: boolean
    /** New inbound connections per second from one host. */
    connectionRatePerIp: number
    /** Requests per minute one peer may make on each protocol. */
    requestsPerMinute: number
    maxStreamsPerConnection: number
    identifyMaxMessageBytes: number
    /** Topics one remote peer may have gossipsub track, and group topics the node relays for one peer. */
    gossipTopicsPerPeer: number
    /** Group topics the node relays in all (each joined only for a peer that proved membership). */
    groupTopics: number
    gossipMaxMessageBytes: number
  }
  /** How often expired envelopes are purged. */
  sweepIntervalMs: number
  /** How often log data older than 90 days is purged. */
  logPurgeIntervalMs: number
  /** The privacy policy served to clients; a new version makes them show a notice. */
  policy: { version: number, text: string }
  logLevel: string
}

const DEFAULT_POLICY_TEXT = `BabaCloud Chat privacy policy (summary)
- Private chats are end-to-end encrypted: this node sees only sender, recipient, time and size.
- Messages are stored on this node only until they are delivered (or their retention ends).
- Log data (IP address, access times) is kept 90 days at most.
- You can export, correct and delete your data, restrict processing and opt out of marketing.
- Nobody under 13 may use the service. Card data is never stored here; a payment processor handles it.`

export const DEFAULT_CONFIG: RendezvousConfig = {
  listen: ['/ip4/127.0.0.1/tcp/7701', '/ip4/127.0.0.1/tcp/7702/ws'],
  http: '127.0.0.1:8787',
  bootstrap: [],
  privateNetwork: true,
  // A ceiling over all plans; each plan's own limits (plans.free: 1000 messages, 50MB, 30d) apply below it.
  mailbox: { ...DEFAULT_PLANS.premium.mailbox },
  plans: DEFAULT_PLANS,
  billing: DEFAULT_BILLING,
  attachments: { maxBytes: 25 * 1024 * 1024 },
  relay: { maxReservations: 1024, dataLimitBytes: 1024 * 1024, durationLimitMs: 10 * 60_000 },
  limits: {
    maxConnections: 512,
    maxConnectionsPerIp: 32,
    limitLoopback: false,
    connectionRatePerIp: 10,
    requestsPerMinute: 600,
    maxStreamsPerConnection: 256,
    identifyMaxMessageBytes: 4096,
    gossipTopicsPerPeer: 256,
    groupTopics: 10_000,
    gossipMaxMessageBytes: 128 * 1024
  },
  sweepIntervalMs: 60_000,
  logPurgeIntervalMs: 3_600_000,
  policy: { version: 1, text: DEFAULT_POLICY_TEXT },
  logLevel: 'warn'
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** "90s", "30d", "250ms" or a number of ms. */
export function parseDuration (value: unknown, field: string): number {
  if (typeof value === 'number' && value >= 0) return value
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value) : null
  if (m == null) throw new ConfigError(`${field}: expected a duration like "90s" or "30d", got ${JSON.stringify(value)}`)
  return Math.round(Number(m[1]) * UNITS_MS[m[2].toLowerCase()])
}

/** "50MB", "64kb" or a number of bytes. */
export function parseSize (value: unknown, field: string): number {
  if (typeof value === 'number' && value >= 0) return value
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value) : null
  if (m == null) throw new ConfigError(`${field}: expected a size like "64KB" or "50MB", got ${JSON.stringify(value)}`)
  return Math.round(Number(m[1]) * UNITS_BYTES[m[2].toLowerCase()])
}

function positiveInt (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ConfigError(`${field}: expected a positive integer`)
  return value
}

type Raw = Record<string, unknown>

function section (raw: Raw, key: string): Raw {
  const v = raw[key]
  if (v == null) return {}
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${key}: expected a mapping`)
  return v as Raw
}

/** Merges a parsed config document over the defaults, validating every field it sets. */
export function resolveConfig (raw: Raw = {}): RendezvousConfig {
  const c = structuredClone(DEFAULT_CONFIG)
  if (raw.listen != null) {
    if (!Array.isArray(raw.listen) || raw.listen.some(a => typeof a !== 'string')) throw new ConfigError('listen: expected a list of multiaddrs')
    c.listen = raw.listen as string[]
  }
  if (raw.http != null) {
    if (raw.http !== false && typeof raw.http !== 'string') throw new ConfigError('http: expected "host:port" or false')
    c.http = raw.http as string | false
  }
  if (raw.store != null) {
    if (typeof raw.store !== 'string') throw new ConfigError('store: expected sqlite:PATH or postgres://…')
    c.store = raw.store
  }
  const tls = section(raw, 'tls')
  if (tls.cert != null || tls.key != null) {
    if (typeof tls.cert !== 'string' || typeof tls.key !== 'string') throw new ConfigError('tls: needs both cert and key (PEM file paths)')
    c.tls = { certFile: tls.cert, keyFile: tls.key }
  }
  if (raw.bootstrap != null) {
    if (!Array.isArray(raw.bootstrap) || raw.bootstrap.some(a => typeof a !== 'string')) throw new ConfigError('bootstrap: expected a list of rendezvous multiaddrs')
    c.bootstrap = raw.bootstrap as string[]
  }
  if (raw.privateNetwork != null) c.privateNetwork = raw.privateNetwork === true
  if (typeof raw.logLevel === 'string') c.logLevel = raw.logLevel
  if (raw.sweepInterval != null) c.sweepIntervalMs = parseDuration(raw.sweepInterval, 'sweepInterval')
  const mailbox = section(raw, 'mailbox')
  if (mailbox.maxMessages != null) c.mailbox.maxMessages = positiveInt(mailbox.maxMessages, 'mailbox.maxMessages')
  if (mailbox.maxBytes != null) c.mailbox.maxBytes = parseSize(mailbox.maxBytes, 'mailbox.maxBytes')
  if (mailbox.retention != null) c.mailbox.retentionMs = parseDuration(mailbox.retention, 'mailbox.retention')
  const explicit = new Set((['maxMessages', 'maxBytes', 'retention'] as const).filter(k => mailbox[k] != null).map(k => k === 'retention' ? 'retentionMs' as const : k))
  ;({ plans: c.plans, ceiling: c.mailbox } = resolvePlans(raw.plans, c.mailbox, explicit))
  c.billing = resolveBilling(raw.billing, c.plans)
  if (raw.logPurgeInterval != null) c.logPurgeIntervalMs = parseDuration(raw.logPurgeInterval, 'logPurgeInterval')
  const policy = section(raw, 'policy')
  if (policy.version != null) c.policy.version = positiveInt(policy.version, 'policy.version')
  if (policy.text != null) {
    if (typeof policy.text !== 'string') throw new ConfigError('policy.text: expected text')
    c.policy.text = policy.text
  }
  if (policy.file != null) {
    try {
      c.policy.text = readFileSync(String(policy.file), 'utf8')
    } catch (err) {
      throw new ConfigError(`policy.file: cannot read ${String(policy.file)}: ${(err as Error).message}`)
    }
  }
  const attachments = section(raw, 'attachments')
  if (attachments.maxBytes != null) c.attachments.maxBytes = parseSize(attachments.maxBytes, 'attachments.maxBytes')
  const limits = section(raw, 'limits')
  for (const key of ['maxConnections', 'maxConnectionsPerIp', 'connectionRatePerIp', 'requestsPerMinute', 'maxStreamsPerConnection', 'gossipTopicsPerPeer', 'groupTopics'] as const) {
    if (limits[key] != null) c.limits[key] = positiveInt(limits[key], `limits.${key}`)
  }
  if (limits.identifyMaxMessage != null) c.limits.identifyMaxMessageBytes = parseSize(limits.identifyMaxMessage, 'limits.identifyMaxMessage')
  if (limits.gossipMaxMessage != null) c.limits.gossipMaxMessageBytes = parseSize(limits.gossipMaxMessage, 'limits.gossipMaxMessage')
  if (limits.limitLoopback != null) c.limits.limitLoopback = limits.limitLoopback === true
  const relay = section(raw, 'relay')
  if (relay.maxReservations != null) c.relay.maxReservations = positiveInt(relay.maxReservations, 'relay.maxReservations')
  if (relay.dataLimit != null) c.relay.dataLimitBytes = parseSize(relay.dataLimit, 'relay.dataLimit')
  if (relay.durationLimit != null) c.relay.durationLimitMs = parseDuration(relay.durationLimit, 'relay.durationLimit')
  return c
}

export function loadConfigFile (path: string): RendezvousConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${(err as Error).message}`)
  }
  if (raw != null && (typeof raw !== 'object' || Array.isArray(raw))) throw new ConfigError(`config file ${path} must be a mapping`)
  return resolveConfig((raw ?? {}) as Raw)
}
