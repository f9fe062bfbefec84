// The web app's one service: local data, the browser's libp2p node with its ChatClient, GroupClient
// and AttachmentService, the connection to the rendezvous (with reconnects), and WebRTC upgrades.
// The outbox is the protocol's (in the IndexedDB store). Components read its state and call its
// methods; it announces changes with a `change` event, and a changed message with `message:changed`.
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../../protocol/chat-client.ts'
import { GroupClient } from '../../protocol/groups/group-client.ts'
import { errorMessage } from '../../protocol/errors.ts'
import { DeviceIdentity, parsePeerId } from '../../protocol/identity.ts'
import { openAppDb, deleteAppDb } from '../store/app-db.ts'
import { AppData } from '../store/app-data.ts'
import { IdbChatStore } from '../store/idb-chat-store.ts'
import { newQueuedText } from '../../protocol/messages/outbox.ts'
import { GroupActions } from './group-actions.ts'
import { listGroups } from './group-history.ts'
import { fetchRendezvousInfo, pickRendezvousAddress } from './rendezvous-info.ts'
import { PolicyState } from './policy-state.ts'
import { peerIdFromInvite } from './routes.ts'
import { SafetyNumbers } from './safety-numbers.ts'
import { holdTabLock } from './tab-lock.ts'
import { createWebNode } from './web-node.ts'
import { WebAttachments } from './web-attachments.ts'
import { WebRTCUpgrader } from './webrtc-upgrade.ts'
import { toView } from './view-model.ts'
import type { RendezvousInfo } from './rendezvous-info.ts'
import type { ViewGroup, ViewMessage } from './view-model.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { ChatMessage } from '../../protocol/store/chat-store.ts'
import type { AppDb, Contact } from '../store/app-db.ts'
import type { LocalExport } from '../store/app-data.ts'
import type { PeerId } from '@libp2p/interface'

export type Phase = 'loading' | 'first-run' | 'ready' | 'failed'
export type RendezvousState = 'connecting' | 'online' | 'offline'

export type { ViewAttachment, ViewGroup, ViewMessage } from './view-model.ts'

/** Reconnects to the page's own node: a refused attempt is one cheap failed WebSocket. */
const RECONNECT_MIN_MS = 500
const RECONNECT_MAX_MS = 5_000
const RECONNECT_FACTOR = 1.5
/** How long a send waits for a WebRTC upgrade before going over the relayed connection. */
const SEND_UPGRADE_WAIT_MS = 3_000
const TAB_LOCK = 'babacloud-chat-node'
/**
 * How often the open conversation tries WebRTC again while it has none: the peer may have come
 * online since. A try at an offline peer costs one refused relay request.
 */
const UPGRADE_RETRY_MS = 15_000

