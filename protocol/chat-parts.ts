// Builds ChatClient's parts from one components object, the way js-libp2p builds a node: the
// delivery router, sessions, mailbox sync, outbox, control channel and its plugins. A part passed in
// `init.parts` is used as given (tests hand in their own); the rest are made here.
import { clockFrom } from './clock.ts'
import type { Clock } from './clock.ts'
import { DEFAULT_TIMEOUT_MS, LIVE_DELIVERY_TIMEOUT_MS } from './constants.ts'
import { checkEnvelopes } from './crypto/envelope-batch.ts'
import { AccountClient } from './account/account-client.ts'
import { ControlChannel } from './control/control-channel.ts'
import { Deletion } from './control/deletion.ts'
import { Disappearing } from './control/disappearing.ts'
import { MessageActions } from './control/message-actions.ts'
import { OwnDevices } from './control/own-devices.ts'
import { OwnStatus } from './control/own-status.ts'
import { OwnContacts } from './control/own-contacts.ts'
import { Receipts } from './control/receipts.ts'
import { HomeResolver } from './delivery/home-resolver.ts'
import { connectionPath } from './delivery/path.ts'
import { DeliveryRouter } from './delivery/router.ts'
import { DirectMessages } from './dm/direct-messages.ts'
import { UnreachableError } from './errors.ts'
import { HomePublisher } from './federation/home-publisher.ts'
import { MAX_HOMES } from './federation/home.ts'
import { HistoryService } from './history/history-service.ts'
import { parsePeerId } from './identity.ts'
import { MailboxClient } from './mailbox/mailbox-client.ts'
import { MailboxSync } from './mailbox/mailbox-sync.ts'
import { ExpirySweeper } from './messages/expiry-sweeper.ts'
import { openPurgeReceipt, recordPurgeReceipt } from './mailbox/purge-receipt.ts'
import { Inbound } from './messages/inbound.ts'
import { Outbox } from './messages/outbox.ts'
import { PrekeyClient } from './prekeys/prekey-client.ts'
import { SESSION_RESET, SecureSessions } from './session/secure-sessions.ts'
import type { AppliedAction } from './control/message-actions.ts'
import type { Contact } from './control/own-contacts.ts'
import type { EnvelopeCryptoPool } from './crypto/envelope-batch.ts'
import type { ControlSender } from './control/types.ts'
import type { ChatMessage } from './messages/message.ts'
import type { DeviceIdentity } from './identity.ts'
import type { ChatNode } from './mesh/create-node.ts'
import type { IdentityChange, SealedRefusal } from './session/secure-sessions.ts'
import type { ChatStore } from './store/chat-store.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Pages of fewer envelopes are not handed to the crypto pool. */
const POOL_MIN_ENVELOPES = 32

export interface ChatClientInit {
  node: ChatNode
  identity: DeviceIdentity
  store: ChatStore
  /** The home rendezvous, including its `/p2p/<id>`: relay, accounts, prekeys, and the first mailbox. */
  rendezvous?: Multiaddr
  /**
   * Further home rendezvous nodes (each with `/p2p/<id>`): named in the home record after the first,
   * kept connected and drained too, so a sender's copies survive the loss of any one of them.
   */
  homes?: Multiaddr[]
  /** How many of a recipient's homes get a copy of each message sent (default 1; k× storage and upload). */
  redundancy?: number
  timeoutMs?: number
  liveTimeoutMs?: number
  /**
   * With no unlimited (direct or WebRTC) connection to the recipient, deliver live over the plain
   * circuit address through the rendezvous rather than by dialling the PeerId: that dial tries the
   * peer's `/webrtc` addresses first and can stall there. For browsers, which upgrade to WebRTC
   * themselves (the route decision then also says when to) and need the relayed path as fallback.
   */
  circuitFallback?: boolean
  /** Send a delivery receipt for each message taken from the mailbox (default false). */
  deliveryReceipts?: boolean
  /** Publish prekeys so others can open ratchet sessions with this device (default true). */
  publishPrekeys?: boolean
  /** Federation (default true): publish our home record in the DHT and look recipients up there. */
  federation?: boolean
  /** Time source for prekey rotation, home record expiry and other expiring state (default Date.now); timers stay real. */
  now?: () => number
  /**
   * The clock every expiry, retry, backoff and republish timer follows (a VirtualClock runs weeks in
   * minutes); network timeouts stay on real time. Wins over `now`.
   */
  clock?: Clock
  /**
   * Where a mailbox drain verifies signatures and opens sealed boxes (Node: worker threads, one per
   * core); without it, on this thread as each envelope's turn comes.
   */
  cryptoPool?: EnvelopeCryptoPool
  /** Parts to use instead of the ones built here. */
  parts?: Partial<Pick<ChatParts, 'router' | 'outbox' | 'mailboxSync'>>
}

