// What lives as long as a connection to the page's node can: the browser's libp2p node, its
// ChatClient and GroupClient, reconnects to the rendezvous, and WebRTC upgrades for the open
// conversation. Built once the node exists (session-launch.ts), with everything it needs; stopped
// when the page deletes its data. It announces `change` for its own state (rendezvous, paths,
// reachability, account); message changes go to the page's local data, which the screens follow.
import { errorMessage } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { Profiles } from '../../protocol/control/profiles.ts'
import { AccountState } from './account-state.ts'
import { Backoff } from './backoff.ts'
import { GroupActions } from './group-actions.ts'
import { MessageCommands } from './message-commands.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { GroupClient } from '../../protocol/groups/group-client.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { LocalData } from './local-data.ts'
import type { WebRTCUpgrader } from './webrtc-upgrade.ts'
import type { PeerId } from '@libp2p/interface'

export type RendezvousState = 'connecting' | 'online' | 'offline'

/** How long a send waits for a WebRTC upgrade before going over the relayed connection. */
const SEND_UPGRADE_WAIT_MS = 3_000
/** How often the open conversation tries WebRTC again while it has none: the peer may be back. */
const UPGRADE_RETRY_MS = 15_000

export interface NetworkSessionInit {
  node: ChatNode
  client: ChatClient
  groups: GroupClient
  upgrader: WebRTCUpgrader
  /** The rendezvous' PeerId: its connection is the session's "online". */
  rendezvousPeer: string
  local: LocalData
  /** The node's attachment limit (ciphertext bytes), when it told it. */
  attachmentMaxBytes?: number
  /** A problem worth showing the user. */
  notice(text: string | undefined): void
}

export class NetworkSession extends EventTarget {
  rendezvous: RendezvousState = 'connecting'
  readonly client: ChatClient
  readonly groups: GroupClient
  readonly groupActions: GroupActions
  readonly messages: MessageCommands
  readonly account: AccountState
  readonly profiles: Profiles
  readonly #init: NetworkSessionInit
  readonly #backoff = new Backoff()
  #activePeer?: string
  #upgradeTimer?: ReturnType<typeof setInterval>
  #stopped = false

  constructor (init: NetworkSessionInit) {
    super()
    this.#init = init
    this.client = init.client
    this.groups = init.groups
    this.groupActions = new GroupActions(init.groups, async () => { await init.local.refresh() })
    this.messages = new MessageCommands(init.client, init.local, text => { init.notice(text) })
    // Registered here, before the first sync: profiles waiting in the mailbox find their handler.
    this.profiles = new Profiles({
      control: init.client.control,
      store: init.client.store,
      log: init.node.logger.forComponent('babacloud:profiles'),
      onChange: peer => { void init.local.profileChanged(peer) }
    })
    this.account = new AccountState(init.client.accounts as NonNullable<ChatClient['accounts']>, () => { this.#changed() }, {
      history: init.client.history,
      afterHistory: async () => { await init.local.historyArrived(await init.client.contacts.list()) },
      withdrawPrekeys: async () => await init.client.sessions.withdrawPrekeys()
    })
  }

