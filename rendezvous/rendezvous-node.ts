// A rendezvous node: libp2p host (TCP + WebSockets), circuit relay server, DHT server, gossipsub,
// the mailbox, and an HTTP port for the web app, health and metrics.
// node:crypto behind protocol/ before any key is used (docs/performance.md, "Crypto backends").
import './crypto/install.ts'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { clockFrom } from '../protocol/clock.ts'
import type { Clock, TimerHandle } from '../protocol/clock.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { libp2pOptions } from './libp2p-options.ts'
import { DEFAULT_METRICS_LISTENER, resolveConfig } from './config.ts'
import { createHttpApp, createMetricsApp } from './http/http-app.ts'
import { closeHttpListener, metricsPlacement, startHttpListener } from './http/http-server.ts'
import { libp2pListenError } from './listen-error.ts'
import type { HttpListener } from './http/http-server.ts'
import { MailboxService } from './mailbox/mailbox-service.ts'
import type { PurgeReceiptLimits } from './mailbox/purge-receipts.ts'
import { BlobService } from './blobs/blob-service.ts'
import { GroupRelay } from './groups/group-relay.ts'
import { RendezvousMetrics } from './metrics.ts'
import { securePrivateDir } from './storage/private-files.ts'
import { loadOrCreateIdentity, loadTls, writeFileAtomic } from './data-files.ts'
import { AccountProtocol } from './accounts/account-protocol.ts'
import { HomeRepublisher } from './federation/home-republisher.ts'
import { maskIp, silentLogger } from './logging.ts'
import type { Logger } from './logging.ts'
import { createNodeLimits } from './limits/node-limits.ts'
import type { NodeLimits } from './limits/node-limits.ts'
import { ServiceList } from './services.ts'
import { Blocklist } from './limits/blocklist.ts'
import type { Service } from './services.ts'
import { AccountService } from './accounts/account-service.ts'
import { SmtpCodeSender } from './accounts/code-sender.ts'
import type { CodeSenders } from './accounts/code-sender.ts'
import { PrekeyProtocol } from './prekeys/prekey-protocol.ts'
import { PrekeyService } from './prekeys/prekey-service.ts'
import { openStores } from './stores.ts'
import type { Stores } from './stores.ts'
import type { PrekeyStore } from './prekeys/prekey-store.ts'
import { createBilling } from './billing/index.ts'
import { ACCOUNT_PLAN_WRITES, BILLING_PLAN_WRITES, notifyingWrites } from './billing/plan-changes.ts'
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
  /** Storage adapter; by default what the config's `store` names (stores.ts), SQLite under dataDir. */
  store?: RendezvousStore
  webRoot?: string
  /** Account storage; embedded SQLite (accounts.sqlite under dataDir) by default. */
  accountStore?: AccountStore
  /** Published prekeys; by default beside the mailbox (its PostgreSQL database, else prekeys.sqlite). */
  prekeyStore?: PrekeyStore
  /** Billing storage; by default the billing tables in the account store's database (SQLite or PostgreSQL). */
  billingStore?: BillingStore
  /** Attachment blobs; by default beside the mailbox (its PostgreSQL database, else blobs.sqlite). */
  blobStore?: BlobStore
  /**
   * Verification code senders. Email defaults to SMTP when the config has `smtp`; phone numbers
   * need a sender plugged in here (an SMS gateway). A kind without a sender cannot be verified.
   */
  codeSenders?: CodeSenders
  /** Operational log (pino); silent by default. Never given message content or full IPs. */
  log?: Logger
  /** Time source for expiry and log-retention decisions; its timers stay real (use `clock` to move them too). */
  now?: () => number
  /**
   * The clock every expiry, sweep, purge and batching timer follows (a VirtualClock runs weeks in
   * minutes); libp2p's own timers and network read deadlines stay on real time. Wins over `now`.
   */
  clock?: Clock
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
  /** Purge receipt bounds (per-sender cap, expiry); DEFAULT_PURGE_RECEIPT_LIMITS otherwise. */
  purgeReceipts?: Partial<PurgeReceiptLimits>
}

