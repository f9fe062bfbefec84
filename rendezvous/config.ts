// The rendezvous node's configuration: defaults, an optional YAML/JSON file, then command-line flags.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { resolveBilling, resolvePlans } from './billing/billing-config.ts'
import { ConfigError, parseDuration, parseSize } from './config-values.ts'
import { parseIceServer } from '../protocol/rendezvous-api.ts'
import type { IceServer } from '../protocol/rendezvous-api.ts'
import { DEFAULT_BILLING, DEFAULT_PLANS } from './billing/plans.ts'
import type { BillingConfig, Plans } from './billing/plans.ts'

/** The SMTP server that sends email verification codes (rendezvous/accounts/code-sender.ts). */
export interface SmtpConfig {
  host: string
  port: number
  /** `implicit`: TLS from the start (port 465); `starttls`: upgrade and refuse to send without it; `none`: cleartext, for a relay on the same host. */
  tls: 'implicit' | 'starttls' | 'none'
  user?: string
  pass?: string
  /** The sender address, e.g. `BabaCloud Chat <noreply@chat.example.org>`. */
  from: string
}

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
  /** HTTP host:port for the web app, /healthz (and /metrics while it is loopback); `false` disables it. */
  http: string | false
  /**
   * host:port of a listener for /metrics alone. Unset: /metrics is on the HTTP listener when that is
   * loopback, else on DEFAULT_METRICS_LISTENER (never on a public web app's port); `false`: nowhere.
   */
  metrics?: string | false
  /** Other rendezvous nodes to join in one DHT, so their users and ours can reach each other. */
  bootstrap: string[]
  /** STUN/TURN servers browsers use for WebRTC, served on /api/rendezvous; none by default. */
  iceServers: IceServer[]
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
  /**
   * Attachment ciphertext stored for offline recipients. It counts against its uploader's plan
   * (`mailbox.maxBytes` of bytes waiting, `depositsPerMinute`), never the recipient's mailbox.
   */
  attachments: {
    /** Largest single attachment accepted, bytes. */
    maxBytes: number
    /** Every blob on this node together, bytes (STORAGE_FULL beyond it; in /metrics). */
    totalBytes: number
    /** How long an unclaimed blob waits, ms; shorter than messages, and never longer than the mailbox's. */
    retentionMs: number
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
    /** Requests per minute all peers of one network (IPv4 /24, IPv6 /48) may make on each protocol. */
    requestsPerMinutePerNetwork: number
    /** `@username` lookups (RESOLVE) per minute: per peer, per network, per account. */
    resolvesPerMinute: number
    resolvesPerMinutePerNetwork: number
    resolvesPerMinutePerAccount: number
    /** Contact discoveries (DISCOVER, up to 1000 hashes each; a salt request counts too) per minute. */
    discoveriesPerMinute: number
    discoveriesPerMinutePerNetwork: number
    discoveriesPerMinutePerAccount: number
    /** Sign-ups plus device links per minute from one network (each peer: 5 a minute). */
    signUpsPerMinutePerNetwork: number
    maxStreamsPerConnection: number
    identifyMaxMessageBytes: number
    /** Topics one remote peer may have gossipsub track, and group topics the node relays for one peer. */
    gossipTopicsPerPeer: number
    /** Group topics the node relays in all (each joined only for a peer that proved membership). */
    groupTopics: number
    gossipMaxMessageBytes: number
    /** One-time prekeys the node hands out per device per hour, whoever asks; then last-resort bundles. */
    oneTimePrekeysPerTargetPerHour: number
    /** DHT value records (users' signed home records) this node keeps for the federation. */
    dhtMaxRecords: number
    /** DHT provider records this node keeps for others; BabaCloud itself uses none. */
    dhtMaxProviderRecords: number
  }
  /** How often expired envelopes are purged. */
  sweepIntervalMs: number
  /** How often log data older than 90 days is purged. */
  logPurgeIntervalMs: number
  /** The privacy policy served to clients; a new version makes them show a notice. */
  policy: { version: number, text: string }
  /** Email verification codes go out here; unset, emails stay undiscoverable profile data. */
  smtp?: SmtpConfig
  logLevel: string
}

