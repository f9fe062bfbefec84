// A rendezvous node: libp2p host (TCP + WebSockets), circuit relay server, DHT server, gossipsub,
// the mailbox, and an HTTP port for the web app, health and metrics.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServer as createHttpsServer } from 'node:https'
import { serve } from '@hono/node-server'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { ConfigError, resolveConfig } from './config.ts'
import { createHttpApp } from './http/http-app.ts'
import { MailboxService } from './mailbox/mailbox-service.ts'
import { BlobService } from './blobs/blob-service.ts'
import { withBlobQuota } from './blobs/blob-store.ts'
import { SqliteBlobStore } from './blobs/sqlite-blob-store.ts'
import { PostgresBlobStore } from './blobs/postgres-blob-store.ts'
import { PostgresStore } from './storage/postgres-store.ts'
import { GroupRelay } from './groups/group-relay.ts'
import { RendezvousMetrics } from './metrics.ts'
import { SqliteStore } from './storage/sqlite-store.ts'
import { AccountProtocol } from './accounts/account-protocol.ts'
import { HomeAnnouncer } from './federation/home-announcer.ts'
import { ipConnectionGater } from './limits/connection-gater.ts'
import { maskIp, silentLogger } from './logging.ts'
import type { Logger } from './logging.ts'
import { RateLimiter } from './limits/rate-limiter.ts'
import { AccountService } from './accounts/account-service.ts'
import { PrekeyProtocol } from './prekeys/prekey-protocol.ts'
import { PrekeyService } from './prekeys/prekey-service.ts'
import { openBillingStore, openPrekeyStore } from './storage/open-store.ts'
import type { PrekeyStore } from './prekeys/prekey-store.ts'
import { SqliteAccountStore } from './accounts/sqlite-account-store.ts'
import { createBilling } from './billing/index.ts'
import type { BillingComponents, BillingService } from './billing/index.ts'
import type { BillingStore } from './billing/billing-store.ts'
import type { AccountStore } from './accounts/account-store.ts'
import type { RendezvousConfig } from './config.ts'
import type { RendezvousStore } from './storage/store.ts'
import type { BlobStore } from './blobs/blob-store.ts'
import type { ChatNode, CreateChatNodeOptions } from '../protocol/mesh/create-node.ts'
import type { ServerType } from '@hono/node-server'
import type { Connection } from '@libp2p/interface'
import type { AddressInfo } from 'node:net'

export interface RendezvousNodeOptions {
  /** Holds the identity key, the SQLite store and rendezvous.json. */
  dataDir: string
  config?: RendezvousConfig
  /** Storage adapter; the embedded SQLite store under dataDir by default. */
  store?: RendezvousStore
  webRoot?: string
  /** Account storage; embedded SQLite (accounts.sqlite under dataDir) by default. */
  accountStore?: AccountStore
  /** Published prekeys; by default in the mailbox's PostgreSQL database when `store` is one, else prekeys.sqlite. */
  prekeyStore?: PrekeyStore
  /** Billing storage; by default the billing tables in the account store's database (SQLite or PostgreSQL). */
  billingStore?: BillingStore
  /** Attachment blobs; SQLite (in the mailbox's database when that is SQLite) by default. */
  blobStore?: BlobStore
  /** Operational log (pino); silent by default. Never given message content or full IPs. */
  log?: Logger
  /** Clock for expiry and log-retention decisions (tests). */
  now?: () => number
  /**
   * libp2p transports instead of TCP + WebSockets, e.g. `[memory()]` when a simulator runs
   * hundreds of peers in one process.
   */
  transports?: CreateChatNodeOptions['transports']
  /**
   * Connection manager overrides. Simulations and benchmarks bring many peers from one host at
   * once, which libp2p's defaults (5 inbound connections per second per host, 300 connections)
   * would refuse.
   */
  connectionManager?: CreateChatNodeOptions['connectionManager']
}

export interface RendezvousInfo {
  peerId: string
  multiaddrs: string[]
  http?: string
}

function loadIdentitySeed (dataDir: string): Uint8Array | undefined {
  const file = join(dataDir, 'identity.key')
  if (!existsSync(file)) return undefined
  const seed = readFileSync(file)
  return new Uint8Array(seed)
}

