// ChatClient: what an app or CLI uses to chat. Sends live on the DM protocol when the recipient is
// reachable, otherwise deposits at the home rendezvous; syncs the mailbox whenever it connects;
// deduplicates by message id through the ChatStore.
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { DEFAULT_TIMEOUT_MS, LIVE_DELIVERY_TIMEOUT_MS, MAILBOX_NOTIFY_PROTOCOL, MAX_PAGE, MAX_TEXT_BYTES } from './constants.ts'
import { createEnvelope, envelopeIdToString, openEnvelope, verifyEnvelope } from './crypto/envelope.ts'
import { DirectMessages } from './dm/direct-messages.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from './errors.ts'
import { parsePeerId } from './identity.ts'
import { MailboxClient } from './mailbox/mailbox-client.ts'
import { homeKey } from './federation/home.ts'
import { AccountClient } from './account/account-client.ts'
import type { EnvelopeHeader } from './crypto/envelope.ts'
import type { DeviceIdentity } from './identity.ts'
import type { ChatNode } from './node/create-node.ts'
import type { ChatMessage, ChatStore, MessageStatus } from './store/chat-store.ts'
import type { Envelope, Payload } from './wire/messages.ts'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type DeliveryPath = 'direct' | 'relayed' | 'webrtc' | 'mailbox'

export interface DeviceResult {
  peerId: string
  status: 'delivered' | 'stored'
  path: DeliveryPath
}

export interface SendResult {
  id: string
  /** `delivered` once any of the recipient's devices has it, otherwise `stored`. */
  status: 'delivered' | 'stored'
  path: DeliveryPath
  /** One entry per device when sending to an @username with several devices. */
  devices: DeviceResult[]
}

/** A control message: not shown as chat text, handled by the module that registered its type. */
export interface ControlMessage {
  id: string
  from: PeerId
  type: string
  body: Uint8Array
  sentAt: number
  path: DeliveryPath
}

/** Runs before the envelope is acked: once it resolves, the sender may consider it delivered. */
export type ControlHandler = (message: ControlMessage) => Promise<void>

/** Recently seen control ids: live and mailbox paths may both bring one; handlers stay idempotent. */
const SEEN_CONTROL_IDS = 10_000

export interface ChatClientEvents {
  /** A message this device had not seen before. */
  message: CustomEvent<ChatMessage & { path: DeliveryPath }>
  status: CustomEvent<{ id: string, status: MessageStatus }>
  /** A mailbox sync finished. */
  synced: CustomEvent<{ received: number }>
}

export interface ChatClientInit {
  node: ChatNode
  identity: DeviceIdentity
  store: ChatStore
  /** The home rendezvous, including its `/p2p/<id>`. */
  rendezvous?: Multiaddr
  timeoutMs?: number
  liveTimeoutMs?: number
  /** Look up recipients homed on other rendezvous nodes in the DHT (default true). */
  federation?: boolean
}

/** How long a home lookup may take, and how long its answer is reused. */
const HOME_LOOKUP_MS = 3_000
const HOME_CACHE_MS = 5 * 60_000

/** Codes that retrying through the mailbox cannot fix. */
const FINAL_CODES = new Set([ErrorCode.MALFORMED, ErrorCode.TOO_LARGE, ErrorCode.BAD_SIGNATURE])

export function connectionPath (connection: Connection): DeliveryPath {
  const addr = connection.remoteAddr.toString()
  if (addr.includes('/webrtc')) return 'webrtc'
  if (connection.limits != null || addr.includes('/p2p-circuit')) return 'relayed'
  return 'direct'
}

export class ChatClient extends TypedEventEmitter<ChatClientEvents> {
  readonly node: ChatNode
  readonly identity: DeviceIdentity
  readonly store: ChatStore
  readonly rendezvous?: Multiaddr
  readonly #rendezvousPeer?: PeerId
  readonly #dm: DirectMessages
  readonly #mailbox?: MailboxClient
  /** Accounts at the home rendezvous (usernames, devices, the user's rights). */
  readonly accounts?: AccountClient
  readonly #log: Logger
  readonly #timeoutMs: number
  readonly #liveTimeoutMs: number
  readonly #controlHandlers = new Map<string, ControlHandler>()
  readonly #homes = new Map<string, { addrs?: Multiaddr[], at: number }>()
  readonly #federation: boolean
  readonly #seenControl = new Set<string>()
  #syncing?: Promise<number>
  #syncAgain = false
  #started = false

