// A rendezvous node: libp2p host (TCP + WebSockets), circuit relay server, DHT server, gossipsub,
// the mailbox, and an HTTP port for the web app, health and metrics.
// node:crypto behind protocol/ before any key is used (docs/performance.md, "Crypto backends").
import './crypto/install.ts'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { ConfigError, DEFAULT_METRICS_LISTENER, resolveConfig } from './config.ts'
import { createHttpApp, createMetricsApp } from './http/http-app.ts'
import { closeHttpListener, metricsPlacement, startHttpListener } from './http/http-server.ts'
import { libp2pListenError } from './listen-error.ts'
import type { HttpListener } from './http/http-server.ts'
import { MailboxService } from './mailbox/mailbox-service.ts'
import { BlobService } from './blobs/blob-service.ts'
import { SqliteBlobStore } from './blobs/sqlite-blob-store.ts'
import { PostgresBlobStore } from './blobs/postgres-blob-store.ts'
import { PostgresStore } from './storage/postgres-store.ts'
import { GroupRelay } from './groups/group-relay.ts'
import { RendezvousMetrics } from './metrics.ts'
import { SqliteStore } from './storage/sqlite-store.ts'
import { PRIVATE_FILE_MODE, securePrivateDir } from './storage/private-files.ts'
import { AccountProtocol } from './accounts/account-protocol.ts'
import { HomeRepublisher } from './federation/home-republisher.ts'
import { ipConnectionGater } from './limits/connection-gater.ts'
import { maskIp, silentLogger } from './logging.ts'
import type { Logger } from './logging.ts'
import { createNodeLimits } from './limits/node-limits.ts'
import { AccountService } from './accounts/account-service.ts'
import { SmtpCodeSender } from './accounts/code-sender.ts'
import type { CodeSenders } from './accounts/code-sender.ts'
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
import type { Connection } from '@libp2p/interface'

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
  /**
   * Verification code senders. Email defaults to SMTP when the config has `smtp`; phone numbers
   * need a sender plugged in here (an SMS gateway). A kind without a sender cannot be verified.
   */
  codeSenders?: CodeSenders
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
  /** Where /metrics is served: on the HTTP listener when that is loopback, else on its own. */
  metrics?: string
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

/**
 * Writes a file so that a crash leaves either the old or the new content, never a torn one.
 * Owner-only by default; the mode is set exactly, whatever the umask.
 */
