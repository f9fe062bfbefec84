// ChatClient: what an app or CLI uses to chat. Sends live on the DM protocol when the recipient is
// reachable, otherwise deposits at the home rendezvous; syncs the mailbox whenever it connects;
// deduplicates by message id through the ChatStore.
import { TypedEventEmitter } from 'main-event'
import { DEFAULT_TIMEOUT_MS, LIVE_DELIVERY_TIMEOUT_MS, MAILBOX_NOTIFY_PROTOCOL, MAX_PAGE, MAX_TEXT_BYTES } from './constants.ts'
import { randomBytes } from '@noble/hashes/utils.js'
import { ENVELOPE_ID_LENGTH, envelopeIdToString, verifyEnvelope } from './crypto/envelope.ts'
import { DirectMessages } from './dm/direct-messages.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from './errors.ts'
import { parsePeerId } from './identity.ts'
import { MailboxClient } from './mailbox/mailbox-client.ts'
import { DeliveryRouter, connectionPath } from './delivery/router.ts'
import { HomePublisher } from './federation/home-publisher.ts'
import type { DeliveryPath } from './delivery/router.ts'
import { AccountClient } from './account/account-client.ts'
import { PrekeyClient } from './prekeys/prekey-client.ts'
import { Receipts } from './session/receipts.ts'
import { SESSION_RESET, SecureSessions } from './session/secure-sessions.ts'
import type { IdentityChange, SealedRefusal } from './session/secure-sessions.ts'
import type { EnvelopeHeader } from './crypto/envelope.ts'
import type { DeviceIdentity } from './identity.ts'
import type { ChatNode } from './mesh/create-node.ts'
import type { ChatMessage, ChatStore, MessageStatus } from './store/chat-store.ts'
import type { Envelope, Payload } from './wire/messages.ts'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { DeliveryPath }
export { connectionPath }

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
  /** `error` says why, when a send failed (e.g. an InvalidPrekeyBundleError's message). */
  status: CustomEvent<{ id: string, status: MessageStatus, error?: string }>
  /** A mailbox sync finished. */
  synced: CustomEvent<{ received: number }>
  /** A contact's devices changed: nothing goes to or is shown from the new ones until `trustIdentity(contact)`. */
  'identity-changed': CustomEvent<IdentityChange>
  /** A message was deleted here (by the user, or for everyone by its sender). */
  deleted: CustomEvent<{ id: string, peer: string }>
  /**
   * A sealed envelope from a peer we have a ratchet session with was refused, not shown: a replay
   * of an old envelope, or that peer was tricked into dropping to the sealed box. Count:
   * `sessions.refusedSealed`.
   */
  refused: CustomEvent<SealedRefusal>
}