export interface RendezvousInfo {
  peerId: string
  multiaddrs: string[]
  http?: string
  /** Where /metrics is served: on the HTTP listener when that is loopback, else on its own. */
  metrics?: string
}

export class RendezvousNode {
  readonly config: RendezvousConfig
  readonly dataDir: string
  #node?: ChatNode
  #store?: RendezvousStore
  #stores?: Stores
  #mailbox?: MailboxService
  #blobs?: BlobStore
  #blobService?: BlobService
  #groupRelay?: GroupRelay
  #http?: HttpListener
  #metricsHttp?: HttpListener
  #metricsOnHttp = false
  #services?: ServiceList
  #sweeper?: TimerHandle
  #logPurger?: TimerHandle
  #tls?: { cert: Buffer, key: Buffer }
  #metrics?: RendezvousMetrics
  #accountStore?: AccountStore
  #blocklist?: Blocklist
  #accounts?: AccountService
  #accountProtocol?: AccountProtocol
  #billing?: BillingComponents
  #home?: HomeRepublisher
  #prekeyStore?: PrekeyStore
  #billingStore?: BillingStore
  #requestLimits?: NodeLimits
  #prekeyProtocol?: PrekeyProtocol
  #smtp?: SmtpCodeSender
  readonly #options: RendezvousNodeOptions
  readonly #log: Logger
  /** What expires things here, and when the housekeeping runs. */
  readonly clock: Clock
  readonly #now: () => number

  constructor (options: RendezvousNodeOptions) {
    this.#options = options
    const clock = clockFrom(options)
    this.clock = clock
    this.#now = () => clock.now()
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
    if (this.#services != null) throw new Error('rendezvous node is already started')
    // 0700 / 0600 for everything in it, also what an older version left readable to others.
    securePrivateDir(this.dataDir)
    const identity = await loadOrCreateIdentity(this.dataDir)
    this.#tls = loadTls(this.config.tls)
    this.#services = new ServiceList(this.#serviceList(identity.privateKey), {
      onStopError: (service, err) => { this.#log.error({ service, err: (err as Error).message }, 'could not stop cleanly') }
    })
    try {
      await this.#services.start()
    } catch (err) {
      // The list stopped what had started; nothing of this attempt stays reachable.
      this.#services = undefined
      this.#node = undefined
      throw err
    }
    const info = this.info()
    writeFileAtomic(join(this.dataDir, 'rendezvous.json'), JSON.stringify(info, null, 2) + '\n')
    return info
  }