  /** Registers the plugins, connects and takes what waits in the mailbox; rejects when the node is unreachable (it retries by itself). */
  async start (): Promise<void> {
    const { node, client, groups, local } = this.#init
    node.addEventListener('peer:connect', evt => { this.#onPeer(evt.detail, true) })
    node.addEventListener('peer:disconnect', evt => { this.#onPeer(evt.detail, false) })
    node.addEventListener('self:peer:update', () => { this.#changed() })
    // A group's timer line names its member: not a contact of its own.
    client.addEventListener('message', evt => { if (evt.detail.group == null) void local.ensureContact(evt.detail.peer) })
    // A message was added or moved: the screens patch that one message; nothing is reloaded.
    client.addEventListener('message:changed', evt => { void local.messageChanged(evt.detail) })
    client.addEventListener('path', evt => { if (evt.detail.peer === this.#activePeer) this.#changed() })
    // The contact list is one for the account: a change made on another device shows here.
    client.addEventListener('contact', evt => { if (evt.detail.from === 'device') void local.contactFromDevice(evt.detail) })
    // A new device of the account took this one's history: the account screen lists it.
    client.addEventListener('device:linked', () => { void this.account.reload() })
    client.addEventListener('refused', ({ detail: r }) => {
      this.#init.notice(`A message from ${r.from} was refused: it came without your session's encryption (a replay or a downgrade).`)
    })
    groups.addEventListener('message', evt => { this.dispatchEvent(new CustomEvent('group-message', { detail: evt.detail.groupId })) })
    groups.addEventListener('group', () => { void local.refresh() })
    try {
      // Registered before the first sync, so offers waiting in the mailbox find their handler.
      await local.files.start(client, this.#init.attachmentMaxBytes)
      await client.start()
      // The plan may allow smaller files than the node does: the preview refuses by the smaller one.
      void client.accounts?.plan().then(p => { local.files.planMaxBytes = p.limits?.attachmentMaxBytes; this.#changed() }, () => {})
    } catch (err) {
      this.#setRendezvous('offline', `The rendezvous node is unreachable: ${errorMessage(err)}`)
      this.#backoff.schedule(() => { void this.#reconnect() })
    }
    // Joins the group topics; key hand-outs it cannot make now wait in the background.
    await groups.start().catch(() => {})
    await local.refresh()
  }

  async stop (): Promise<void> {
    this.#stopped = true
    this.#backoff.stop()
    clearInterval(this.#upgradeTimer)
    await this.#init.groups.stop().catch(() => {})
    await this.#init.local.files.detach().catch(() => {})
    await this.client.stop().catch(() => {})
    await Promise.resolve(this.#init.node.stop()).catch(() => {})
  }

  #onPeer (peer: PeerId, connected: boolean): void {
    const id = peer.toString()
    if (id === this.#init.rendezvousPeer) {
      if (connected) {
        this.#backoff.reset()
        this.#setRendezvous('online')
        if (this.#activePeer != null) this.prepareConversation(this.#activePeer)
      } else {
        this.#setRendezvous('offline')
        this.#backoff.schedule(() => { void this.#reconnect() })
      }
    } else if (connected && id === this.#activePeer) {
      // The open conversation's peer just reached us (through the relay): go direct.
      this.prepareConversation(id)
    }
    this.#changed()
  }

  async #reconnect (): Promise<void> {
    if (this.#stopped || this.rendezvous === 'online') return
    this.#setRendezvous('connecting')
    try {
      await this.client.connect()
    } catch {
      this.#setRendezvous('offline')
      this.#backoff.schedule(() => { void this.#reconnect() })
    }
  }

  /** The browser came back online: try at once instead of waiting out the backoff. */
  retryNow (): void {
    this.#backoff.cancel()
    void this.#reconnect()
  }

  /**
   * The page is going away: abort every connection now, so that the other browsers see WebRTC close at
   * once instead of after ICE gives up (about 15 s) and use the mailbox meanwhile.
   */
  pageHidden (): void {
    for (const connection of this.#init.node.getConnections()) connection.abort(new Error('page closed'))
  }

  /** True once the rendezvous relays for this device: others reach it live, not only through the mailbox. */
  get reachable (): boolean {
    return this.#init.node.getMultiaddrs().some(ma => ma.getComponents().some(c => c.name === 'p2p-circuit'))
  }

  /** How this device is connected to `peer` right now (the client's `path` events keep it fresh). */
  peerPath (peer: string): DeliveryPath | undefined {
    try {
      return this.client.pathTo(parsePeerId(peer))
    } catch {
      return undefined
    }
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
    if (this.rendezvous !== 'online') return
    let target: PeerId
    try {
      target = parsePeerId(peer)
    } catch {
      return
    }
    // The one route decision: no dial at a peer that is on WebRTC already or has just left.
    if (!this.client.route(target).upgrade) return
    void this.#init.upgrader.upgrade(target).then(() => { this.#changed() })
  }

  /**
   * Sends a message: into the outbox and out at once when a way is open, else it waits there and
   * leaves by itself (same envelope id on every try) once the node is back. `replyTo`: the message it answers.
   */
  async send (peer: string, text: string, replyTo?: string): Promise<void> {
    const target = parsePeerId(peer)
    const path = this.peerPath(peer)
    try {
      if (this.rendezvous !== 'online' && path !== 'webrtc' && path !== 'direct') {
        await this.client.queue(target, text, { replyTo })
        return
      }
      // Not in time: the message takes the relayed connection (or the mailbox) instead of waiting.
      if (this.client.route(target).upgrade) await this.#init.upgrader.upgradeWithin(target, SEND_UPGRADE_WAIT_MS)
      await this.client.send(target, text, { replyTo })
    } catch (err) {
      // Unreachable now: it waits in the outbox (shown as queued) and leaves by itself later.
      if ((err as { messageId?: string }).messageId == null) this.#init.notice(`The message could not be sent: ${errorMessage(err)}`)
    }
  }

  /**
   * Encrypts and sends a file with its caption to a contact or to every other member of a group;
   * the decrypted copy stays here so this side shows it too.
   */
  async sendAttachment (target: { peer: string } | { groupId: string }, file: File, caption = ''): Promise<void> {
    if (!this.#init.local.files.started || this.rendezvous !== 'online') {
      this.#init.notice('Files can be sent only while connected to the rendezvous node.')
      return
    }
    try {
      if ('peer' in target) {
        await this.#init.local.files.send({ kind: 'peer', peer: target.peer }, file, caption)
        return
      }
      const me = this.client.peerId.toString()
      const group = await this.groups.get(target.groupId)
      if (!group.members.includes(me)) throw new Error('you are no longer a member of this group')
      const members = group.members.filter(m => m !== me)
      if (members.length === 0) throw new Error('nobody else is in this group yet')
      await this.#init.local.files.send({ kind: 'group', groupId: target.groupId, members }, file, caption)
    } catch (err) {
      this.#init.notice(`The file could not be sent: ${errorMessage(err)}`)
    }
  }

  #setRendezvous (state: RendezvousState, notice?: string): void {
    this.rendezvous = state
    if (notice != null) this.#init.notice(notice)
    if (state === 'online') this.#init.notice(undefined)
    this.#changed()
  }

  #changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
