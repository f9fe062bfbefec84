// GroupClient: groups on top of a ChatClient. Group state and sender keys travel over the pairwise
// channel (`sendControl`); messages are published on the group's gossipsub topic for members online
// now, and a copy is deposited in the mailbox for every member, so each gets every message; the
// message id makes the second arrival a no-op. See docs/groups.md.
import { TypedEventEmitter } from 'main-event'
import { fromString as fromHexString } from 'uint8arrays'
import { randomBytes } from '@noble/hashes/utils.js'
import { MAX_TEXT_BYTES } from '../constants.ts'
import { parsePeerId } from '../identity.ts'
import { CONTROL_MESSAGE, CONTROL_SENDER_KEY, CONTROL_STATE } from './constants.ts'
import { GroupError, GroupErrorCode } from './errors.ts'
import { GroupDelivery } from './group-delivery.ts'
import { GroupDevices } from './group-devices.ts'
import { GroupReceiver, hex } from './group-receiver.ts'
import { GroupEncryption, GroupState, checkTransition, isLeaveNotice, newGroupId, newTopic, signState, toInfo, topicOf, withMemberSecret, withoutMember, withoutSecret } from './group-state.ts'
import { GroupStore, KeyedLock } from './group-store.ts'
import { GroupMessage, encryptMessage, generateSenderKey, signOpenMessage } from './sender-key.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { FanOutResult } from './group-delivery.ts'
import type { GroupTextMessage } from './group-receiver.ts'
import type { EncryptionSetting, GroupInfo, StateFields } from './group-state.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { ControlMessage } from '../control/types.ts'
import type { Logger } from '@libp2p/interface'

export type { GroupMessagePath, GroupTextMessage } from './group-receiver.ts'

export interface GroupChange {
  group: GroupInfo
  previous?: GroupInfo
  /** Whether this device is (still) a member. */
  member: boolean
}

export interface GroupRejection {
  groupId: string
  from: string
  code: GroupErrorCode
  reason: string
}

export interface GroupClientEvents {
  message: CustomEvent<GroupTextMessage>
  /** A state this device accepted: created, joined, changed, left or removed. */
  group: CustomEvent<GroupChange>
  /** A state update that failed the rules (forged, stale, not by an admin). */
  rejected: CustomEvent<GroupRejection>
}

export interface GroupSendResult extends FanOutResult {
  id: string
}

export interface GroupChangeResult extends FanOutResult {
  group: GroupInfo
}

export interface GroupClientInit {
  chat: ControlHost
  timeoutMs?: number
  /** The clock for state signatures, message times and relay proofs; default: the chat client's. */
  now?: () => number
}

const fromHex = (id: string): Uint8Array => fromHexString(id, 'base16')

export class GroupClient extends TypedEventEmitter<GroupClientEvents> {
  readonly chat: ControlHost
  readonly groups: GroupStore
  readonly #delivery: GroupDelivery
  readonly #log: Logger
  readonly #me: string
  readonly #receiver: GroupReceiver
  /** The account's other devices in this device's groups. */
  readonly #account: GroupDevices
  readonly #lock = new KeyedLock()
  readonly #now: () => number