  /**
   * The node's parts in start order; stop() runs them in reverse. Storage first and last: every part
   * that accepts work is stopped before it closes, so every acked deposit is already committed.
   */
  #serviceList (privateKey: DeviceIdentity['privateKey']): Service[] {
    return [
      { name: 'storage', start: async () => { await this.#openStorage() }, stop: async () => { await this.#closeStorage() } },
      // The operator's blocks are in force before the first connection is accepted.
      { name: 'blocklist', start: async () => { await this.#startBlocklist() }, stop: async () => { this.#blocklist?.stop(); this.#blocklist = undefined } },
      { name: 'libp2p', start: async () => { await this.#startLibp2p(privateKey) }, stop: async () => { this.#home?.stop(); await this.#node?.stop() } },
      {
        name: 'smtp',
        start: async () => { this.#smtp = this.config.smtp == null ? undefined : new SmtpCodeSender(this.config.smtp) },
        stop: async () => { this.#smtp?.close(); this.#smtp = undefined }
      },
      { name: 'group relay', start: async () => { await this.#startGroupRelay() }, stop: async () => { await this.#groupRelay?.stop() } },
      { name: 'blobs', start: async () => { await this.#startBlobService() }, stop: async () => { await this.#blobService?.stop() } },
      { name: 'mailbox', start: async () => { await this.#startMailbox(privateKey) }, stop: async () => { await this.#mailbox?.stop() } },
      { name: 'metrics http', start: async () => { await this.#startMetricsHttp() }, stop: async () => { await closeHttpListener(this.#metricsHttp); this.#metricsHttp = undefined } },
      { name: 'http', start: async () => { await this.#startHttp() }, stop: async () => { await closeHttpListener(this.#http); this.#http = undefined } },
      { name: 'prekeys', start: async () => { await this.#startPrekeys() }, stop: async () => { await this.#prekeyProtocol?.stop() } },
      { name: 'accounts', start: async () => { await this.#startAccounts() }, stop: async () => { await this.#accountProtocol?.stop() } },
      { name: 'housekeeping', start: async () => { this.#startHousekeeping() }, stop: async () => { this.#stopHousekeeping() } },
      // Last: peers reached here see a node that already serves every protocol.
      { name: 'federation', start: async () => { await this.#joinFederation(this.node) }, stop: async () => {} }
    ]
  }

  /** Every store in one step: those given in options, the rest from the config's `store`. */
  async #openStorage (): Promise<void> {
    const o = this.#options
    const stores = await openStores(this.config.store, this.dataDir, { store: o.store, accountStore: o.accountStore, prekeyStore: o.prekeyStore, billingStore: o.billingStore, blobStore: o.blobStore })
    this.#stores = stores
    this.#store = stores.store
    // The deposit quota shares plan look-ups in flight; a plan or device change here starts new ones.
    const planChanged = (): void => { this.#billing?.quota.invalidate() }
    this.#accountStore = notifyingWrites(stores.accountStore, ACCOUNT_PLAN_WRITES, planChanged)
    this.#billingStore = stores.billingStore == null ? undefined : notifyingWrites(stores.billingStore, BILLING_PLAN_WRITES, planChanged)
    this.#blobs = stores.blobStore
    this.#prekeyStore = stores.prekeyStore
  }

  async #closeStorage (): Promise<void> {
    await this.#stores?.close()
    this.#stores = undefined
    this.#blobs = undefined
    this.#prekeyStore = undefined
    this.#billingStore = undefined
    this.#store = undefined
    this.#accountStore = undefined
  }

  async #startBlocklist (): Promise<void> {
    const blocklist = new Blocklist({
      source: this.#requireAccountStore(),
      refreshMs: this.config.blocklistRefreshIntervalMs,
      clock: this.clock,
      onChange: () => { this.#dropBlocked() },
      onError: err => { this.#log.error({ err }, 'cannot re-read the blocklist; the previous one stays in force') }
    })
    await blocklist.start()
    this.#blocklist = blocklist
  }

  /** The libp2p host (listening once created), and what every protocol shares: metrics, limits, plans. */
  async #startLibp2p (privateKey: DeviceIdentity['privateKey']): Promise<void> {
    const { limits } = this.config
    const node = await createChatNode(libp2pOptions(this.config, {
      privateKey,
      transports: this.#options.transports ?? [tcp(), webSockets(this.#tls == null ? {} : { https: this.#tls })],
      connectionManager: this.#options.connectionManager,
      now: this.#now,
      onLimit: this.#limitHit,
      blocked: this.#blocklist,
      onBlocked: kind => { this.#metrics?.blocked.inc({ kind }) }
      // libp2p's listen error is a paragraph: name the busy address instead.
    })).catch(err => { throw libp2pListenError(err) })
    this.#node = node
    const store = this.store
    this.#metrics = new RendezvousMetrics({ store, connectionCount: () => node.getConnections().length })
    this.#metrics.onLimitHit = limit => { this.#log.warn({ limit }, 'limit hit') }
    const blocklist = this.#blocklist
    if (blocklist != null) this.#metrics.watchBlocklist(() => blocklist.size)
    this.#metrics.watchBlobs(this.blobs, this.config.attachments.totalBytes, this.#now)
    // One set of limits for every protocol: per PeerId, per network (/24, /48) and per account.
    this.#requestLimits = createNodeLimits(limits, { now: this.#now, onLimit: this.#limitHit })
    // Before the mailbox and blobs: they hold each deposit and upload to a plan.
    this.#billing = createBilling({ accounts: this.#requireAccountStore(), mailbox: store, config: this.config, store: this.#billingStore, now: this.#now })
    this.#home = new HomeRepublisher({ node, clock: this.clock })
  }

  #requireAccountStore (): AccountStore {
    if (this.#accountStore == null) throw new Error('rendezvous node is not started')
    return this.#accountStore
  }

  #limits (): NodeLimits {
    if (this.#requestLimits == null) throw new Error('rendezvous node is not started')
    return this.#requestLimits
  }

  async #startGroupRelay (): Promise<void> {
    const billing = this.#billing
    this.#groupRelay = new GroupRelay({
      node: this.node,
      maxTopics: this.config.limits.groupTopics,
      maxTopicsPerPeer: this.config.limits.gossipTopicsPerPeer,
      // The topic owner's plan bounds how many members the node relays a group for.
      groupMaxMembers: billing == null ? undefined : async owner => (await billing.service.limitsFor(owner)).groupMaxMembers,
      rateLimit: this.#limits().groupRelay,
      requester: this.#limits().requester,
      onLimit: this.#limitHit,
      now: this.#now
    })
    await this.#groupRelay.start()
  }

  /** Blobs are the uploader's burden (its plan, the node's blob budget), never the recipient's quota. */
  async #startBlobService (): Promise<void> {
    const billing = this.#billing
    const attachments = this.config.attachments
    this.#blobService = new BlobService({
      node: this.node,
      blobs: this.blobs,
      limits: this.config.mailbox,
      quota: billing?.quota,
      limitsFor: billing == null ? undefined : async peer => await billing.service.limitsFor(peer),
      rateLimit: this.#limits().blobs,
      requester: this.#limits().requester,
      maxBytes: attachments.maxBytes,
      totalBytes: attachments.totalBytes,
      retentionMs: attachments.retentionMs,
      sweepIntervalMs: this.config.sweepIntervalMs,
      metrics: this.#metrics,
      clock: this.clock
    })
    await this.#blobService.start()
  }

  async #startMailbox (privateKey: DeviceIdentity['privateKey']): Promise<void> {
    const home = this.#home
    this.#mailbox = new MailboxService({ node: this.node, store: this.store, limits: this.config.mailbox, sign: bytes => privateKey.sign(bytes), purgeReceipts: this.#options.purgeReceipts, quota: this.#billing?.quota, metrics: this.#metrics, clock: this.clock, rateLimit: this.#limits().mailbox, requester: this.#limits().requester, onFetch: peer => { home?.seen(peer) } })
    await this.#mailbox.start()
  }

  async #startPrekeys (): Promise<void> {
    if (this.#prekeyStore == null) throw new Error('rendezvous node is not started')
    this.#prekeyProtocol = new PrekeyProtocol(this.node, new PrekeyService({
      store: this.#prekeyStore,
      now: this.#now,
      limits: { oneTimePerTargetPerHour: this.config.limits.oneTimePrekeysPerTargetPerHour },
      onLimit: this.#limitHit
    }), this.#metrics, this.#limits().requester)
    await this.#prekeyProtocol.start()
  }

  async #startAccounts (): Promise<void> {
    const accountStore = this.#requireAccountStore()
    if (this.#prekeyStore == null) throw new Error('rendezvous node is not started')
    const billing = this.#billing
    this.#accounts = new AccountService({
      accounts: accountStore,
      senders: { ...(this.#smtp == null ? {} : { email: this.#smtp }), ...this.#options.codeSenders },
      prekeys: this.#prekeyStore,
      mailbox: this.store,
      blobs: this.blobs,
      policy: this.config.policy,
      nodePeerId: this.node.peerId.toString(),
      billing: billing?.service,
      mailRetentionMs: this.config.mailbox.retentionMs,
      now: this.#now
    })
    this.#accountProtocol = new AccountProtocol(this.node, this.#accounts, this.#metrics, billing?.service, {
      limits: this.#limits(),
      accountOf: async peer => (await accountStore.getAccountByDevice(peer))?.id
    })
    await this.#accountProtocol.start()
  }

  /** Connection records, and the sweeps: expired messages, and log data kept 90 days at most. */
  #startHousekeeping (): void {
    const accounts = this.accounts
    const billing = this.#billing
    this.node.addEventListener('connection:open', this.#onConnection)
    const purgeLogs = (): void => {
      accounts.purgeLogs().catch(() => {})
      billing?.service.purge().catch(() => {})
    }
    purgeLogs()
    this.#logPurger = this.clock.setInterval(purgeLogs, this.config.logPurgeIntervalMs)
    this.#logPurger.unref?.()
    // Through the mailbox: its sweep also sends the expiry notices.
    this.#sweeper = this.clock.setInterval(() => { this.sweepExpired().catch(() => {}) }, this.config.sweepIntervalMs)
    this.#sweeper.unref?.()
  }

  #stopHousekeeping (): void {
    this.clock.clearInterval(this.#sweeper)
    this.clock.clearInterval(this.#logPurger)
    this.#home?.stop()
    this.#node?.removeEventListener('connection:open', this.#onConnection)
  }

  /**
   * /metrics: on the web app's listener while that is loopback-only, else on a listener of its own
   * (`metrics`, loopback by default), so a public node does not publish its counters.
   */
  async #startMetricsHttp (): Promise<void> {
    const placement = metricsPlacement(this.config.http, this.config.metrics, DEFAULT_METRICS_LISTENER)
    this.#metricsOnHttp = placement.onHttp
    if (placement.listener != null) this.#metricsHttp = await startHttpListener(createMetricsApp(this.#metricsText), placement.listener, '--metrics')
  }

  /** The web app's listener (with /metrics on it when #startMetricsHttp placed it there). */
  async #startHttp (): Promise<void> {
    const hostPort = this.config.http
    if (hostPort === false) return
    const app = createHttpApp({
      peerId: () => this.node.peerId.toString(),
      multiaddrs: () => this.node.getMultiaddrs().map(ma => ma.toString()),
      iceServers: () => this.config.iceServers,
      attachmentMaxBytes: () => this.config.attachments.maxBytes,
      policy: () => this.config.policy,
      metricsText: this.#metricsOnHttp ? this.#metricsText : undefined,
      tls: this.#tls != null,
      stripeWebhook: this.#billing == null ? undefined : this.#billing.service.handleWebhook.bind(this.#billing.service),
      webRoot: this.#options.webRoot
    })
    this.#http = await startHttpListener(app, hostPort, '--http', this.#tls)
  }

  readonly #metricsText = async (): Promise<string> => await this.metricsText()

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

  /** A block made while the node runs also ends the connections it covers. */
  #dropBlocked (): void {
    for (const conn of this.#node?.getConnections() ?? []) this.#refuseIfBlocked(conn)
  }

  #refuseIfBlocked (conn: Connection): boolean {
    const kind = this.#blocklist?.refuse(conn)
    if (kind != null) this.#metrics?.blocked.inc({ kind })
    return kind != null
  }

  readonly #onConnection = (evt: CustomEvent<Connection>): void => {
    const conn = evt.detail
    if (this.#refuseIfBlocked(conn)) return
    const ip = conn.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value ?? 'relayed'
    this.#log.debug({ peer: conn.remotePeer.toString(), network: ip === 'relayed' ? ip : maskIp(ip) }, 'connection opened')
    this.#accounts?.recordConnection(conn.remotePeer.toString(), ip).catch(() => {})
  }

  /** Stops accepting work, then closes storage: every acked deposit is already committed. */
  /**
   * Deletes what expired by the node's clock now and sends the senders their expiry notices; the
   * periodic sweep does this every `sweepInterval`. Returns how many envelopes were deleted.
   */
  async sweepExpired (): Promise<number> {
    return await (this.#mailbox?.sweepExpired() ?? this.store.purgeExpired(this.#now()))
  }

  async stop (): Promise<void> {
    const services = this.#services
    this.#services = undefined
    await services?.stop()
    this.#node = undefined
  }
}
