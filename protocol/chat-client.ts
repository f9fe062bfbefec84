// ChatClient: what an app or CLI uses to chat. It holds its parts (chat-parts.ts) and starts and
// stops them: every message goes through the durable outbox (same envelope id on every retry), the
// delivery router picks live or mailbox, the mailbox sync takes what waits at the rendezvous, and
// control messages reach their plugins through the control channel. Screens follow `message:changed`.
import { TypedEventEmitter } from 'main-event'
import { randomBytes } from '@noble/hashes/utils.js'
import { DEFAULT_TIMEOUT_MS, MAX_TEXT_BYTES } from './constants.ts'
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from './crypto/envelope.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from './errors.ts'
import { parsePeerId } from './identity.ts'
import { createChatParts } from './chat-parts.ts'
import { quoteOf } from './control/message-rules.ts'
import { speaksFor } from './control/receipts.ts'
import { waitForRelayAddress } from './mesh/relay-address.ts'
import type { ChatClientInit, ChatParts } from './chat-parts.ts'
import type { AppliedAction } from './control/message-actions.ts'
import type { Contact } from './control/own-contacts.ts'
import type { Conversation, ConversationTimer } from './control/disappearing.ts'
import type { ControlHandler, ControlMessage, ControlRegistry, ControlResult } from './control/types.ts'
import type { DeliveryPath } from './delivery/path.ts'
import type { Route } from './delivery/route.ts'
import type { DeviceIdentity } from './identity.ts'
import type { ChatMessage, MessageStatus } from './messages/message.ts'
import type { AttemptResult, DeviceResult, SendResult } from './messages/outbox.ts'
import type { ChatNode } from './mesh/create-node.ts'
import type { IdentityChange, SealedRefusal } from './session/secure-sessions.ts'
import type { ChatStore } from './store/chat-store.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { Conversation, ConversationTimer }
export type { AppliedAction, AttemptResult, ChatClientInit, ControlHandler, ControlMessage, ControlResult, DeliveryPath, DeviceResult, SendResult }
export { connectionPath } from './delivery/path.ts'

export interface ChatClientEvents {
  /** A message this device had not seen before. */
  message: CustomEvent<ChatMessage & { path: DeliveryPath }>
  /** A message in the history was added or changed (queued, status, path, read): the whole message. */
  'message:changed': CustomEvent<ChatMessage>
  /** Each status change, in short (`message:changed` carries the whole message). */
  status: CustomEvent<{ id: string, status: MessageStatus, error?: string }>
  /** A mailbox sync finished. */
  synced: CustomEvent<{ received: number }>
  /** A contact's devices changed: nothing goes to or is shown from the new ones until `trustIdentity(contact)`. */
  'identity-changed': CustomEvent<IdentityChange>
  /** A message was deleted here (by the user, or for everyone by its sender). */
  deleted: CustomEvent<{ id: string, peer: string }>
  /** Someone else's reaction, edit or delete-for-everyone was applied (`message:changed` follows too). */
  'message:action': CustomEvent<AppliedAction>
  /** A sealed envelope from a peer we have a ratchet session with was refused, not shown. */
  refused: CustomEvent<SealedRefusal>
  /** A newly linked device of the account took this device's history (groups add it where we are admin). */
  'device:linked': CustomEvent<{ peer: string }>
  /** A contact was added, changed or removed, here or (`from: 'device'`) on another device of the account. */
  contact: CustomEvent<Contact & { from: 'here' | 'device' }>
  /** A peer's best live path changed; undefined: no connection (the mailbox is left). */
  path: CustomEvent<{ peer: string, path?: DeliveryPath }>
}

/**
 * `receive`: the full client (live messages, mailbox sync, receipts). `send`: connect and send,
 * flushing the outbox, but take nothing waiting (a one-shot send must leave it for `inbox`).
 * `connect`: only connect (account requests).
 */
export type ClientMode = 'receive' | 'send' | 'connect'

export interface ReplyOptions {
  /** Id of the message this one answers (in the same conversation). */
  replyTo?: string
}