export function writeFileAtomic (path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  chmodSync(tmp, mode)
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
  #http?: HttpListener
  #metricsHttp?: HttpListener
  #metricsOnHttp = false
  #sweeper?: ReturnType<typeof setInterval>
  #logPurger?: ReturnType<typeof setInterval>
  #tls?: { cert: Buffer, key: Buffer }
  #metrics?: RendezvousMetrics
  #accountStore?: AccountStore
  #accounts?: AccountService
  #accountProtocol?: AccountProtocol
  #billing?: BillingComponents
  #home?: HomeRepublisher
  #prekeyStore?: PrekeyStore
  #prekeyProtocol?: PrekeyProtocol
  #smtp?: SmtpCodeSender
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
    // 0700 / 0600 for everything in it, also what an older version left readable to others.
    securePrivateDir(this.dataDir)
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
        onLimit: this.#limitHit
      }),
      limits: {
        identifyMaxMessageBytes: limits.identifyMaxMessageBytes,
        // Gossipsub charges a topic its length plus 1 KiB: room for that many group topics (80 characters).
        gossipTopicBytesPerPeer: limits.gossipTopicsPerPeer * (1024 + 80),
        gossipMaxMessageBytes: limits.gossipMaxMessageBytes,
        maxStreamsPerConnection: limits.maxStreamsPerConnection,
        dhtMaxRecords: limits.dhtMaxRecords,
        dhtMaxProviderRecords: limits.dhtMaxProviderRecords
      },
      now: this.#options.now,
      onLimit: this.#limitHit,
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
      // libp2p's listen error is a paragraph: name the busy address instead.
    }).catch(err => { throw libp2pListenError(err) })
    const node = this.#node
    this.#metrics = new RendezvousMetrics({ store: this.#store, connectionCount: () => node.getConnections().length })
    this.#metrics.onLimitHit = limit => { this.#log.warn({ limit }, 'limit hit') }
    // One set of limits for every protocol: per PeerId, per network (/24, /48) and per account.
    const requestLimits = createNodeLimits(limits, { now: this.#options.now, onLimit: this.#limitHit })
    // Accounts and billing before the mailbox: it holds each deposit to its recipient's plan.
    this.#accountStore = this.#options.accountStore ?? new SqliteAccountStore(join(this.dataDir, 'accounts.sqlite'))
    const billing = createBilling({ accounts: this.#accountStore, mailbox: this.#store, config: this.config, store: this.#options.billingStore ?? await openBillingStore(this.#accountStore), now: this.#options.now })
    this.#billing = billing
    const home = new HomeRepublisher({ node, now: this.#options.now })
    this.#home = home
    const blobs = this.#options.blobStore ?? await this.#openBlobs(this.#store)
    this.#blobs = blobs
    // Blobs are the uploader's burden (its plan, the node's blob budget), never the recipient's quota.
    this.#mailbox = new MailboxService({ node, store: this.#store, limits: this.config.mailbox, quota: billing?.quota, metrics: this.#metrics, now: this.#options.now, rateLimit: requestLimits.mailbox, requester: requestLimits.requester, onFetch: peer => { home.seen(peer) } })
    await this.#mailbox.start()
    const attachments = this.config.attachments
    const clock = this.#options.now ?? Date.now
    this.#metrics.watchBlobs(blobs, attachments.totalBytes, clock)
    this.#blobService = new BlobService({
      node,
      blobs,
      limits: this.config.mailbox,
      quota: billing?.quota,
      limitsFor: billing == null ? undefined : async peer => await billing.service.limitsFor(peer),
      rateLimit: requestLimits.blobs,
      requester: requestLimits.requester,
      maxBytes: attachments.maxBytes,
      totalBytes: attachments.totalBytes,
      retentionMs: attachments.retentionMs,
      sweepIntervalMs: this.config.sweepIntervalMs,
      metrics: this.#metrics,
      now: this.#options.now
    })
    await this.#blobService.start()
    this.#groupRelay = new GroupRelay({
      node,
      maxTopics: limits.groupTopics,
      maxTopicsPerPeer: limits.gossipTopicsPerPeer,
      // The topic owner's plan bounds how many members the node relays a group for.
      groupMaxMembers: billing == null ? undefined : async owner => (await billing.service.limitsFor(owner)).groupMaxMembers,
      rateLimit: requestLimits.groupRelay,
      requester: requestLimits.requester,
      onLimit: this.#limitHit,
      now: this.#options.now
    })
    await this.#groupRelay.start()
    this.#prekeyStore = this.#options.prekeyStore ?? await openPrekeyStore(this.#store, this.dataDir)
    this.#prekeyProtocol = new PrekeyProtocol(node, new PrekeyService({
      store: this.#prekeyStore,
      now: this.#options.now,
      limits: { oneTimePerTargetPerHour: this.config.limits.oneTimePrekeysPerTargetPerHour },
      onLimit: this.#limitHit
    }), this.#metrics, requestLimits.requester)
    await this.#prekeyProtocol.start()
    this.#smtp = this.config.smtp == null ? undefined : new SmtpCodeSender(this.config.smtp)
    const accounts = new AccountService({
      accounts: this.#accountStore,
      senders: { ...(this.#smtp == null ? {} : { email: this.#smtp }), ...this.#options.codeSenders },
      prekeys: this.#prekeyStore,
      mailbox: this.#store,
      blobs,
      policy: this.config.policy,
      nodePeerId: node.peerId.toString(),
      billing: billing?.service,
      now: this.#options.now
    })
    this.#accounts = accounts
    this.#accountProtocol = new AccountProtocol(node, accounts, this.#metrics, billing?.service, {
      limits: requestLimits,
      accountOf: async peer => (await this.#accountStore?.getAccountByDevice(peer))?.id
    })
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
    await this.#startHttp()
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

  /**
   * The web app's listener, and /metrics: on it while it is loopback-only, else on a listener of its
   * own (`metrics`, loopback by default), so a public node does not publish its counters.
   */
  async #startHttp (): Promise<void> {
    const metricsText = async (): Promise<string> => await this.metricsText()
    const hostPort = this.config.http
    const placement = metricsPlacement(hostPort, this.config.metrics, DEFAULT_METRICS_LISTENER)
    if (placement.listener != null) this.#metricsHttp = await startHttpListener(createMetricsApp(metricsText), placement.listener, '--metrics')
    if (hostPort === false) return
    this.#metricsOnHttp = placement.onHttp
    const app = createHttpApp({
      peerId: () => this.node.peerId.toString(),
      multiaddrs: () => this.node.getMultiaddrs().map(ma => ma.toString()),
      iceServers: () => this.config.iceServers,
      policy: () => this.config.policy,
      metricsText: this.#metricsOnHttp ? metricsText : undefined,
      tls: this.#tls != null,
      stripeWebhook: this.#billing == null ? undefined : this.#billing.service.handleWebhook.bind(this.#billing.service),
      webRoot: this.#options.webRoot
    })
    this.#http = await startHttpListener(app, hostPort, '--http', this.#tls)
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
      ...(this.#http != null ? { http: this.#http.url } : {}),
      ...(this.#metricsHttp != null ? { metrics: `${this.#metricsHttp.url}/metrics` } : this.#http != null && this.#metricsOnHttp ? { metrics: `${this.#http.url}/metrics` } : {})
    }
  }

  /** Every refused request or resource, whichever part refused it, counts in /metrics. */
  readonly #limitHit = (limit: string): void => { this.#metrics?.limitHit(limit) }

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
    await closeHttpListener(this.#http)
    await closeHttpListener(this.#metricsHttp)
    this.#http = undefined
    this.#metricsHttp = undefined
    await this.#mailbox?.stop().catch(() => {})
    await this.#blobService?.stop().catch(() => {})
    await this.#groupRelay?.stop().catch(() => {})
    await this.#node?.stop()
    this.#smtp?.close()
    this.#smtp = undefined
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