/** What the parts tell the client (it turns these into its events). */
export interface ChatPartsEvents {
  onMessage(message: ChatMessage): void
  onChanged(message: ChatMessage): void
  onDeleted(id: string, peer: string): void
  onAction(action: AppliedAction): void
  onIdentityChanged(change: IdentityChange): void
  onRefused(refusal: SealedRefusal): void
  /** A newly linked device of the account took this device's history. */
  onDeviceLinked(peer: string): void
  /** A contact was added, changed or removed, here or on another device of the account. */
  onContact(contact: Contact, from: 'here' | 'device'): void
  /** Resolves a PeerId or @username to devices (checks contact trust). */
  resolve(to: string, options: AbortOptions): Promise<PeerId[]>
  sendControl: ControlSender['sendControl']
}

export interface ChatParts {
  log: Logger
  clock: Clock
  rendezvousPeer?: PeerId
  /** Every home (the rendezvous first) with its PeerId. */
  homes: Array<{ peer: PeerId, addr: Multiaddr }>
  accounts?: AccountClient
  sessions: SecureSessions
  dm: DirectMessages
  router: DeliveryRouter
  mailboxSync?: MailboxSync
  outbox: Outbox
  control: ControlChannel
  inbound: Inbound
  receipts: Receipts
  deletion: Deletion
  /** The account's other devices: deletions follow to them. */
  own: OwnDevices
  /** Sent messages' states follow to the account's other devices' copies. */
  ownStatus: OwnStatus
  /** The contact list, alike on every device of the account. */
  contacts: OwnContacts
  /** Reactions, edits, delete for everyone, reply quotes. */
  actions: MessageActions
  /** Disappearing-message timers per conversation. */
  disappearing: Disappearing
  /** Deletes expired messages. */
  expiry: ExpirySweeper
  homePublisher?: HomePublisher
  /** History for the account's newly linked devices: served while receiving, pulled after a link. */
  history: HistoryService
}