export class ChatService extends EventTarget {
  phase: Phase = 'loading'
  peerId?: string
  rendezvous: RendezvousState = 'connecting'
  outboxCount = 0
  contacts: Contact[] = []
  groups: ViewGroup[] = []
  /** The node's privacy policy and the version this browser acknowledged. */
  readonly policy = new PolicyState({
    data: () => this.#data,
    accounts: () => this.rendezvous === 'online' ? this.#client?.accounts : undefined,
    changed: () => { this.#changed() }
  })
  /** Last problem worth showing (unreachable rendezvous, a refused message); cleared on success. */
  notice?: string

  #db?: AppDb
  #data?: AppData
  #store?: IdbChatStore
  #identity?: DeviceIdentity
  #node?: ChatNode
  #client?: ChatClient
  #groups?: GroupClient
  #files?: WebAttachments
  #safetyNumbers?: SafetyNumbers
  #rendezvousPeer?: string
  #upgrader?: WebRTCUpgrader
  #retryTimer?: ReturnType<typeof setTimeout>
  #backoff = RECONNECT_MIN_MS
  #closed = false
  #tabLocked = false
  #activePeer?: string
  #upgradeTimer?: ReturnType<typeof setInterval>

  async init (): Promise<void> {
    try {
      this.#db = await openAppDb(undefined, () => {
        this.phase = 'failed'
        this.notice = 'Local data was deleted or upgraded in another tab. Reload this page.'
        this.#changed()
      })
      this.#data = new AppData(this.#db)
      this.#store = new IdbChatStore(this.#db)
      this.#files = new WebAttachments({
        db: this.#db,
        store: this.#store,
        data: this.#data,
        onChange: async () => { await this.#refresh() },
        onProblem: text => {
          this.notice = text
          this.#changed()
        }
      })
      const record = await this.#data.loadIdentity()
      if (record == null) {
        this.phase = 'first-run'
        this.#changed()
        return
      }
      this.#identity = await DeviceIdentity.fromSeed(record.seed)
      await this.#ready()
    } catch (err) {
      this.phase = 'failed'
      this.notice = `Local storage is unavailable: ${errorMessage(err)}`
      this.#changed()
    }
  }

  async createIdentity (): Promise<void> {
    if (this.#identity != null || this.#data == null) return
    const identity = await DeviceIdentity.generate()
    await this.#data.saveIdentity({ seed: identity.toSeed(), peerId: identity.peerId.toString(), createdAt: Date.now() })
    this.#identity = identity
    await this.#ready()
  }

  async #ready (): Promise<void> {
    this.peerId = this.#identity?.peerId.toString()
    this.phase = 'ready'
    await this.#refresh()
    void this.#startNetwork()
  }

  async #refresh (): Promise<void> {
    this.contacts = await this.#data?.listContacts() ?? []
    this.outboxCount = (await this.#store?.listOutbox() ?? []).filter(e => !e.control).length
    if (this.#store != null && this.peerId != null) this.groups = await listGroups(this.#store, this.peerId)
    this.#changed()
  }

  async #startNetwork (): Promise<void> {
    if (this.#closed || this.#client != null || this.#identity == null || this.#data == null) return
    if (!this.#tabLocked) {
      this.#tabLocked = true
      await holdTabLock(TAB_LOCK, () => {
        this.#setRendezvous('offline', 'BabaCloud Chat is open in another tab of this browser. This tab takes over when that one closes.')
      })
      this.notice = undefined
      this.#setRendezvous('connecting')
    }
    let info: RendezvousInfo | undefined
    try {
      info = await fetchRendezvousInfo()
      await this.#data.setSetting('rendezvous', info)
      void this.policy.load()
    } catch {
      // Started while the node is down: its last known addresses let the outbox work meanwhile.
      info = await this.#data.getSetting<RendezvousInfo>('rendezvous')
    }
    const address = info == null ? undefined : pickRendezvousAddress(info, location)
    if (info == null || address == null) {
      this.#setRendezvous('offline', info == null ? 'The rendezvous node does not answer.' : 'This rendezvous node offers no WebSocket address this page may use.')
      this.#scheduleRetry(() => { void this.#startNetwork() })
      return
    }
    let node: ChatNode
    try {
      node = await createWebNode({ identity: this.#identity, rendezvous: address, iceServers: info.iceServers })
    } catch (err) {
      this.#setRendezvous('offline', `The chat node could not start in this browser: ${errorMessage(err)}`)
      return
    }
    this.#node = node
    this.#rendezvousPeer = info.peerId
    this.#upgrader = new WebRTCUpgrader(node, address)
    node.addEventListener('peer:connect', evt => { this.#onPeer(evt.detail, true) })
    node.addEventListener('peer:disconnect', evt => { this.#onPeer(evt.detail, false) })
    node.addEventListener('self:peer:update', () => { this.#changed() })
    node.addEventListener('connection:open', () => { this.#changed() })
    node.addEventListener('connection:close', () => { this.#changed() })
    const client = new ChatClient({
      node,
      identity: this.#identity,
      store: this.#store as IdbChatStore,
      rendezvous: multiaddr(address),
      // WebRTC is this app's job (WebRTCUpgrader); without it, live delivery takes the relayed path.
      circuitFallback: true,
      // Stored messages turn "delivered" once the recipient has taken them (DESIGN.md, step 5).
      deliveryReceipts: true
    })
    this.#client = client
    client.addEventListener('message', evt => { void this.#onMessage(evt.detail.peer) })
    // A status or path moved: the screen updates that one message; no reload.
    client.addEventListener('message:changed', evt => { void this.#messageChanged(evt.detail) })
    client.addEventListener('path', () => { this.#changed() })
    client.addEventListener('refused', ({ detail: r }) => {
      this.notice = `A message from ${r.from} was refused: it came without your session's encryption (a replay or a downgrade).`
      this.#changed()
    })
    // Registered before the first sync, so invitations, keys and offers waiting in the mailbox find
    // their handlers (as the CLI's inbox does).
    const groups = new GroupClient({ chat: client })
    this.#groups = groups
    groups.addEventListener('message', () => { void this.#refresh() })
    groups.addEventListener('group', () => { void this.#refresh() })
    try {
      await this.#files?.start(client)
      await client.start()
    } catch (err) {
      this.#setRendezvous('offline', `The rendezvous node is unreachable: ${errorMessage(err)}`)
      this.#scheduleRetry(() => { void this.#reconnect() })
    }
    // Joins the group topics; key hand-outs it cannot make now wait in the background.
    await groups.start().catch(() => {})
    await this.#refresh()
  }

  #onPeer (peer: PeerId, connected: boolean): void {
    if (peer.toString() === this.#rendezvousPeer) {
      if (connected) {
        this.#backoff = RECONNECT_MIN_MS
        this.#setRendezvous('online')
        void this.flushOutbox()
        if (this.#activePeer != null) this.prepareConversation(this.#activePeer)
      } else {
        this.#setRendezvous('offline')
        this.#scheduleRetry(() => { void this.#reconnect() })
      }
    } else if (connected && peer.toString() === this.#activePeer) {
      // The open conversation's peer just reached us (through the relay): go direct.
      this.prepareConversation(this.#activePeer)
    }
    this.#changed()
  }

  async #reconnect (): Promise<void> {
    if (this.#client == null || this.#closed) return
    if (this.rendezvous === 'online') return
    this.#setRendezvous('connecting')
    try {
      await this.#client.connect()
    } catch {
      this.#setRendezvous('offline')
      this.#scheduleRetry(() => { void this.#reconnect() })
    }
  }

  #scheduleRetry (fn: () => void): void {
    if (this.#retryTimer != null || this.#closed) return
    const delay = this.#backoff
    this.#backoff = Math.min(this.#backoff * RECONNECT_FACTOR, RECONNECT_MAX_MS)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      fn()
    }, delay)
  }

  /**
   * The page is going away: abort every connection now, so that the other browsers see WebRTC close at
   * once instead of after ICE gives up (about 15 s) and use the mailbox meanwhile.
   */
  pageHidden (): void {
    for (const connection of this.#node?.getConnections() ?? []) connection.abort(new Error('page closed'))
  }

  /** The browser came back online: try at once instead of waiting out the backoff. */
  retryNow (): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
    this.#backoff = RECONNECT_MIN_MS
    if (this.#client == null) void this.#startNetwork()
    else void this.#reconnect()
  }

  #setRendezvous (state: RendezvousState, notice?: string): void {
    this.rendezvous = state
    if (notice != null) this.notice = notice
    if (state === 'online') this.notice = undefined
    this.#changed()
  }

  async #onMessage (peer: string): Promise<void> {
    if (await this.#data?.getContact(peer) == null) {
      // A first message from someone not in the list: show the conversation, nickname left to the user.
      await this.#data?.putContact({ peerId: peer, nickname: '', addedAt: Date.now() })
    }
    await this.#refresh()
  }

  /** Adds or renames a contact from a PeerId or an invite link. */
  async addContact (input: string, nickname: string): Promise<Contact> {
    const peer = parsePeerId(peerIdFromInvite(input)).toString()
    if (peer === this.peerId) throw new Error('That is your own PeerId.')
    const existing = await this.#data?.getContact(peer)
    const contact = { peerId: peer, nickname: nickname.trim(), addedAt: existing?.addedAt ?? Date.now() }
    await this.#data?.putContact(contact)
    await this.#refresh()
    return contact
  }

  /** How this device is connected to `peer` right now (the client's `path` events keep it fresh). */
  peerPath (peer: string): DeliveryPath | undefined {
    try {
      return this.#client?.pathTo(parsePeerId(peer))
    } catch {
      return undefined
    }
  }

  async #messageChanged (message: ChatMessage): Promise<void> {
    const [view] = await this.#files?.attach([toView(message)]) ?? [toView(message)]
    this.dispatchEvent(new CustomEvent('message:changed', { detail: view }))
    // Only the outbox count can change with it; nothing else is reloaded.
    const count = (await this.#store?.listOutbox() ?? []).filter(e => !e.control).length
    if (count !== this.outboxCount) {
      this.outboxCount = count
      this.#changed()
    }
  }

  /**
   * True once the rendezvous relays for this device (a relay reservation): other browsers can reach
   * it live, not only through the mailbox.
   */
  get reachable (): boolean {
    return this.#node?.getMultiaddrs().some(ma => ma.toString().includes('/p2p-circuit')) ?? false
  }

  /** The conversation on screen, if any: its peer gets a WebRTC upgrade whenever one is possible. */
  setActiveConversation (peer: string | undefined): void {
    this.#activePeer = peer
    clearInterval(this.#upgradeTimer)
    this.#upgradeTimer = undefined
    if (peer == null) return
    this.prepareConversation(peer)
    this.#upgradeTimer = setInterval(() => { this.prepareConversation(peer) }, UPGRADE_RETRY_MS)
  }

  /** Opening a conversation starts the WebRTC upgrade, so the first message already goes direct. */
  prepareConversation (peer: string): void {
    if (this.rendezvous !== 'online' || this.#upgrader == null || this.#client == null) return
    let target: PeerId
    try {
      target = parsePeerId(peer)
    } catch {
      return
    }
    // The one route decision: no dial at a peer that is on WebRTC already or has just left.
    if (!this.#client.route(target).upgrade) return
    void this.#upgrader.upgrade(target).then(() => { this.#changed() })
  }

  async conversation (peer: string): Promise<ViewMessage[]> {
    if (this.#store == null) return []
    const messages = (await this.#store.listMessages({ peer, limit: 500 })).map(toView)
    return await this.#files?.attach(messages) ?? messages
  }

  /**
   * Writes a message: into the outbox and out at once when a way is open, else it waits there and
   * leaves by itself (same envelope id on every try) once the node is back.
   */
  async send (peer: string, text: string): Promise<void> {
    if (await this.#data?.getContact(peer) == null) await this.#data?.putContact({ peerId: peer, nickname: '', addedAt: Date.now() })
    const client = this.#client
    if (client == null) {
      // No node in this page yet: the message waits in the store's outbox for the client.
      const { message, entry } = newQueuedText(parsePeerId(peer).toString(), text, Date.now())
      await this.#store?.addMessage(message, entry)
      await this.#refresh()
      return
    }
    const target = parsePeerId(peer)
    const path = this.peerPath(peer)
    try {
      if (this.rendezvous !== 'online' && path !== 'webrtc' && path !== 'direct') {
        await client.queue(target, text)
        await this.#refresh()
        return
      }
      // Not in time: the message takes the relayed connection (or the mailbox) instead of waiting.
      if (this.#upgrader != null && client.route(target).upgrade) await this.#upgrader.upgradeWithin(target, SEND_UPGRADE_WAIT_MS)
      const pending = client.send(target, text)
      await this.#refresh()
      await pending
    } catch (err) {
      // Unreachable now: it waits in the outbox (shown as queued) and leaves by itself later.
      if ((err as { messageId?: string }).messageId == null) this.notice = `The message could not be sent: ${errorMessage(err)}`
    }
    await this.#refresh()
  }

  /** Sends what the outbox holds now. */
  async flushOutbox (): Promise<void> {
    await this.#client?.flushOutbox()
  }

  async exportData (): Promise<LocalExport> {
    if (this.#data == null) throw new Error('local data is not open')
    return await this.#data.exportAll()
  }

  /** Stops the node and deletes every local record; the page then starts from the first run. */
  async deleteAllData (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    clearInterval(this.#upgradeTimer)
    await this.#groups?.stop().catch(() => {})
    await this.#files?.stop().catch(() => {})
    await this.#client?.stop().catch(() => {})
    await Promise.resolve(this.#node?.stop()).catch(() => {})
    await deleteAppDb(this.#db)
  }

  /** Encrypts and sends a file; the decrypted copy stays here so this side shows it too. */
  async sendAttachment (peer: string, file: File, caption = ''): Promise<void> {
    if (this.#files?.started !== true || this.rendezvous !== 'online') {
      this.notice = 'Files can be sent only while connected to the rendezvous node.'
      this.#changed()
      return
    }
    try {
      await this.#files.send(peer, file, caption)
    } catch (err) {
      this.notice = `The file could not be sent: ${errorMessage(err)}`
    }
    await this.#refresh()
  }

  /** Creating, joining, leaving and writing to groups. */
  readonly groupActions = new GroupActions({
    client: () => this.#groups,
    store: () => this.#store,
    me: () => this.peerId,
    refresh: async () => { await this.#refresh() },
    changed: () => { this.#changed() },
    notice: text => { this.notice = text }
  })

  // ---- safety numbers, accounts ----

  /** The 60 digits in twelve groups of five, as `babacloud safety-number` prints them. */
  safetyNumber (peer: string): string {
    if (this.#identity == null) return ''
    this.#safetyNumbers ??= new SafetyNumbers(this.#identity)
    return this.#safetyNumbers.with(peer)
  }

  /** The rendezvous' account protocol, once the node runs. */
  get accounts (): ChatClient['accounts'] {
    return this.#client?.accounts
  }

  async getSetting<T> (key: string): Promise<T | undefined> {
    return await this.#data?.getSetting<T>(key)
  }

  async setSetting (key: string, value: unknown): Promise<void> {
    await this.#data?.setSetting(key, value)
  }

  #changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}