/** Reads the certificate and key for HTTPS and secure WebSockets, with a clear error if unreadable. */
function loadTls (tls: RendezvousConfig['tls']): { cert: Buffer, key: Buffer } | undefined {
  if (tls == null) return undefined
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file)
    } catch (err) {
      throw new ConfigError(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`)
    }
  }
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') }
}

/** Writes a file so that a crash leaves either the old or the new content, never a torn one. */
export function writeFileAtomic (path: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  renameSync(tmp, path)
}

export class RendezvousNode {
  readonly config: RendezvousConfig
  readonly dataDir: string
  #node?: ChatNode
  #store?: RendezvousStore
  #mailbox?: MailboxService
  #blobs?: BlobStore
  #blobService?: BlobService
  #groupRelay?: GroupRelay
  #http?: ServerType
  #httpUrl?: string
  #sweeper?: ReturnType<typeof setInterval>
  #logPurger?: ReturnType<typeof setInterval>
  #tls?: { cert: Buffer, key: Buffer }
  #metrics?: RendezvousMetrics
  #accountStore?: AccountStore
  #accounts?: AccountService
  #accountProtocol?: AccountProtocol
  #billing?: BillingComponents
  #home?: HomeAnnouncer
  #prekeyStore?: PrekeyStore
  #prekeyProtocol?: PrekeyProtocol
  readonly #options: RendezvousNodeOptions
  readonly #log: Logger

  constructor (options: RendezvousNodeOptions) {
    this.#options = options
    this.dataDir = options.dataDir
    this.config = options.config ?? resolveConfig()
    this.#log = options.log ?? silentLogger()
  }

  get node (): ChatNode {
    if (this.#node == null) throw new Error('rendezvous node is not started')
    return this.#node
  }

  /** The group hub (after start): which topics it relays, and for whom. */
  get groupRelay (): GroupRelay | undefined {
    return this.#groupRelay
  }

  get store (): RendezvousStore {
    if (this.#store == null) throw new Error('rendezvous node is not started')
    return this.#store
  }

  get accounts (): AccountService {
    if (this.#accounts == null) throw new Error('rendezvous node is not started')
    return this.#accounts
  }

  /** Plans and payments; `billing.limitsFor(peerId)` is what a peer may do here. */
  get billing (): BillingService {
    if (this.#billing == null) throw new Error('rendezvous node is not started or has no billing store')
    return this.#billing.service
  }

  get blobs (): BlobStore {
    if (this.#blobs == null) throw new Error('rendezvous node is not started')
    return this.#blobs
  }

  async start (): Promise<RendezvousInfo> {
    mkdirSync(this.dataDir, { recursive: true })
    let seed = loadIdentitySeed(this.dataDir)
    const identity = seed == null ? await DeviceIdentity.generate() : await DeviceIdentity.fromSeed(seed)
    if (seed == null) {
      seed = identity.toSeed()
      writeFileAtomic(join(this.dataDir, 'identity.key'), seed, 0o600)
      chmodSync(join(this.dataDir, 'identity.key'), 0o600)
    }
    this.#store = this.#options.store ?? new SqliteStore(join(this.dataDir, 'rendezvous.sqlite'))
    const { relay, limits } = this.config
    this.#tls = loadTls(this.config.tls)
    this.#node = await createChatNode({
      privateKey: identity.privateKey,
      transports: this.#options.transports ?? [tcp(), webSockets(this.#tls == null ? {} : { https: this.#tls })],
      connectionManager: this.#options.connectionManager ?? {
        maxConnections: limits.maxConnections,
        inboundConnectionThreshold: limits.connectionRatePerIp
      },
      connectionGater: ipConnectionGater({
        maxConnectionsPerIp: limits.maxConnectionsPerIp,
        exemptLoopback: !limits.limitLoopback,
        onLimit: limit => { this.#metrics?.limitHit(limit) }
      }),
      limits: {
        identifyMaxMessageBytes: limits.identifyMaxMessageBytes,
        // Gossipsub charges a topic its length plus 1 KiB: room for that many group topics (80 characters).
        gossipTopicBytesPerPeer: limits.gossipTopicsPerPeer * (1024 + 80),
        gossipMaxMessageBytes: limits.gossipMaxMessageBytes,
        maxStreamsPerConnection: limits.maxStreamsPerConnection
      },
      listen: this.config.listen,
      dhtServer: true,
      privateNetwork: this.config.privateNetwork,
      relayServer: {
        reservations: {
          maxReservations: relay.maxReservations,
          defaultDataLimit: BigInt(relay.dataLimitBytes),
          defaultDurationLimit: relay.durationLimitMs
        }
      }
    })
    const node = this.#node
    this.#metrics = new RendezvousMetrics({ store: this.#store, connectionCount: () => node.getConnections().length })
    this.#metrics.onLimitHit = limit => { this.#log.warn({ limit }, 'limit hit') }
    // Accounts and billing before the mailbox: it holds each deposit to its recipient's plan.
    this.#accountStore = this.#options.accountStore ?? new SqliteAccountStore(join(this.dataDir, 'accounts.sqlite'))
    const billing = createBilling({ accounts: this.#accountStore, mailbox: this.#store, config: this.config, store: this.#options.billingStore ?? await openBillingStore(this.#accountStore), now: this.#options.now })
    this.#billing = billing
    const home = new HomeAnnouncer(node)
    this.#home = home
    const blobs = this.#options.blobStore ?? await this.#openBlobs(this.#store)
    this.#blobs = blobs
    // Pending attachment blobs count against the same per-recipient byte quota as envelopes.
    this.#mailbox = new MailboxService({ node, store: withBlobQuota(this.#store, blobs, this.#options.now), limits: this.config.mailbox, quota: billing?.quota, metrics: this.#metrics, now: this.#options.now, rateLimit: new RateLimiter({ perMinute: limits.requestsPerMinute }), onFetch: peer => { home.announce(peer) } })
    await this.#mailbox.start()
    this.#blobService = new BlobService({ node, blobs, mailbox: this.#store, limits: this.config.mailbox, quota: billing?.quota, limitsFor: billing == null ? undefined : async peer => await billing.service.limitsFor(peer), maxBytes: this.config.attachments.maxBytes, sweepIntervalMs: this.config.sweepIntervalMs, metrics: this.#metrics, now: this.#options.now })
    await this.#blobService.start()
    this.#groupRelay = new GroupRelay({
      node,
      maxTopics: limits.groupTopics,
      maxTopicsPerPeer: limits.gossipTopicsPerPeer,
      // The topic owner's plan bounds how many members the node relays a group for.
      groupMaxMembers: billing == null ? undefined : async owner => (await billing.service.limitsFor(owner)).groupMaxMembers,
      rateLimit: new RateLimiter({ perMinute: limits.requestsPerMinute }),
      onLimit: limit => { this.#metrics?.limitHit(limit) },
      now: this.#options.now
    })
    await this.#groupRelay.start()
    this.#prekeyStore = this.#options.prekeyStore ?? await openPrekeyStore(this.#store, this.dataDir)
    this.#prekeyProtocol = new PrekeyProtocol(node, new PrekeyService({ store: this.#prekeyStore, now: this.#options.now }), this.#metrics)
    await this.#prekeyProtocol.start()
    const accounts = new AccountService({
      accounts: this.#accountStore,
      prekeys: this.#prekeyStore,
      mailbox: this.#store,
      blobs,
      policy: this.config.policy,
      nodePeerId: node.peerId.toString(),
      billing: billing?.service,
      now: this.#options.now
    })
    this.#accounts = accounts
    this.#accountProtocol = new AccountProtocol(node, accounts, this.#metrics, billing?.service)
    await this.#accountProtocol.start()
    node.addEventListener('connection:open', this.#onConnection)
    // Log data is kept 90 days at most: the node purges on its own schedule, starting now.
    const purgeLogs = (): void => {
      accounts.purgeLogs().catch(() => {})
      billing?.service.purge().catch(() => {})
    }
    purgeLogs()
    this.#logPurger = setInterval(purgeLogs, this.config.logPurgeIntervalMs)
    this.#logPurger.unref()
    if (this.config.http !== false) await this.#startHttp(this.config.http)
    const store = this.#store
    this.#sweeper = setInterval(() => { store.purgeExpired(this.#options.now?.()).catch(() => {}) }, this.config.sweepIntervalMs)
    this.#sweeper.unref()
    await this.#joinFederation(node)
    const info = this.info()
    writeFileAtomic(join(this.dataDir, 'rendezvous.json'), JSON.stringify(info, null, 2) + '\n')
    return info
  }

  /** Blobs live beside the mailbox: in its SQLite database or its PostgreSQL pool (shared by all instances). */
  async #openBlobs (store: RendezvousStore): Promise<BlobStore> {
    if (store instanceof SqliteStore) return new SqliteBlobStore(store.db)
    if (store instanceof PostgresStore) return await PostgresBlobStore.open(store.pool)
    return new SqliteBlobStore(join(this.dataDir, 'blobs.sqlite'))
  }

  async #startHttp (hostPort: string): Promise<void> {
    const m = /^(.*):(\d+)$/.exec(hostPort)
    if (m == null) throw new Error(`--http expects HOST:PORT, got ${hostPort}`)
    const [, host, port] = m
    const app = createHttpApp({
      peerId: () => this.node.peerId.toString(),
      multiaddrs: () => this.node.getMultiaddrs().map(ma => ma.toString()),
      policy: () => this.config.policy,
      metricsText: async () => await this.metricsText(),
      stripeWebhook: this.#billing == null ? undefined : this.#billing.service.handleWebhook.bind(this.#billing.service),
      webRoot: this.#options.webRoot
    })
    const tls = this.#tls
    await new Promise<void>((resolve, reject) => {
      const options = { fetch: app.fetch, hostname: host, port: Number(port), ...(tls == null ? {} : { createServer: createHttpsServer, serverOptions: tls }) }
      const server = serve(options, (info: AddressInfo) => {
        this.#httpUrl = `${tls == null ? 'http' : 'https'}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`
        resolve()
      })
      server.once('error', reject)
      this.#http = server
    })
  }

  /** Dials the configured peer nodes so the DHT spans them; one unreachable peer is not fatal. */
  async #joinFederation (node: ChatNode): Promise<void> {
    await Promise.all(this.config.bootstrap.map(async addr => {
      try {
        await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) })
      } catch (err) {
        node.logger.forComponent('babacloud:federation').error('cannot reach bootstrap node %s - %e', addr, err)
      }
    }))
  }

  /** The Prometheus text served on /metrics. */
  async metricsText (): Promise<string> {
    if (this.#metrics == null) throw new Error('rendezvous node is not started')
    return await this.#metrics.text()
  }

  info (): RendezvousInfo {
    return {
      peerId: this.node.peerId.toString(),
      multiaddrs: this.node.getMultiaddrs().map(ma => ma.toString()),
      ...(this.#httpUrl != null ? { http: this.#httpUrl } : {})
    }
  }

  readonly #onConnection = (evt: CustomEvent<Connection>): void => {
    const conn = evt.detail
    const ip = conn.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value ?? 'relayed'
    this.#log.debug({ peer: conn.remotePeer.toString(), network: ip === 'relayed' ? ip : maskIp(ip) }, 'connection opened')
    this.#accounts?.recordConnection(conn.remotePeer.toString(), ip).catch(() => {})
  }

  /** Stops accepting work, then closes storage: every acked deposit is already committed. */
  async stop (): Promise<void> {
    clearInterval(this.#sweeper)
    clearInterval(this.#logPurger)
    this.#home?.stop()
    this.#node?.removeEventListener('connection:open', this.#onConnection)
    await this.#accountProtocol?.stop().catch(() => {})
    await this.#prekeyProtocol?.stop().catch(() => {})
    if (this.#http != null) {
      const http = this.#http
      await new Promise<void>(resolve => {
        http.close(() => { resolve() })
        if ('closeAllConnections' in http) http.closeAllConnections()
      })
    }
    await this.#mailbox?.stop().catch(() => {})
    await this.#blobService?.stop().catch(() => {})
    await this.#groupRelay?.stop().catch(() => {})
    await this.#node?.stop()
    await this.#blobs?.close()
    await this.#store?.close()
    await this.#accountStore?.close()
    await this.#prekeyStore?.close()
    this.#prekeyStore = undefined
    this.#node = undefined
    this.#store = undefined
    this.#accountStore = undefined
  }
}