export interface ChatClientInit {
  node: ChatNode
  identity: DeviceIdentity
  store: ChatStore
  /** The home rendezvous, including its `/p2p/<id>`. */
  rendezvous?: Multiaddr
  timeoutMs?: number
  liveTimeoutMs?: number
  /**
   * With no unlimited (direct or WebRTC) connection to the recipient, deliver live over the plain
   * circuit address through the rendezvous rather than by dialling the PeerId: that dial tries the
   * peer's `/webrtc` addresses first and can stall there. For browsers, which upgrade to WebRTC
   * themselves and need the relayed path as the fallback.
   */
  circuitFallback?: boolean
  /** Send a delivery receipt for each message received (default false: no extra traffic unless asked). */
  deliveryReceipts?: boolean
  /**
   * Publish prekeys so others can open ratchet sessions with this device (default true). Without,
   * others fall back to the sealed box; simulations of many peers save the key generation.
   */
  publishPrekeys?: boolean
  /**
   * Federation (default true): publish this device's signed home record in the DHT, and look up
   * recipients homed on other rendezvous nodes there.
   */
  federation?: boolean
  /** The clock for prekey rotation, home record expiry and other expiring state (default Date.now). */
  now?: () => number
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
  /** 1:1 ratchet sessions, prekeys and contact trust. */
  readonly sessions: SecureSessions
  readonly #receipts: Receipts
  readonly #deliveryReceipts: boolean
  readonly #log: Logger
  readonly #timeoutMs: number
  readonly #router: DeliveryRouter
  /** Keeps our signed home record (naming our rendezvous) in the DHT. */
  readonly homePublisher?: HomePublisher
  readonly #controlHandlers = new Map<string, ControlHandler>()
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
    this.#log = init.node.logger.forComponent('babacloud:chat-client')
    if (init.rendezvous != null) {
      const id = init.rendezvous.getComponents().findLast(c => c.name === 'p2p')?.value
      if (id == null) throw new UnreachableError(`rendezvous address ${init.rendezvous.toString()} has no /p2p/ peer id`)
      this.rendezvous = init.rendezvous
      this.#rendezvousPeer = parsePeerId(id)
      this.#mailbox = new MailboxClient(init.node, init.rendezvous, this.#timeoutMs)
      this.accounts = new AccountClient(init.node, init.rendezvous, this.#timeoutMs)
    }
    const prekeys = init.rendezvous != null ? new PrekeyClient(init.node, init.rendezvous, this.#timeoutMs) : undefined
    this.sessions = new SecureSessions({
      identity: init.identity, store: init.store, prekeys, log: this.#log, publish: init.publishPrekeys ?? true, now: init.now,
      onIdentityChanged: detail => { this.safeDispatchEvent('identity-changed', { detail }) },
      onRefused: detail => { this.safeDispatchEvent('refused', { detail }) },
      sendReset: async peer => await this.sendControl(peer, SESSION_RESET, new Uint8Array(0))
    })
    // Receiving it already replaced the session (a new prekey message); nothing else to do.
    this.handleControl(SESSION_RESET, async () => {})
    this.#deliveryReceipts = init.deliveryReceipts ?? false
    this.#receipts = new Receipts({
      host: this,
      trust: this.sessions.trust,
      log: this.#log,
      onStatus: (id, status) => { this.safeDispatchEvent('status', { detail: { id, status } }) },
      onDeleted: (id, peer) => { this.safeDispatchEvent('deleted', { detail: { id, peer } }) }
    })
    this.#dm = new DirectMessages(init.node, {
      timeoutMs: this.#timeoutMs,
      onEnvelope: async (env, header, connection) => { await this.#receive(env, header, connectionPath(connection)) }
    })
    this.#router = new DeliveryRouter({
      node: init.node,
      dm: this.#dm,
      log: this.#log,
      rendezvous: this.rendezvous,
      rendezvousPeer: this.#rendezvousPeer,
      mailbox: this.#mailbox,
      timeoutMs: this.#timeoutMs,
      liveTimeoutMs: init.liveTimeoutMs ?? LIVE_DELIVERY_TIMEOUT_MS,
      federation: init.federation ?? true,
      circuitFallback: init.circuitFallback === true,
      now: init.now
    })
    if (this.#rendezvousPeer != null && init.rendezvous != null && (init.federation ?? true)) {
      this.homePublisher = new HomePublisher({
        node: init.node,
        identity: init.identity,
        homes: [{ peer: this.#rendezvousPeer, addrs: [init.rendezvous] }],
        log: init.node.logger.forComponent('babacloud:federation'),
        now: init.now
      })
    }
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
      this.homePublisher?.start()
      this.homePublisher?.refresh()
      // In the background: generating keys takes a while, and until they are published senders
      // use the sealed box. `sessions.ensurePrekeys()` waits for it; stop() does too.
      this.sessions.publishPrekeys()
      await this.sync(options)
    }
  }

  async stop (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.node.removeEventListener('connection:open', this.#onConnectionOpen)
    this.homePublisher?.stop()
    await this.#dm.stop().catch(() => {})
    await this.node.unhandle(MAILBOX_NOTIFY_PROTOCOL).catch(() => {})
    await this.#syncing?.catch(() => {})
    await this.#receipts.flush()
    await this.sessions.idle()
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
    const idBytes = randomBytes(ENVELOPE_ID_LENGTH)
    const id = envelopeIdToString(idBytes)
    const sentAt = Date.now()
    const peer = typeof to === 'string' && to.startsWith('@') ? to : devices[0].toString()
    await this.store.addMessage({ id, peer, direction: 'out', text, sentAt, receivedAt: sentAt, status: 'sending' })
    try {
      const results: DeviceResult[] = []
      for (const device of devices) {
        const envelope = await this.sessions.seal(device, { text }, { id: idBytes, sentAt, signal: options.signal })
        results.push({ peerId: device.toString(), ...await this.#router.deliver(device, envelope, options) })
      }
      const best = results.find(r => r.status === 'delivered') ?? results[0]
      await this.#setStatus(id, best.status)
      return { id, status: best.status, path: best.path, devices: results }
    } catch (err) {
      await this.#setStatus(id, 'failed', errorMessage(err))
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
    const id = randomBytes(ENVELOPE_ID_LENGTH)
    const sentAt = Date.now()
    const results: DeviceResult[] = []
    for (const device of devices) {
      const envelope = await this.sessions.seal(device, { text: '', type, body: body as Uint8Array<ArrayBuffer> }, { id, sentAt, signal: options.signal })
      results.push({ peerId: device.toString(), ...await this.#router.deliver(device, envelope, options) })
    }
    const best = results.find(r => r.status === 'delivered') ?? results[0]
    return { id: envelopeIdToString(id), status: best.status, path: best.path, devices: results }
  }

  async #resolve (to: PeerId | string): Promise<PeerId[]> {
    if (typeof to !== 'string') return [to]
    if (!to.startsWith('@')) return [parsePeerId(to)]
    if (this.accounts == null) throw new UnreachableError(`cannot resolve ${to} without a rendezvous`)
    const devices = (await this.accounts.resolve(to)).map(parsePeerId)
    if (devices.length === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, `${to} has no devices`)
    await this.sessions.checkContact(to, devices.map(d => d.toString()))
    return devices
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
      // Connected and caught up: a good moment for the periodic prekey rotation and top-up.
      this.sessions.maintainPrekeys()
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
    // The message is stored (or its control handled) before the session advances: see `receive`.
    return await this.sessions.receive(env, header, path, async payload => await this.#accept(payload, header, path)) ?? false
  }

  async #accept (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
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
    if (this.#deliveryReceipts) this.#receipts.delivered(message)
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

  /** Accepts a contact's new devices after `identity-changed`; shows what they sent meanwhile. */
  async trustIdentity (contact: string): Promise<void> {
    for (const held of await this.sessions.trustContact(contact)) await this.#accept(held.payload, held.header, held.path as DeliveryPath)
  }

  /** The 60-digit safety number with `peer`; both ends compute the same digits. */
  safetyNumber (peer: PeerId | string): string {
    return this.sessions.safetyNumber(typeof peer === 'string' ? parsePeerId(peer) : peer)
  }

  /** Marks received messages read and sends read receipts to their senders; returns how many changed. */
  async markRead (ids: string[]): Promise<number> {
    return await this.#receipts.markRead(ids)
  }

  /** Deletes a message on this device only. */
  async deleteMessage (id: string): Promise<void> {
    const m = await this.store.getMessage(id)
    await this.store.deleteMessage(id)
    if (m != null) this.safeDispatchEvent('deleted', { detail: { id, peer: m.peer } })
  }

  /** Deletes one of our sent messages here and asks the recipient's devices to delete it too. */
  async deleteForEveryone (id: string): Promise<SendResult> {
    return await this.#receipts.deleteForEveryone(id)
  }

  async #setStatus (id: string, status: MessageStatus, error?: string): Promise<void> {
    await this.store.setStatus(id, status)
    this.safeDispatchEvent('status', { detail: { id, status, ...(error != null ? { error } : {}) } })
  }

  #isRendezvous (peer: PeerId): boolean {
    return this.#rendezvousPeer?.equals(peer) === true
  }

  #scheduleSync (): void {
    if (!this.#started) return
    this.sync().catch(err => { this.#log.error('mailbox sync failed - %e', err) })
  }

  readonly #onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    if (!this.#isRendezvous(evt.detail.remotePeer)) return
    this.#scheduleSync()
    this.homePublisher?.refresh()
  }
}