export class ChatClient extends TypedEventEmitter<ChatClientEvents> {
  readonly node: ChatNode
  readonly identity: DeviceIdentity
  readonly store: ChatStore
  readonly rendezvous?: Multiaddr
  /** The parts, for apps and tests that need one directly. */
  readonly parts: ChatParts
  #mode?: ClientMode
  readonly #timeoutMs: number

  constructor (init: ChatClientInit) {
    super()
    this.node = init.node
    this.identity = init.identity
    this.store = init.store
    this.rendezvous = init.rendezvous
    this.#timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.parts = createChatParts(init, {
      onMessage: message => {
        this.safeDispatchEvent('message', { detail: { ...message, path: message.path ?? 'mailbox' } })
        this.safeDispatchEvent('message:changed', { detail: message })
      },
      onChanged: message => {
        this.safeDispatchEvent('message:changed', { detail: message })
        this.safeDispatchEvent('status', { detail: { id: message.id, status: message.status, ...(message.error != null ? { error: message.error } : {}) } })
      },
      onDeleted: (id, peer) => { this.safeDispatchEvent('deleted', { detail: { id, peer } }) },
      onAction: action => { this.safeDispatchEvent('message:action', { detail: action }) },
      onIdentityChanged: detail => { this.safeDispatchEvent('identity-changed', { detail }) },
      onRefused: detail => { this.safeDispatchEvent('refused', { detail }) },
      onDeviceLinked: peer => { this.safeDispatchEvent('device:linked', { detail: { peer } }) },
      onContact: (contact, from) => { this.safeDispatchEvent('contact', { detail: { ...contact, from } }) },
      resolve: async (to, options) => await this.#resolve(to, options),
      sendControl: async (to, type, body, options) => await this.sendControl(to, type, body, options)
    })
    this.parts.router.addEventListener('path', evt => { this.safeDispatchEvent('path', { detail: evt.detail }) })
  }

  get peerId (): PeerId { return this.node.peerId }
  get accounts (): ChatParts['accounts'] { return this.parts.accounts }
  get sessions (): ChatParts['sessions'] { return this.parts.sessions }
  get homePublisher (): ChatParts['homePublisher'] { return this.parts.homePublisher }
  /** Link codes that carry history, linking with one, and the transfer itself. */
  get history (): ChatParts['history'] { return this.parts.history }
  /** Where plugins (groups, attachments) register their control types. */
  get control (): ControlRegistry { return this.parts.control }

  /**
   * Starts the parts `mode` needs (default `receive`) and, with a rendezvous, connects; in
   * `receive` mode it then takes what is pending there. `receive: false` is the old `connect`.
   */
  async start (options: AbortOptions & { mode?: ClientMode, receive?: boolean } = {}): Promise<void> {
    const mode = options.mode ?? (options.receive === false ? 'connect' : 'receive')
    if (this.#mode != null) return
    const p = this.parts
    if (mode === 'connect') {
      if (this.rendezvous != null) await this.connect(options)
      return
    }
    this.#mode = mode
    // Disappearing messages go on every device, also while it only sends.
    await p.expiry.start()
    p.router.start()
    if (mode === 'receive') {
      await p.dm.start()
      // A running device serves its history to the account's newly linked devices.
      await p.history.start()
      await p.mailboxSync?.start()
      p.mailboxSync?.addEventListener('synced', this.#onSynced)
    }
    this.node.addEventListener('connection:open', this.#onConnectionOpen)
    // Before connecting: if the node is down now, its connection later still flushes the outbox.
    p.outbox.start()
    if (this.rendezvous != null) await this.connect(options)
    p.outbox.kick()
    if (this.rendezvous == null) return
    // In the background: until the keys are published senders use the sealed box.
    p.sessions.publishPrekeys()
    if (mode === 'receive') {
      // In the background: which other devices the account has, so deletions here reach them
      // (also from commands that run without the network).
      void p.own.others(true).catch(() => {})
      p.homePublisher?.start()
      p.homePublisher?.refresh()
      await this.sync(options)
    }
  }

  async stop (): Promise<void> {
    if (this.#mode == null) return
    this.#mode = undefined
    const p = this.parts
    this.node.removeEventListener('connection:open', this.#onConnectionOpen)
    p.mailboxSync?.removeEventListener('synced', this.#onSynced)
    p.homePublisher?.stop()
    p.expiry.stop()
    await p.dm.stop().catch(() => {})
    await p.history.stop()
    await p.mailboxSync?.stop()
    await p.outbox.stop()
    // A one-shot send must not end before its extra copies are stored.
    await p.router.idle()
    p.router.stop()
    await p.sessions.idle()
  }

  /**
   * Dials the home rendezvous (and any further homes, together); the relay reservation and a
   * mailbox sync follow from each connection. Fails only when no home answers: a home gone for good
   * must not keep the device from the copies its other homes hold.
   */
  async connect (options: AbortOptions = {}): Promise<void> {
    if (this.rendezvous == null) throw new UnreachableError('no rendezvous configured')
    const signal = options.signal ?? AbortSignal.timeout(this.#timeoutMs)
    const dials = this.parts.homes.map(async h => await this.node.dial(h.addr, { signal }))
    const results = await Promise.allSettled(dials)
    if (results.some(r => r.status === 'fulfilled')) return
    options.signal?.throwIfAborted()
    const err = (results[0] as PromiseRejectedResult).reason
    const more = results.length > 1 ? ` (and ${results.length - 1} further home${results.length > 2 ? 's' : ''})` : ''
    throw new UnreachableError(`rendezvous ${this.rendezvous.toString()}${more} is unreachable: ${errorMessage(err)}`, { cause: err })
  }

  /** Resolves once other peers can reach this one through the rendezvous relay. */
  async waitUntilReachable (options: AbortOptions = {}): Promise<Multiaddr> {
    return await waitForRelayAddress(this.node, options.signal ?? AbortSignal.timeout(this.#timeoutMs))
  }

  /**
   * Sends a text message to a PeerId or an `@username` (each of its devices). It goes into the
   * outbox first, then out at once: `delivered` live, `stored` in the mailbox. When nothing is
   * reachable it rejects with UnreachableError whose `messageId` names the message, which stays
   * `queued` and leaves by itself later with the same id. Other errors fail it for good (`failed`);
   * the caller's abort rejects with its AbortError (the message stays queued).
   */
  async send (to: PeerId | string, text: string, options: AbortOptions & ReplyOptions = {}): Promise<SendResult> {
    const target = await this.#checkTarget(to, text, options)
    const message = await this.parts.outbox.queueText(target, text, { message: await this.#reply(target, options.replyTo), timerMs: await this.parts.disappearing.timerMs({ peer: target }) })
    this.parts.expiry.add(message)
    const result = this.#mode == null ? { id: message.id, status: 'queued' as const, devices: [] } : await this.parts.outbox.send(message.id, options)
    await this.#mirror(message)
    if (result.status === 'queued') throw new UnreachableError(`not reachable now; queued in the outbox: ${result.error ?? 'not connected'}`, { messageId: message.id })
    return { ...result, status: result.status }
  }

  /** Only queues a message: it leaves with the next flush (when the client runs and can reach out). */
  async queue (to: PeerId | string, text: string, options: ReplyOptions = {}): Promise<ChatMessage> {
    const target = await this.#checkTarget(to, text, {})
    const message = await this.parts.outbox.queueText(target, text, { background: true, message: await this.#reply(target, options.replyTo), timerMs: await this.parts.disappearing.timerMs({ peer: target }) })
    this.parts.expiry.add(message)
    await this.#mirror(message)
    return message
  }

  /** The account's other devices show what this one sent; their copy never holds up or fails the send. */
  async #mirror (message: ChatMessage): Promise<void> {
    try {
      await this.parts.own.sent(message)
    } catch (err) {
      this.parts.log.error('could not tell the account\'s other devices about message %s - %e', message.id, err)
    }
  }

  /** The account's other devices: what is sent or deleted here follows to them. */
  get own (): ChatParts['own'] { return this.parts.own }

  /** The contact list, kept alike on every device of the account. */
  get contacts (): ChatParts['contacts'] { return this.parts.contacts }

  /** The reply link and quote of a message to `target`; the message answered must be in that chat. */
  async #reply (target: string, replyTo: string | undefined): Promise<Partial<ChatMessage>> {
    if (replyTo == null) return {}
    envelopeIdFromString(replyTo)
    const quoted = await this.store.getMessage(replyTo)
    // One conversation: the same peer, or a device of the @username (either way round).
    const same = quoted != null && quoted.group == null && (quoted.peer === target ||
      (target.startsWith('@') && !quoted.peer.startsWith('@') && await speaksFor(this.parts.sessions.trust, target, parsePeerId(quoted.peer))) ||
      (quoted.peer.startsWith('@') && !target.startsWith('@') && await speaksFor(this.parts.sessions.trust, quoted.peer, parsePeerId(target))))
    if (!same) throw new ProtocolError(ErrorCode.NOT_FOUND, `no message ${replyTo} in the conversation with ${target}`)
    const quote = quoteOf(quoted, { peer: target }, true)
    return { replyTo, ...(quote != null ? { replyPreview: quote } : {}) }
  }

  /** Disappearing-message timers (groups read a group's timer here). */
  get disappearing (): ChatParts['disappearing'] { return this.parts.disappearing }
  /** Deletes expired messages (groups hand it the messages they store). */
  get expiry (): ChatParts['expiry'] { return this.parts.expiry }

  /** The clock expiry, retries and backoff follow (ChatClientInit `clock`). */
  get clock (): ChatParts['clock'] { return this.parts.clock }

  /** Reactions, edits and delete for everyone (1:1 and, once groups are attached, in groups). */
  get actions (): ChatParts['actions'] { return this.parts.actions }

  /** Sets this device's reaction to a message ('' removes it) and tells the conversation's other parties. */
  async react (id: string, emoji: string): Promise<AttemptResult> {
    return await this.parts.actions.react(id, emoji)
  }

  /** Edits one of our messages (the earlier text is kept) and sends the edit to its recipients. */
  async edit (id: string, text: string): Promise<AttemptResult> {
    return await this.parts.actions.edit(id, text)
  }

  /**
   * Sets the disappearing-message timer of a 1:1 conversation (`peer`) or a group (`group`), in
   * seconds (0: off; else MIN_TIMER_SECONDS … MAX_TIMER_SECONDS), and tells its other parties.
   */
  async setTimer (conversation: Conversation, seconds: number): Promise<AttemptResult> {
    return await this.parts.disappearing.set(conversation, seconds)
  }

  /** The conversation's disappearing-message timer as this device knows it. */
  async timer (conversation: Conversation): Promise<ConversationTimer> {
    return await this.parts.disappearing.timer(conversation)
  }

  /** Tries everything in the outbox now. */
  async flushOutbox (): Promise<void> {
    await this.parts.outbox.flush()
  }

  async #checkTarget (to: PeerId | string, text: string, options: AbortOptions): Promise<string> {
    if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) throw new ProtocolError(ErrorCode.TOO_LARGE, `message is over ${MAX_TEXT_BYTES} bytes`)
    const target = typeof to === 'string' ? to : to.toString()
    try {
      // Unknown names, untrusted new devices and bad ids fail here, before anything is stored.
      await this.#resolve(target, options)
    } catch (err) {
      if (!(err instanceof Error && err.name === 'UnreachableError')) throw err
    }
    return target
  }

  /** Registers the handler for one control type (one handler a type). */
  handleControl (type: string, handler: ControlHandler): void {
    this.parts.control.handle(type, handler)
  }

  /**
   * Sends a control message at once (live, else mailbox) to a PeerId or every device of an
   * @username; nothing is added to the history and nothing is retried (see `control.queueControl`).
   */
  async sendControl (to: PeerId | string, type: string, body: Uint8Array, options: AbortOptions = {}): Promise<ControlResult> {
    if (body.length > MAX_TEXT_BYTES) throw new ProtocolError(ErrorCode.TOO_LARGE, `control message is over ${MAX_TEXT_BYTES} bytes`)
    const devices = await this.#resolve(typeof to === 'string' ? to : to.toString(), options)
    const id = randomBytes(ENVELOPE_ID_LENGTH)
    const sentAt = this.parts.clock.now()
    const results: DeviceResult[] = []
    for (const device of devices) {
      const envelope = await this.parts.sessions.seal(device, { text: '', type, body: body as Uint8Array<ArrayBuffer> }, { id, sentAt, signal: options.signal })
      results.push({ peerId: device.toString(), ...await this.parts.router.deliver(device, envelope, options) })
    }
    const best = results.find(r => r.status === 'delivered') ?? results[0]
    return { id: envelopeIdToString(id), status: best.status, path: best.path, devices: results }
  }

  async #resolve (to: string, _options: AbortOptions): Promise<PeerId[]> {
    if (!to.startsWith('@')) return [parsePeerId(to)]
    const accounts = this.parts.accounts
    if (accounts == null) throw new UnreachableError(`cannot resolve ${to} without a rendezvous`)
    const devices = (await accounts.resolve(to)).map(parsePeerId)
    if (devices.length === 0) throw new ProtocolError(ErrorCode.NOT_FOUND, `${to} has no devices`)
    await this.parts.sessions.checkContact(to, devices.map(d => d.toString()))
    return devices
  }

  /** Takes every envelope pending at the rendezvous: stores, queues receipts, then acks, page by page. */
  async sync (options: AbortOptions = {}): Promise<number> {
    return await this.parts.mailboxSync?.sync(options) ?? 0
  }

  /** Accepts a contact's new devices after `identity-changed`; shows what they sent meanwhile. */
  async trustIdentity (contact: string): Promise<void> {
    for (const held of await this.parts.sessions.trustContact(contact)) await this.parts.inbound.accept(held.payload, held.header, held.path as DeliveryPath)
  }

  /** The 60-digit safety number with `peer`; both ends compute the same digits. */
  safetyNumber (peer: PeerId | string): string {
    return this.parts.sessions.safetyNumber(typeof peer === 'string' ? parsePeerId(peer) : peer)
  }

  /**
   * Marks received messages read and sends read receipts to their senders (group messages: to their
   * authors), unless `receipts: false`; returns how many changed.
   */
  async markRead (ids: string[], options: { receipts?: boolean } = {}): Promise<number> {
    return await this.parts.receipts.markRead(ids, options)
  }

  /** Deletes a message on this device only (a queued one is not sent any more). */
  async deleteMessage (id: string): Promise<void> {
    await this.parts.deletion.deleteHere(id)
  }

  /**
   * Tombstones one of our sent messages here and asks the recipient's devices (or the group's other
   * members) to do the same; the request waits in the outbox (`queued`) when it cannot leave now.
   */
  async deleteForEveryone (id: string): Promise<AttemptResult> {
    return await this.parts.deletion.deleteForEveryone(id)
  }

  /** The best live path to `peer` now; undefined: only the mailbox. */
  pathTo (peer: PeerId): DeliveryPath | undefined {
    return this.parts.router.pathTo(peer)
  }

  /** The route decision for `peer`: whether live delivery and a WebRTC dial are worth trying. */
  route (peer: PeerId): Route {
    return this.parts.router.route(peer)
  }

  readonly #onSynced = (evt: CustomEvent<{ received: number }>): void => {
    this.safeDispatchEvent('synced', { detail: evt.detail })
  }

  readonly #onConnectionOpen = (evt: CustomEvent<{ remotePeer: PeerId }>): void => {
    const peer = evt.detail.remotePeer
    if (this.parts.homes.some(h => h.peer.equals(peer))) this.parts.homePublisher?.refresh()
    // A way out opened (the rendezvous, or a recipient): what waits may leave now.
    this.parts.outbox.kick()
  }
}