  /** Registers the control handlers at once: construct before `chat.start()` takes the mailbox. */
  constructor (init: GroupClientInit) {
    super()
    this.chat = init.chat
    this.groups = new GroupStore(init.chat.store)
    this.#me = init.chat.peerId.toString()
    this.#log = init.chat.node.logger.forComponent('babacloud:groups')
    // The chat client's clock by default: state signatures, message times and relay proofs then
    // follow the one clock the rest of the client runs on (a simulation's, a test's).
    const clock = init.chat.clock
    this.#now = init.now ?? (clock != null ? () => clock.now() : Date.now)
    const locked = async <T>(id: string, fn: () => Promise<T>): Promise<T> => await this.#lock.run(id, fn)
    this.#delivery = new GroupDelivery({ chat: init.chat, log: this.#log, timeoutMs: init.timeoutMs, locked, now: this.#now })
    this.#receiver = new GroupReceiver({
      chat: init.chat,
      groups: this.groups,
      me: this.#me,
      log: this.#log,
      locked,
      track: work => { this.#delivery.track(work) },
      onMessage: detail => { this.safeDispatchEvent('message', { detail }) },
      joined: topic => this.#delivery.joined(topic),
      now: this.#now
    })
    this.#account = new GroupDevices({
      chat: init.chat,
      groups: this.groups,
      me: this.#me,
      log: this.#log,
      invite: async (groupId, peers) => await this.invite(groupId, peers),
      addOwn: async (groupId, devices) => await this.#change(groupId, current => {
        const added = devices.filter(d => !current.members.includes(d))
        return { members: [...current.members, ...added], admins: [...current.admins, ...devices.filter(d => !current.admins.includes(d))] }
      }),
      leave: async groupId => await this.#change(groupId, current => withoutMember(current, this.#me), true),
      onRejected: detail => { this.safeDispatchEvent('rejected', { detail }) }
    })
    this.chat.handleControl(CONTROL_STATE, async m => { await this.#onStateControl(m) })
    this.chat.handleControl(CONTROL_SENDER_KEY, async m => { await this.#receiver.onSenderKey(m) })
    this.chat.handleControl(CONTROL_MESSAGE, async m => { await this.#receiver.onMessageControl(m) })
    this.chat.node.services.pubsub.addEventListener('message', this.#receiver.onGossip)
    // Reactions, edits and deletions of group messages go to, and are taken from, its members.
    this.chat.actions?.setGroupMembers(async group => (await this.groups.getState(group))?.members)
  }

  /** Joins the topics of this device's groups and hands out sender keys a restart left unsent. */
  async start (): Promise<void> {
    this.chat.addEventListener('device:linked', this.#onDeviceLinked)
    for (const state of await this.groups.listStates()) {
      if (!state.members.includes(this.#me)) continue
      // A group stored before topics were secret: its first admin gives it one.
      if (state.topicPublic.length === 0 && state.admins[0] === this.#me) this.#delivery.track(this.#change(state.id, () => ({}), false, true))
      this.#delivery.subscribe(state)
      this.#delivery.track(this.#delivery.distributeKeys(state.id, this.groups))
      this.#delivery.track(this.#receiver.retryPending(state.id))
    }
  }

  async stop (): Promise<void> {
    this.chat.removeEventListener('device:linked', this.#onDeviceLinked)
    this.chat.node.services.pubsub.removeEventListener('message', this.#receiver.onGossip)
    await this.settled()
    this.#delivery.unsubscribeAll()
  }

  /** Resolves once background work (key hand-outs after a change) is done; CLI commands wait for it. */
  async settled (): Promise<void> {
    await this.#delivery.settled()
  }

  /**
   * A newly linked device of our account took the history, group states included: it becomes a
   * member of every group this device is in (added here where we are an admin, else an admin is
   * asked), so it reads what each group says from now on.
   */
  readonly #onDeviceLinked = (evt: CustomEvent<{ peer: string }>): void => {
    const peer = evt.detail.peer
    this.#delivery.track((async () => {
      for (const state of await this.groups.listStates()) {
        if (!state.members.includes(this.#me) || state.members.includes(peer)) continue
        await this.#account.bring(state, [peer]).catch(err => { this.#log.error('could not add the linked device %s to %s - %e', peer, state.id, err) })
      }
    })())
  }

  async list (): Promise<Array<GroupInfo & { member: boolean }>> {
    return (await this.groups.listStates()).map(s => ({ ...toInfo(s), member: s.members.includes(this.#me) }))
  }

  async get (groupId: string): Promise<GroupInfo> {
    return toInfo(await this.#require(groupId))
  }

  /** The group's messages in this device's history, oldest first. */
  async history (groupId: string): Promise<Array<{ id: string, from: string, text: string, sentAt: number }>> {
    const messages = await this.chat.store.listMessages({ group: groupId })
    return await Promise.all(messages.map(async m => ({ id: m.id, from: m.sender ?? await this.groups.getSender(m.id) ?? '', text: m.text, sentAt: m.sentAt })))
  }

  /** A new group; the account's other devices are members and admins from the start: the person manages it from any of them. */
  async create (options: { name: string, encryption?: EncryptionSetting, members?: string[] }): Promise<GroupChangeResult> {
    const own = await this.#account.others()
    const members = [this.#me, ...new Set([...own, ...await this.#devices(options.members ?? [])])].filter((m, i) => i === 0 || m !== this.#me)
    const state = signState(this.chat.identity, { id: newGroupId(), name: options.name, members, admins: [this.#me, ...own.filter(d => d !== this.#me)], encryption: options.encryption ?? 'e2ee', version: 1, topic: newTopic(this.chat.identity) }, this.#now())
    return await this.#commit(undefined, state)
  }

  /** Adds device PeerIds, or every device of an `@username`. */
  async invite (groupId: string, peers: string[]): Promise<GroupChangeResult> {
    const devices = await this.#devices(peers)
    return await this.#change(groupId, current => {
      const added = devices.filter(p => !current.members.includes(p))
      return { members: [...current.members, ...added] }
    })
  }

  async remove (groupId: string, peer: string): Promise<GroupChangeResult> {
    return await this.#change(groupId, current => {
      if (!current.members.includes(peer)) throw new GroupError(GroupErrorCode.NOT_MEMBER, `${peer} is not a member of ${groupId}`)
      return { members: current.members.filter(m => m !== peer), admins: current.admins.filter(a => a !== peer) }
    })
  }

  async rename (groupId: string, name: string): Promise<GroupChangeResult> {
    return await this.#change(groupId, () => ({ name }))
  }

  /**
   * Signs a state without this device; the others accept it although we are not an admin. The
   * account's other devices in the group are told, and leave too.
   */
  async leave (groupId: string): Promise<GroupChangeResult> {
    const result = await this.#change(groupId, current => withoutMember(current, this.#me), true)
    this.#delivery.track(this.#account.left(groupId))
    return result
  }

  /** Sends a text to the group; `replyTo`: the id of a message of this group it answers. */
  async send (groupId: string, text: string, options: { replyTo?: string } = {}): Promise<GroupSendResult> {
    if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) throw new GroupError(GroupErrorCode.TOO_LARGE, `message is over ${MAX_TEXT_BYTES} bytes`)
    const quoted = options.replyTo == null ? undefined : await this.chat.store.getMessage(options.replyTo)
    if (options.replyTo != null && quoted?.group !== groupId) throw new GroupError(GroupErrorCode.NOT_FOUND, `no message ${options.replyTo} in group ${groupId}`)
    const replyPreview = options.replyTo == null ? undefined : await this.chat.actions?.quote(options.replyTo, { group: groupId, peer: groupId })
    const { message, state, stored } = await this.#lock.run(groupId, async () => {
      const state = await this.#require(groupId)
      if (!state.members.includes(this.#me)) throw new GroupError(GroupErrorCode.NOT_MEMBER, `this device is not a member of ${groupId}`)
      const sentAt = this.#now()
      // The group's timer as this member knows it: the expiry travels signed in the message.
      const timerMs = await this.chat.disappearing?.timerMs({ group: groupId })
      const expiresAt = timerMs != null ? sentAt + timerMs : undefined
      const header = { id: randomBytes(16), groupId, sender: this.#me, sentAt, ...(options.replyTo != null ? { replyTo: fromHex(options.replyTo) } : {}), ...(expiresAt != null ? { expiresAt } : {}) }
      let message: GroupMessage
      if (state.encryption === GroupEncryption.OPEN) {
        message = signOpenMessage(this.chat.identity, header, text)
      } else {
        const own = await this.groups.getOwnKey(groupId)
        if (own == null) throw new GroupError(GroupErrorCode.NO_SENDER_KEY, `no sender key for ${groupId}`)
        const sealed = encryptMessage(own, header, text)
        // Persisted before it leaves: a crash must never make us reuse a message key.
        await this.groups.putOwnKey(sealed.record)
        message = sealed.message
      }
      const id = hex(message.id)
      await this.groups.setSender(id, this.#me)
      const reply = options.replyTo == null ? {} : { replyTo: options.replyTo, ...(replyPreview != null ? { replyPreview } : {}) }
      const stored: ChatMessage = { id, peer: groupId, direction: 'out', text, sentAt: header.sentAt, receivedAt: header.sentAt, status: 'sent', group: groupId, sender: this.#me, ...reply, ...(expiresAt != null ? { expiresAt } : {}) }
      await this.chat.store.addMessage(stored)
      this.chat.expiry?.add(stored)
      return { message, state, stored }
    })
    const id = hex(message.id)
    // The account's other devices show it as sent by you; their copy never fails the send.
    await this.chat.own?.sent(stored).catch(err => { this.#log.error('could not tell the account\'s other devices about %s - %e', id, err) })
    const result = await this.#delivery.publish(state, GroupMessage.encode(message), message.expiresAt > 0n ? Number(message.expiresAt) : undefined)
    const ok = result.failures.length === 0 || result.successes.length > 0 || result.published > 0
    await this.chat.store.updateMessage(id, ok ? { status: 'stored' } : { status: 'failed', error: 'no member or relay took it' })
    return { id, ...result }
  }

  /** Applies a state received from elsewhere; throws GroupError when the rules refuse it. */
  async receiveState (received: GroupState): Promise<GroupInfo> {
    let state = received
    const { previous } = await this.#lock.run(state.id, async () => {
      const current = await this.groups.getState(state.id)
      if (current == null && !state.members.includes(this.#me)) throw new GroupError(GroupErrorCode.NOT_MEMBER, 'not a member of this group')
      try {
        checkTransition(current, state)
        if (state.members.includes(this.#me)) state = withMemberSecret(current, state)
      } catch (err) {
        // Outside the lock: removing takes it again.
        if (current?.admins.includes(this.#me) === true && isLeaveNotice(current, state)) {
          this.#delivery.track(this.remove(state.id, state.author))
        }
        throw err
      }
      await this.groups.putState(state)
      if (current?.members.includes(this.#me) !== true && state.members.includes(this.#me)) await this.groups.adoptEarlyKeys(state.id, state.members)
      await this.#react(current, state)
      return { previous: current }
    })
    this.#delivery.track(this.#delivery.distributeKeys(state.id, this.groups))
    if (previous == null) this.#delivery.track(this.#receiver.retryPending(state.id))
    this.#announce(previous, state)
    // Joined just now: the account's other devices follow into the group.
    if (state.members.includes(this.#me) && previous?.members.includes(this.#me) !== true) this.#delivery.track(this.#account.bring(state))
    // A member left and the topic stayed (it signed its own leave): the first admin makes a new
    // topic secret, so the one who left cannot follow the group's traffic on the relay.
    const gone = previous?.members.some(m => !state.members.includes(m)) === true
    if (gone && state.admins[0] === this.#me && topicOf(previous as GroupState).topicPublic.every((b, i) => b === state.topicPublic[i])) {
      this.#delivery.track(this.#change(state.id, () => ({}), false, true))
    }
    return toInfo(state)
  }

  async #change (groupId: string, mutate: (current: GroupState) => Partial<StateFields>, selfRemoval = false, rotateTopic = false): Promise<GroupChangeResult> {
    const current = await this.#require(groupId)
    if (!current.members.includes(this.#me)) throw new GroupError(GroupErrorCode.NOT_MEMBER, `this device is not a member of ${groupId}`)
    if (!selfRemoval && !current.admins.includes(this.#me)) throw new GroupError(GroupErrorCode.NOT_ADMIN, `only an admin of ${groupId} can do that`)
    const info = toInfo(current)
    const fields = { ...info, ...mutate(current), version: info.version + 1 }
    // Whoever is removed must not keep the topic secret: an admin removing someone makes a new one.
    // A member leaving cannot (it would know the new one); the first admin rotates after it.
    const removed = current.members.some(m => !fields.members.includes(m))
    const topic = !selfRemoval && (removed || rotateTopic) ? newTopic(this.chat.identity) : topicOf(current)
    const next = signState(this.chat.identity, { ...fields, topic }, this.#now())
    return await this.#commit(current, next)
  }

  /** Applies our own new state, then tells every member old and new (removed ones learn it too). */
  async #commit (current: GroupState | undefined, next: GroupState): Promise<GroupChangeResult> {
    await this.#lock.run(next.id, async () => {
      const latest = await this.groups.getState(next.id)
      if (latest != null && current != null && latest.version !== current.version) throw new GroupError(GroupErrorCode.STALE, 'the group changed meanwhile; retry')
      checkTransition(latest, next)
      await this.groups.putState(next)
      await this.#react(latest, next)
    })
    this.#announce(current, next)
    const members = next.members.filter(m => m !== this.#me)
    // Removed members learn they are out, without the new topic secret.
    const removed = (current?.members ?? []).filter(m => m !== this.#me && !next.members.includes(m))
    const result = await this.#delivery.sendToMembers(members, CONTROL_STATE, GroupState.encode(next))
    const told = await this.#delivery.sendToMembers(removed, CONTROL_STATE, GroupState.encode(withoutSecret(next)))
    result.successes.push(...told.successes)
    result.failures.push(...told.failures)
    await this.#delivery.distributeKeys(next.id, this.groups)
    return { group: toInfo(next), ...result }
  }

  /** Local consequences of a new state: leave the topic, or rotate the own key after a removal. */
  async #react (previous: GroupState | undefined, next: GroupState): Promise<void> {
    if (!next.members.includes(this.#me)) {
      this.#delivery.unsubscribe(next.id)
      // Secrets go; the key id stays, so a later re-invitation continues with a fresh, higher one.
      const own = await this.groups.getOwnKey(next.id)
      if (own != null) await this.groups.putOwnKey({ ...own, chainKey: new Uint8Array(0), signingSecret: new Uint8Array(0), initialChainKey: new Uint8Array(0), audience: [], skipped: [] })
      return
    }
    const removed = previous?.members.filter(m => !next.members.includes(m)) ?? []
    for (const peer of removed) await this.groups.deleteKeysOf(next.id, peer)
    if (next.encryption === GroupEncryption.E2EE) {
      const own = await this.groups.getOwnKey(next.id)
      // A removed member holds our current chain: only a fresh key keeps later messages from it.
      if (own == null || own.signingSecret.length === 0 || removed.length > 0) {
        const audience = next.members.filter(m => m !== this.#me)
        await this.groups.putOwnKey(generateSenderKey(next.id, this.#me, (own?.keyId ?? 0) + 1, audience))
      }
    }
    this.#delivery.subscribe(next)
  }

  #announce (previous: GroupState | undefined, next: GroupState): void {
    this.safeDispatchEvent('group', { detail: { group: toInfo(next), previous: previous == null ? undefined : toInfo(previous), member: next.members.includes(this.#me) } })
  }

  async #onStateControl (m: ControlMessage): Promise<void> {
    const reject = (code: GroupErrorCode, reason: string, groupId = ''): void => {
      this.#log('rejected a group state from %p - %s', m.from, reason)
      this.safeDispatchEvent('rejected', { detail: { groupId, from: m.from.toString(), code, reason } })
    }
    let state: GroupState
    try {
      state = GroupState.decode(m.body)
    } catch (err) {
      reject(GroupErrorCode.INVALID, `malformed group state: ${(err as Error).message}`)
      return
    }
    try {
      await this.receiveState(state)
    } catch (err) {
      // Refused, not failed: answering with an error would only make the sender retry via the mailbox.
      if (!GroupError.is(err)) throw err
      reject(err.code, err.message, state.id)
    }
  }

  async #require (groupId: string): Promise<GroupState> {
    const state = await this.groups.getState(groupId)
    if (state == null) throw new GroupError(GroupErrorCode.NOT_FOUND, `no group ${groupId} on this device`)
    return state
  }

  /** Members are devices: an `@username` stands for the account's devices at the rendezvous. */
  async #devices (peers: string[]): Promise<string[]> {
    const out: string[] = []
    for (const p of peers) {
      if (!p.startsWith('@')) {
        out.push(parsePeerId(p).toString())
        continue
      }
      if (this.chat.accounts == null) throw new GroupError(GroupErrorCode.INVALID, `cannot resolve ${p} without a rendezvous`)
      const devices = await this.chat.accounts.resolve(p)
      if (devices.length === 0) throw new GroupError(GroupErrorCode.NOT_FOUND, `${p} has no devices`)
      out.push(...devices.map(d => parsePeerId(d).toString()))
    }
    return [...new Set(out)].filter(p => p !== this.#me)
  }
}
