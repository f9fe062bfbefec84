// The config file's schema: every key the node reads, with its default and constraints. Objects are
// strict, so a misspelt key stops the node instead of leaving the default silently in place.
// Keys as operators write them (`retention: 30d`); config.ts turns the result into RendezvousConfig.
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { billingSchema, mailboxLimitsSchema, plansSchema } from './billing/billing-config.ts'
import { count, duration, hostPort, size, text } from './config-values.ts'

function isMultiaddr (value: string): boolean {
  try {
    multiaddr(value)
    return true
  } catch {
    return false
  }
}

const addr = z.string({ error: 'expected a multiaddr like /ip4/0.0.0.0/tcp/7701' }).refine(isMultiaddr, { error: 'expected a multiaddr like /ip4/0.0.0.0/tcp/7701' })
const iceUrl = z.string({ error: 'expected a stun:, stuns:, turn: or turns: URL' }).regex(/^(stun|stuns|turn|turns):/, { error: 'expected a stun:, stuns:, turn: or turns: URL' })

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const limitsSchema = z.strictObject({
  maxConnections: count().default(512),
  maxConnectionsPerIp: count().default(32),
  /** Count loopback too (off: reverse proxies connect from 127.0.0.1). */
  limitLoopback: z.boolean({ error: 'expected true or false' }).default(false),
  connectionRatePerIp: count().default(10),
  requestsPerMinute: count().default(600),
  // Several households behind one carrier-grade NAT share a /24: a few hundred busy clients' worth.
  requestsPerMinutePerNetwork: count().default(6000),
  // Clients resolve an @username on every send to it (and per member when creating a group);
  // enumerating usernames needs millions of lookups.
  resolvesPerMinute: count().default(60),
  resolvesPerMinutePerNetwork: count().default(300),
  resolvesPerMinutePerAccount: count().default(120),
  // A contact sync is two requests (salt, then up to 1000 hashes); harvesting needs millions of hashes.
  discoveriesPerMinute: count().default(10),
  discoveriesPerMinutePerNetwork: count().default(30),
  discoveriesPerMinutePerAccount: count().default(20),
  signUpsPerMinutePerNetwork: count().default(10),
  maxStreamsPerConnection: count().default(256),
  identifyMaxMessage: size().default(4096),
  gossipTopicsPerPeer: count().default(256),
  groupTopics: count().default(10_000),
  gossipMaxMessage: size().default(128 * 1024),
  oneTimePrekeysPerTargetPerHour: count().default(10),
  dhtMaxRecords: count().default(50_000),
  dhtMaxProviderRecords: count().default(1_000)
}).prefault({}).transform(({ identifyMaxMessage, gossipMaxMessage, ...rest }) => ({ ...rest, identifyMaxMessageBytes: identifyMaxMessage, gossipMaxMessageBytes: gossipMaxMessage }))

const smtpSchema = z.strictObject({
  host: text(),
  /** Unset: 465 with implicit TLS, else 587. */
  port: count({ max: 65535 }).optional(),
  tls: z.enum(['implicit', 'starttls', 'none'], { error: 'expected one of implicit, starttls, none' }).default('starttls'),
  user: text().optional(),
  pass: text().optional(),
  from: text()
}).refine(s => (s.user == null) === (s.pass == null), { error: 'user and pass go together' })
  .transform(({ port, ...s }) => ({ ...s, port: port ?? (s.tls === 'implicit' ? 465 : 587) }))

export const configSchema = z.strictObject({
  listen: z.array(addr, { error: 'expected a list of multiaddrs' }).default(['/ip4/127.0.0.1/tcp/7701', '/ip4/127.0.0.1/tcp/7702/ws']),
  store: z.string({ error: 'expected sqlite:PATH or postgres://USER@HOST:PORT/DB' })
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/i, { error: 'expected sqlite:PATH or postgres://USER@HOST:PORT/DB' }).optional(),
  tls: z.strictObject({ cert: text(), key: text() }).transform(t => ({ certFile: t.cert, keyFile: t.key })).optional(),
  http: z.union([hostPort('expected "host:port" or false'), z.literal(false)], { error: 'expected "host:port" or false' }).default('127.0.0.1:8787'),
  metrics: z.union([hostPort('expected "host:port" or false'), z.literal(false)], { error: 'expected "host:port" or false' }).optional(),
  bootstrap: z.array(addr, { error: 'expected a list of rendezvous multiaddrs' }).default([]),
  iceServers: z.array(z.strictObject({
    urls: z.union([iceUrl, z.array(iceUrl).min(1)], { error: 'expected a stun:/turn: URL or a list of them' }),
    username: z.string({ error: 'expected text' }).optional(),
    credential: z.string({ error: 'expected text' }).optional()
  }), { error: 'expected a list of {urls, username?, credential?}' }).default([]),
  privateNetwork: z.boolean({ error: 'expected true or false' }).default(true),
  mailbox: mailboxLimitsSchema.optional(),
  plans: plansSchema.optional(),
  billing: billingSchema,
  attachments: z.strictObject({
    maxBytes: size().default(25 * 1024 * 1024),
    totalBytes: size().default(10 * 1024 ** 3),
    retention: duration().default(7 * 86_400_000)
  }).prefault({}),
  relay: z.strictObject({
    maxReservations: count().default(1024),
    dataLimit: size().default(1024 * 1024),
    durationLimit: duration().default(10 * 60_000)
  }).prefault({}).transform(r => ({ maxReservations: r.maxReservations, dataLimitBytes: r.dataLimit, durationLimitMs: r.durationLimit })),
  limits: limitsSchema,
  sweepInterval: duration().default(60_000),
  logPurgeInterval: duration().default(3_600_000),
  // A block made with `babacloud admin block` takes effect on a running node within this time.
  blocklistRefreshInterval: duration().default(5_000),
  policy: z.strictObject({
    version: count().default(1),
    text: z.string({ error: 'expected text' }).optional(),
    file: text().optional()
  }).refine(p => p.text == null || p.file == null, { error: 'text and file exclude each other' }).prefault({}),
  smtp: smtpSchema.optional(),
  logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('warn')
}, { error: 'expected a mapping of keys' })

export type ConfigFile = z.output<typeof configSchema>