  constructor (init: ChatClientInit) {
    super()
    this.node = init.node
    this.identity = init.identity
    this.store = init.store
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#liveTimeoutMs = init.liveTimeoutMs ?? LIVE_DELIVERY_TIMEOUT_MS
    this.#federation = init.federation ?? true
    this.#log = init.node.logger.forComponent('babacloud:chat-client')
    if (init.rendezvous != null) {
      const id = init.rendezvous.getComponents().findLast(c => c.name === 'p2p')?.value
      if (id == null) throw new UnreachableError(`rendezvous address ${init.rendezvous.toString()} has no /p2p/ peer id`)
      this.rendezvous = init.rendezvous
      this.#rendezvousPeer = parsePeerId(id)
      this.#mailbox = new MailboxClient(init.node, init.rendezvous, this.#timeoutMs)
      this.accounts = new AccountClient(init.node, init.rendezvous, this.#timeoutMs)
    }
    this.#dm = new DirectMessages(init.node, {
      timeoutMs: this.#timeoutMs,
      onEnvelope: async (env, header, connection) => { await this.#receive(env, header, connectionPath(connection)) }
    })
  }

  get peerId (): PeerId {
    return this.node.peerId
  }

  /**
   * Registers the protocols and, with a rendezvous, connects and takes what is pending there.
   * `receive: false` only connects: for short tasks (account requests) that must not take
   * messages the user has not been shown yet.
   */
  async start (options: AbortOptions & { receive?: boolean } = {}): Promise<void> {
    if (this.#started) return
    if (options.receive === false) {
      if (this.rendezvous != null) await this.connect(options)
      return
    }
    this.#started = true
    await this.#dm.start()
    await this.node.handle(MAILBOX_NOTIFY_PROTOCOL, (stream, connection) => {
      void stream.close().catch(() => {})
      if (this.#isRendezvous(connection.remotePeer)) this.#scheduleSync()
    }, { runOnLimitedConnection: true, maxInboundStreams: 4 })
    this.node.addEventListener('connection:open', this.#onConnectionOpen)
    if (this.rendezvous != null) {
      await this.connect(options)
      await this.sync(options)
    }
  }

  async stop (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.node.removeEventListener('connection:open', this.#onConnectionOpen)
    await this.#dm.stop().catch(() => {})
    await this.node.unhandle(MAILBOX_NOTIFY_PROTOCOL).catch(() => {})
    await this.#syncing?.catch(() => {})
  }

  /** Dials the home rendezvous; the relay reservation and a mailbox sync follow from the connection. */
  async connect (options: AbortOptions = {}): Promise<void> {
    if (this.rendezvous == null) throw new UnreachableError('no rendezvous configured')
    try {
      await this.node.dial(this.rendezvous, { signal: options.signal ?? AbortSignal.timeout(this.#timeoutMs) })
    } catch (err) {
      throw new UnreachableError(`rendezvous ${this.rendezvous.toString()} is unreachable: ${errorMessage(err)}`, { cause: err })
    }
  }

  /** Resolves once other peers can reach this one through the rendezvous relay. */
  async waitUntilReachable (options: AbortOptions = {}): Promise<Multiaddr> {
    const signal = options.signal ?? AbortSignal.timeout(this.#timeoutMs)
    const relayed = (): Multiaddr | undefined => this.node.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit'))
    const found = relayed()
    if (found != null) return found
    return await new Promise<Multiaddr>((resolve, reject) => {
      const onUpdate = (): void => {
        const ma = relayed()
        if (ma == null) return
        cleanup()
        resolve(ma)
      }
      const onAbort = (): void => {
        cleanup()
        reject(new UnreachableError('no relay reservation at the rendezvous in time'))
      }
      const cleanup = (): void => {
        this.node.removeEventListener('self:peer:update', onUpdate)
        signal.removeEventListener('abort', onAbort)
      }
      this.node.addEventListener('self:peer:update', onUpdate)
      signal.addEventListener('abort', onAbort)
    })
  }

  /**
   * Sends a text message to a PeerId or an `@username` (each of the account's devices): live if
   * reachable (`delivered`), otherwise into the mailbox at the rendezvous (`stored`).
   */
  async send (to: PeerId | string, text: string, options: AbortOptions = {}): Promise<SendResult> {
    if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
      throw new ProtocolError(ErrorCode.TOO_LARGE, `message is over ${MAX_TEXT_BYTES} bytes`)
    }
    const devices = await this.#resolve(to)
    // One id for every device: each device's store deduplicates it on its own.
    const first = createEnvelope(this.identity, devices[0], { text })
    const id = envelopeIdToString(first.id)
    const sentAt = Number(first.sentAt)
    const peer = typeof to === 'string' && to.startsWith('@') ? to : devices[0].toString()
    await this.store.addMessage({ id, peer, direction: 'out', text, sentAt, receivedAt: sentAt, status: 'sending' })
    try {
      const results: DeviceResult[] = []
      for (const [i, device] of devices.entries()) {
        const envelope = i === 0 ? first : createEnvelope(this.identity, device, { text }, { id: first.id, sentAt })
        results.push({ peerId: device.toString(), ...await this.#deliver(device, envelope, options) })
      }
      const best = results.find(r => r.status === 'delivered') ?? results[0]
      await this.#setStatus(id, best.status)
      return { id, status: best.status, path: best.path, devices: results }
    } catch (err) {
      await this.#setStatus(id, 'failed')
      throw err
    }
  }

  /** Registers the handler for one control type (one handler a type). */
  handleControl (type: string, handler: ControlHandler): void {
    if (type === '') throw new Error('control type must not be empty')
    this.#controlHandlers.set(type, handler)
  }

  /**
   * Sends a control message like a text message (live, else mailbox) to a PeerId or every device
   * of an @username; nothing is added to the chat history.
   */
  async sendControl (to: PeerId | string, type: string, body: Uint8Array, options: AbortOptions = {}): Promise<SendResult> {
    if (body.length > MAX_TEXT_BYTES) throw new ProtocolError(ErrorCode.TOO_LARGE, `control message is over ${MAX_TEXT_BYTES} bytes`)
    const devices = await this.#resolve(to)
    const first = createEnvelope(this.identity, devices[0], { text: '', type, body: body as Uint8Array<ArrayBuffer> })
    const results: DeviceResult[] = []
    for (const [i, device] of devices.entries()) {
      const envelope = i === 0 ? first : createEnvelope(this.identity, device, { text: '', type, body: body as Uint8Array<ArrayBuffer> }, { id: first.id, sentAt: Number(first.sentAt) })
      results.push({ peerId: device.toString(), ...await this.#deliver(device, envelope, options) })
    }
    const best = results.find(r => r.status === 'delivered') ?? results[0]
    return { id: envelopeIdToString(first.id), status: best.status, path: best.path, devices: results }
  }

  async #resolve (to: PeerId | string): Promise<PeerId[]> {
    if (typeof to !== 'string') return [to]
    if (!to.startsWith('@')) return [parsePeerId(to)]
    if (this.accounts == null) throw new UnreachableError(`cannot resolve ${to} without a rendezvous`)
    const devices = (await this.accounts.resolve(to)).map(parsePeerId)
    if (devices.length === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, `${to} has no devices`)
    return devices
  }

  async #deliver (peer: PeerId, envelope: Envelope, options: AbortOptions): Promise<Omit<DeviceResult, 'peerId'>> {
    // Looked up while the live attempt runs, so a stored message costs no extra wait.
    const home = this.#homeOf(peer)
    try {
      const signal = options.signal ?? AbortSignal.timeout(this.#liveTimeoutMs)
      const connection = await this.#dm.send(this.#liveTarget(peer), envelope, { signal })
      return { status: 'delivered', path: connectionPath(connection) }
    } catch (err) {
      if (ProtocolError.is(err) && FINAL_CODES.has(err.code)) throw err
      this.#log('live delivery to %p failed, using the mailbox - %e', peer, err)
    }
    if (this.#mailbox == null) throw new UnreachableError(`peer ${peer.toString()} is not reachable and no rendezvous is configured`)
    const remoteHome = await home
    const mailbox = remoteHome == null ? this.#mailbox : new MailboxClient(this.node, remoteHome, this.#timeoutMs)
    try {
      await mailbox.deposit(envelope, { signal: options.signal ?? AbortSignal.timeout(this.#timeoutMs) })
    } catch (err) {
      // A retried deposit whose first ack was lost: the node already holds it.
      if (ProtocolError.is(err, ErrorCode.REPLAY)) return { status: 'stored', path: 'mailbox' }
      if (remoteHome != null) this.#homes.delete(peer.toString())
      if (ProtocolError.is(err)) throw err
      throw new UnreachableError(`rendezvous is unreachable: ${errorMessage(err)}`, { cause: err })
    }
    return { status: 'stored', path: 'mailbox' }
  }

  /**
   * The recipient's home rendezvous when it is another node (federation), found as a DHT provider
   * of its home key; undefined means our own rendezvous. Cached, and bounded in time.
   */
  async #homeOf (peer: PeerId): Promise<Multiaddr[] | undefined> {
    if (!this.#federation || this.#rendezvousPeer == null) return undefined
    const key = peer.toString()
    const cached = this.#homes.get(key)
    if (cached != null && Date.now() - cached.at < HOME_CACHE_MS) return cached.addrs
    let addrs: Multiaddr[] | undefined
    try {
      for await (const provider of this.node.contentRouting.findProviders(homeKey(peer), { signal: AbortSignal.timeout(HOME_LOOKUP_MS) })) {
        // Our own node stays the choice whenever it is one of the homes.
        if (provider.id.equals(this.#rendezvousPeer)) { addrs = undefined; break }
        if (addrs == null && provider.multiaddrs.length > 0) addrs = provider.multiaddrs.map(ma => ma.encapsulate(`/p2p/${provider.id.toString()}`))
      }
    } catch (err) {
      this.#log('home lookup for %p ended - %e', peer, err)
    }
    this.#homes.set(key, { addrs, at: Date.now() })
    if (this.#homes.size > 10_000) this.#homes.delete(this.#homes.keys().next().value as string)
    return addrs
  }

  #liveTarget (peer: PeerId): PeerId | Multiaddr {
    if (this.node.getConnections(peer).length > 0 || this.rendezvous == null) return peer
    return multiaddr(`${this.rendezvous.toString()}/p2p-circuit/p2p/${peer.toString()}`)
  }

  /** Takes every envelope pending at the rendezvous: stores, then acks, page by page. */
  async sync (options: AbortOptions = {}): Promise<number> {
    if (this.#syncing != null) {
      this.#syncAgain = true
      return await this.#syncing
    }
    this.#syncing = (async () => {
      let total = 0
      try {
        do {
          this.#syncAgain = false
          total += await this.#drain(options)
        } while (this.#syncAgain && this.#started)
      } finally {
        this.#syncing = undefined
      }
      this.safeDispatchEvent('synced', { detail: { received: total } })
      return total
    })()
    return await this.#syncing
  }

  async #drain (options: AbortOptions): Promise<number> {
    const mailbox = this.#mailbox
    if (mailbox == null) return 0
    let received = 0
    let after = 0n
    while (true) {
      const page = await mailbox.fetch(after, MAX_PAGE, options)
      const done: Array<Uint8Array<ArrayBuffer>> = []
      for (const env of page.envelopes) {
        try {
          if (await this.#receive(env, verifyEnvelope(env), 'mailbox')) received++
        } catch (err) {
          // Undeliverable (forged, not for us): acking drops it instead of fetching it forever.
          this.#log.error('dropping a mailbox envelope - %e', err)
        }
        done.push(env.id)
      }
      await mailbox.ack(done, options)
      after = page.cursor
      if (!page.more) return received
    }
  }

  async #receive (env: Envelope, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (!header.to.equals(this.node.peerId)) throw new ProtocolError(ErrorCode.WRONG_RECIPIENT, 'envelope is addressed to another peer')
    let payload: Payload
    try {
      payload = openEnvelope(this.identity, env)
    } catch (err) {
      throw new ProtocolError(ErrorCode.MALFORMED, `payload could not be opened: ${errorMessage(err)}`)
    }
    if (payload.type !== '') return await this.#receiveControl(payload, header, path)
    const text = payload.text
    const message: ChatMessage = {
      id: header.id,
      peer: header.from.toString(),
      direction: 'in',
      text,
      sentAt: header.sentAt,
      receivedAt: Date.now(),
      status: 'received'
    }
    if (!await this.store.addMessage(message)) return false
    this.safeDispatchEvent('message', { detail: { ...message, path } })
    return true
  }

  async #receiveControl (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    const key = `${header.from.toString()}/${header.id}`
    if (this.#seenControl.has(key)) return false
    const handler = this.#controlHandlers.get(payload.type)
    if (handler == null) {
      this.#log('no handler for control type %s from %p; dropped', payload.type, header.from)
      return false
    }
    await handler({ id: header.id, from: header.from, type: payload.type, body: payload.body, sentAt: header.sentAt, path })
    this.#seenControl.add(key)
    if (this.#seenControl.size > SEEN_CONTROL_IDS) this.#seenControl.delete(this.#seenControl.values().next().value as string)
    return true
  }

  async #setStatus (id: string, status: MessageStatus): Promise<void> {
    await this.store.setStatus(id, status)
    this.safeDispatchEvent('status', { detail: { id, status } })
  }

  #isRendezvous (peer: PeerId): boolean {
    return this.#rendezvousPeer?.equals(peer) === true
  }

  #scheduleSync (): void {
    if (!this.#started) return
    this.sync().catch(err => { this.#log.error('mailbox sync failed - %e', err) })
  }

  readonly #onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    if (this.#isRendezvous(evt.detail.remotePeer)) this.#scheduleSync()
  }
}