export function createChatParts (init: ChatClientInit, events: ChatPartsEvents): ChatParts {
  const { node, identity, store, rendezvous, cryptoPool: pool } = init
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const log = node.logger.forComponent('babacloud:chat-client')
  const clock = clockFrom(init)
  const now = (): number => clock.now()
  const homes = homesOf(rendezvous, init.homes ?? [])
  const rendezvousPeer = homes[0]?.peer
  const mailbox = rendezvous != null ? new MailboxClient(node, rendezvous, timeoutMs) : undefined
  const accounts = rendezvous != null ? new AccountClient(node, rendezvous, timeoutMs) : undefined
  const prekeys = rendezvous != null ? new PrekeyClient(node, rendezvous, timeoutMs) : undefined
  const federation = init.federation ?? true
  const sessions = new SecureSessions({
    identity, store, prekeys, morePrekeys: homes.slice(1).map(h => new PrekeyClient(node, h.addr, timeoutMs)), log, publish: init.publishPrekeys ?? true, now, setupTimeoutMs: timeoutMs,
    onIdentityChanged: events.onIdentityChanged,
    onRefused: events.onRefused,
    sendReset: async peer => await events.sendControl(peer, SESSION_RESET, new Uint8Array(0))
  })
  const router = init.parts?.router ?? new DeliveryRouter({
    node,
    dm: { send: async (target, envelope, options) => await dm.send(target, envelope, options) },
    log,
    rendezvous,
    rendezvousPeer,
    mailbox,
    homes: federation && rendezvousPeer != null ? new HomeResolver({ node, log, now }) : undefined,
    mailboxAt: home => new MailboxClient(node, home.addrs.length > 0 ? home.addrs : home.peer, timeoutMs),
    redundancy: init.redundancy,
    timeoutMs,
    liveTimeoutMs: init.liveTimeoutMs ?? LIVE_DELIVERY_TIMEOUT_MS,
    circuitFallback: init.circuitFallback === true,
    upgrades: init.circuitFallback === true,
    now
  })
  const outbox = init.parts?.outbox ?? new Outbox({
    store,
    log,
    resolve: events.resolve,
    seal: async (device, payload, options) => await sessions.seal(device, payload, options),
    deliver: async (device, envelope, options) => await router.deliver(device, envelope, options),
    parsePeer: parsePeerId,
    // Bound late (`ownStatus`, made below): stored and delivered follow to the account's other devices.
    onChanged: message => { events.onChanged(message); ownStatus.changed(message) },
    // Bound late: the receipts need the control channel, which needs the outbox.
    onDelivered: async (id, device) => { await receipts.deliveredLive(id, device) },
    clock
  })
  const control = new ControlChannel({
    log,
    sender: { sendControl: events.sendControl, queueControl: async (to, type, body, options) => await outbox.queueControl(to, type, body, options) }
  })
  // Receiving it already replaced the session (a new prekey message); nothing else to do.
  control.handle(SESSION_RESET, async () => {})
  // Bound late: what is read here goes to the account's other devices (`own`, made below).
  const receipts = new Receipts({ control, store, trust: sessions.trust, log, onChanged: message => { events.onChanged(message); ownStatus.changed(message) }, onRead: async ids => { await own.read(ids) } })
  const actions = new MessageActions({ control, store, trust: sessions.trust, log, self: node.peerId.toString(), sendQueued: async id => await outbox.send(id), onChanged: events.onChanged, onDeleted: events.onDeleted, onAction: events.onAction, now })
  const own = new OwnDevices({
    control, store, accounts, log, self: node.peerId.toString(),
    online: () => rendezvousPeer != null && node.getConnections(rendezvousPeer).some(c => c.status === 'open'),
    onChanged: events.onChanged, onDeleted: events.onDeleted, now,
    onMessage: message => { expiry.add(message); events.onMessage(message); void ownStatus.arrived(message).catch(() => {}) },
    // Bound late: `disappearing` is made below.
    onTimer: async (c, timer, id) => { await disappearing.fromOwnDevice(c, timer, id) }
  })
  const ownStatus = new OwnStatus({ control, store, own, log, onChanged: events.onChanged })
  const contacts = new OwnContacts({ control, store, own, log, self: node.peerId.toString(), now, onContact: events.onContact })
  const deletion = new Deletion({ store, actions, onDeleted: events.onDeleted, own, log })
  const expiry = new ExpirySweeper({ store, log, onDeleted: events.onDeleted, clock })
  const disappearing = new Disappearing({
    control, store, trust: sessions.trust, log, self: node.peerId.toString(),
    members: async group => await actions.participants.members(group),
    sendQueued: async id => await outbox.send(id),
    onLine: line => { events.onMessage(line) },
    onSet: async (c, timer) => { await own.timerSet(c, timer) },
    now
  })
  // Receipts only for what came from the mailbox: a live delivery's ack already told the sender.
  const owe = (message: ChatMessage, path: string): void => { if (init.deliveryReceipts === true && path === 'mailbox') receipts.delivered(message) }
  const inbound = new Inbound({
    self: node.peerId,
    store,
    sessions,
    control,
    onMessage: message => { expiry.add(message); events.onMessage(message); owe(message, message.path ?? 'mailbox') },
    onRedelivered: owe,
    actions,
    now
  })
  const dm: DirectMessages = new DirectMessages(node, {
    timeoutMs,
    onEnvelope: async (env, header, connection) => { await inbound.receive(env, header, connectionPath(connection)) }
  })
  const mailboxSync = init.parts?.mailboxSync ?? (mailbox != null && rendezvousPeer != null
    ? new MailboxSync({
      node,
      // Its own stream per sync: fetches and acks pipelined on it, closed when the sync ends.
      homes: homes.map(h => ({ peer: h.peer, open: () => new MailboxClient(node, h.addr, timeoutMs, { keepStreamOpen: true }) })),
      log,
      batch: () => inbound.batch('mailbox'),
      // A short page is checked here: handing it over would cost more than it saves.
      ...(pool != null ? { check: async envs => envs.length >= POOL_MIN_ENVELOPES ? await checkEnvelopes(pool, identity, envs) : undefined } : {}),
      purgeReceipt: async (env, home) => {
        const receipt = openPurgeReceipt(env, { node: home, self: node.peerId })
        // The account's other devices' copies show it too (`ownStatus`, made above).
        for (const message of await recordPurgeReceipt(store, receipt)) { events.onChanged(message); ownStatus.purged(message) }
      },
      // The receipts for this page are in the durable outbox before the node may forget the page.
      beforeAck: async () => { await receipts.commit() },
      afterSync: () => { sessions.maintainPrekeys() }
    })
    : undefined)
  const homePublisher = rendezvousPeer != null && rendezvous != null && federation
    ? new HomePublisher({ node, identity, homes: homes.map(h => ({ peer: h.peer, addrs: [h.addr] })), log: node.logger.forComponent('babacloud:federation'), clock })
    : undefined
  const history = new HistoryService({
    node, store, accounts, rendezvous, log: node.logger.forComponent('babacloud:history'), now,
    // What arrived with a timer disappears here as it does on the device that sent it.
    onMessages: messages => { for (const m of messages) expiry.add(m) },
    onLinked: () => { void own.refresh().catch(() => {}) },
    onServed: events.onDeviceLinked
  })
  return { log, clock, rendezvousPeer, homes, accounts, sessions, dm, router, mailboxSync, outbox, control, inbound, receipts, deletion, own, ownStatus, contacts, actions, disappearing, expiry, homePublisher, history }
}

/** Each home's PeerId, the rendezvous first; the same node twice counts once. */
function homesOf (rendezvous: Multiaddr | undefined, more: Multiaddr[]): Array<{ peer: PeerId, addr: Multiaddr }> {
  if (rendezvous == null) {
    if (more.length > 0) throw new UnreachableError('further homes need a rendezvous too')
    return []
  }
  const homes: Array<{ peer: PeerId, addr: Multiaddr }> = []
  for (const addr of [rendezvous, ...more]) {
    const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id == null) throw new UnreachableError(`rendezvous address ${addr.toString()} has no /p2p/ peer id`)
    const peer = parsePeerId(id)
    if (!homes.some(h => h.peer.equals(peer))) homes.push({ peer, addr })
  }
  if (homes.length > MAX_HOMES) throw new RangeError(`at most ${MAX_HOMES} homes`)
  return homes
}