const DEFAULT_POLICY_TEXT = `BabaCloud Chat privacy policy (summary)
- Private chats are end-to-end encrypted: this node sees only sender, recipient, time and size.
- Messages are stored on this node only until they are delivered (or their retention ends).
- Log data (IP address, access times) is kept 90 days at most.
- You can export, correct and delete your data, restrict processing and opt out of marketing.
- Nobody under 13 may use the service. Card data is never stored here; a payment processor handles it.`

/** Where /metrics goes when the web app's listener is public and `metrics` is unset. */
export const DEFAULT_METRICS_LISTENER = '127.0.0.1:8788'

export const DEFAULT_CONFIG: RendezvousConfig = {
  listen: ['/ip4/127.0.0.1/tcp/7701', '/ip4/127.0.0.1/tcp/7702/ws'],
  http: '127.0.0.1:8787',
  bootstrap: [],
  iceServers: [],
  privateNetwork: true,
  // A ceiling over all plans; each plan's own limits (plans.free: 1000 messages, 50MB, 30d) apply below it.
  mailbox: { ...DEFAULT_PLANS.premium.mailbox },
  plans: DEFAULT_PLANS,
  billing: DEFAULT_BILLING,
  attachments: { maxBytes: 25 * 1024 * 1024, totalBytes: 10 * 1024 ** 3, retentionMs: 7 * 86_400_000 },
  relay: { maxReservations: 1024, dataLimitBytes: 1024 * 1024, durationLimitMs: 10 * 60_000 },
  limits: {
    maxConnections: 512,
    maxConnectionsPerIp: 32,
    limitLoopback: false,
    connectionRatePerIp: 10,
    requestsPerMinute: 600,
    // Several households behind one carrier-grade NAT share a /24: a few hundred busy clients' worth.
    requestsPerMinutePerNetwork: 6000,
    // Clients resolve an @username on every send to it (and per member when creating a group);
    // enumerating usernames needs millions of lookups.
    resolvesPerMinute: 60,
    resolvesPerMinutePerNetwork: 300,
    resolvesPerMinutePerAccount: 120,
    // A contact sync is two requests (salt, then up to 1000 hashes); harvesting needs millions of hashes.
    discoveriesPerMinute: 10,
    discoveriesPerMinutePerNetwork: 30,
    discoveriesPerMinutePerAccount: 20,
    signUpsPerMinutePerNetwork: 10,
    maxStreamsPerConnection: 256,
    identifyMaxMessageBytes: 4096,
    gossipTopicsPerPeer: 256,
    groupTopics: 10_000,
    gossipMaxMessageBytes: 128 * 1024,
    oneTimePrekeysPerTargetPerHour: 10,
    dhtMaxRecords: 50_000,
    dhtMaxProviderRecords: 1_000
  },
  sweepIntervalMs: 60_000,
  logPurgeIntervalMs: 3_600_000,
  policy: { version: 1, text: DEFAULT_POLICY_TEXT },
  logLevel: 'warn'
}

export { ConfigError, parseDuration, parseSize }

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

const SMTP_TLS = ['implicit', 'starttls', 'none'] as const

