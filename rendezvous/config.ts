// The rendezvous node's configuration: defaults, an optional YAML/JSON file (checked against
// config-schema.ts), then command-line flags.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { resolveBilling, resolvePlans } from './billing/billing-config.ts'
import { configSchema } from './config-schema.ts'
import { firstIssue } from './config-issues.ts'
import { ConfigError, parseDuration, parseSize } from './config-values.ts'
import type { IceServer } from '../protocol/rendezvous-api.ts'
import { DEFAULT_PLANS } from './billing/plans.ts'
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
  /** How often a running node re-reads the operator's blocklist (`babacloud admin block`). */
  blocklistRefreshIntervalMs: number
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

export { ConfigError, parseDuration, parseSize }

/** Where a config came from, for error messages: `config.yaml: mailbox.maxMessages: …`. */
export interface ConfigSource {
  file?: string
}

function fail (key: string, expected: string, source: ConfigSource): never {
  throw new ConfigError(`${source.file != null ? `${source.file}: ` : ''}${key}: ${expected}`, { file: source.file, key })
}

/**
 * Checks a parsed config document against the schema and merges it over the defaults. Anything
 * unknown, mistyped or impossible throws a ConfigError naming the key (and the file, if given).
 */
export function resolveConfig (raw: unknown = {}, source: ConfigSource = {}): RendezvousConfig {
  const parsed = configSchema.safeParse(raw ?? {}, { reportInput: true })
  if (!parsed.success) {
    const issue = firstIssue(parsed.error, configSchema)
    fail(issue.key === '' ? '(top level)' : issue.key, issue.expected, source)
  }
  const f = parsed.data
  try {
    // The ceiling starts at the largest default plan; keys set in `mailbox:` also become free's defaults.
    const ceiling = { ...DEFAULT_PLANS.premium.mailbox }
    const set = { maxMessages: f.mailbox?.maxMessages, maxBytes: f.mailbox?.maxBytes, retentionMs: f.mailbox?.retention }
    const explicit = new Set<keyof typeof ceiling>()
    for (const key of ['maxMessages', 'maxBytes', 'retentionMs'] as const) {
      const value = set[key]
      if (value == null) continue
      ceiling[key] = value
      explicit.add(key)
    }
    const { plans, ceiling: mailbox } = resolvePlans(f.plans, ceiling, explicit)
    const billing = resolveBilling(f.billing, plans)
    const a = f.attachments
    if (a.totalBytes < a.maxBytes) fail('attachments.totalBytes', `must be at least attachments.maxBytes (${a.maxBytes}), got ${a.totalBytes}`, source)
    let policyText = f.policy.text ?? DEFAULT_POLICY_TEXT
    if (f.policy.file != null) {
      try {
        policyText = readFileSync(f.policy.file, 'utf8')
      } catch (err) {
        fail('policy.file', `cannot read ${f.policy.file}: ${(err as Error).message}`, source)
      }
    }
    return {
      listen: f.listen,
      ...(f.store != null ? { store: f.store } : {}),
      ...(f.tls != null ? { tls: f.tls } : {}),
      http: f.http,
      ...(f.metrics != null ? { metrics: f.metrics } : {}),
      bootstrap: f.bootstrap,
      iceServers: f.iceServers,
      privateNetwork: f.privateNetwork,
      mailbox,
      plans,
      billing,
      // Unclaimed blobs never outlive messages: the mailbox's retention caps them.
      attachments: { maxBytes: a.maxBytes, totalBytes: a.totalBytes, retentionMs: Math.min(a.retention, mailbox.retentionMs) },
      relay: f.relay,
      limits: f.limits,
      sweepIntervalMs: f.sweepInterval,
      logPurgeIntervalMs: f.logPurgeInterval,
      blocklistRefreshIntervalMs: f.blocklistRefreshInterval,
      policy: { version: f.policy.version, text: policyText },
      ...(f.smtp != null ? { smtp: f.smtp } : {}),
      logLevel: f.logLevel
    }
  } catch (err) {
    // Cross-key checks (billing prices) name their key; give them the file too.
    if (err instanceof ConfigError && err.file == null && source.file != null && err.key != null) throw new ConfigError(`${source.file}: ${err.message}`, { file: source.file, key: err.key })
    throw err
  }
}

/** The defaults: what a node runs with when no config file is given. */
export const DEFAULT_CONFIG: RendezvousConfig = resolveConfig()

/** Reads, parses and checks a YAML or JSON config file; any problem is one line naming the file. */
export function loadConfigFile (path: string): RendezvousConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { file: path })
  }
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`, { file: path })
  }
  return resolveConfig(raw ?? {}, { file: path })
}