function resolveSmtp (smtp: Raw): SmtpConfig {
  const text = (key: string): string | undefined => {
    const v = smtp[key]
    if (v == null) return undefined
    if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`smtp.${key}: expected text`)
    return v
  }
  const host = text('host')
  const from = text('from')
  if (host == null || from == null) throw new ConfigError('smtp: needs host and from')
  const tls = smtp.tls ?? 'starttls'
  if (!SMTP_TLS.includes(tls as SmtpConfig['tls'])) throw new ConfigError(`smtp.tls: expected one of ${SMTP_TLS.join(', ')}`)
  const user = text('user')
  const pass = text('pass')
  if ((user == null) !== (pass == null)) throw new ConfigError('smtp: user and pass go together')
  const port = smtp.port == null ? (tls === 'implicit' ? 465 : 587) : positiveInt(smtp.port, 'smtp.port')
  if (port > 65535) throw new ConfigError('smtp.port: at most 65535')
  return { host, port, tls: tls as SmtpConfig['tls'], from, ...(user == null ? {} : { user, pass }) }
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
  if (raw.metrics != null) {
    if (raw.metrics !== false && (typeof raw.metrics !== 'string' || !/^.+:\d+$/.test(raw.metrics))) throw new ConfigError('metrics: expected "host:port" or false')
    c.metrics = raw.metrics as string | false
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
  if (raw.iceServers != null) {
    if (!Array.isArray(raw.iceServers)) throw new ConfigError('iceServers: expected a list of {urls, username?, credential?}')
    c.iceServers = raw.iceServers.map((server, i) => {
      try {
        return parseIceServer(server, `iceServers[${i}]`)
      } catch (err) {
        throw new ConfigError((err as Error).message)
      }
    })
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
  if (raw.smtp != null) c.smtp = resolveSmtp(section(raw, 'smtp'))
  const attachments = section(raw, 'attachments')
  if (attachments.maxBytes != null) c.attachments.maxBytes = parseSize(attachments.maxBytes, 'attachments.maxBytes')
  if (attachments.totalBytes != null) c.attachments.totalBytes = parseSize(attachments.totalBytes, 'attachments.totalBytes')
  if (attachments.retention != null) c.attachments.retentionMs = parseDuration(attachments.retention, 'attachments.retention')
  if (c.attachments.totalBytes < c.attachments.maxBytes) throw new ConfigError(`attachments.totalBytes (${c.attachments.totalBytes}) must be at least attachments.maxBytes (${c.attachments.maxBytes})`)
  if (c.attachments.retentionMs <= 0) throw new ConfigError('attachments.retention: must be longer than zero')
  // Unclaimed blobs never outlive messages: the mailbox's retention caps them.
  c.attachments.retentionMs = Math.min(c.attachments.retentionMs, c.mailbox.retentionMs)
  const limits = section(raw, 'limits')
  for (const key of ['maxConnections', 'maxConnectionsPerIp', 'connectionRatePerIp', 'requestsPerMinute', 'requestsPerMinutePerNetwork', 'resolvesPerMinute', 'resolvesPerMinutePerNetwork', 'resolvesPerMinutePerAccount', 'discoveriesPerMinute', 'discoveriesPerMinutePerNetwork', 'discoveriesPerMinutePerAccount', 'signUpsPerMinutePerNetwork', 'maxStreamsPerConnection', 'gossipTopicsPerPeer', 'groupTopics'] as const) {
    if (limits[key] != null) c.limits[key] = positiveInt(limits[key], `limits.${key}`)
  }
  if (limits.identifyMaxMessage != null) c.limits.identifyMaxMessageBytes = parseSize(limits.identifyMaxMessage, 'limits.identifyMaxMessage')
  if (limits.gossipMaxMessage != null) c.limits.gossipMaxMessageBytes = parseSize(limits.gossipMaxMessage, 'limits.gossipMaxMessage')
  if (limits.limitLoopback != null) c.limits.limitLoopback = limits.limitLoopback === true
  if (limits.oneTimePrekeysPerTargetPerHour != null) c.limits.oneTimePrekeysPerTargetPerHour = positiveInt(limits.oneTimePrekeysPerTargetPerHour, 'limits.oneTimePrekeysPerTargetPerHour')
  for (const key of ['dhtMaxRecords', 'dhtMaxProviderRecords'] as const) {
    if (limits[key] != null) c.limits[key] = positiveInt(limits[key], `limits.${key}`)
  }
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
