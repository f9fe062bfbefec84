// The receiving side of groups: sender keys from other members, and group messages from the topic
// or the mailbox. Each message is checked against the group state (sender a member, encryption as
// configured), opened at most once (its id in the history), or parked until its sender key arrives.
import { toString as uint8ArrayToString } from 'uint8arrays'
import { GROUP_ID_PATTERN, GROUP_TOPIC_PREFIX, MAX_EARLY_SENDER_KEYS, MAX_GROUP_MESSAGE_BYTES } from './constants.ts'
import { GroupError, GroupErrorCode } from './errors.ts'
import { isExpiryInBounds } from '../control/disappearing.ts'
import { GroupEncryption } from './generated/groups.ts'
import { GroupMessage, SenderKeyDistribution, decryptMessage, recordFromDistribution, verifyOpenMessage } from './sender-key.ts'
import { openGossip } from './topic-key.ts'
import type { JoinedTopic } from './group-delivery.ts'
import type { GroupStore } from './group-store.ts'
import type { GroupState } from './generated/groups.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { ControlMessage } from '../control/types.ts'
import type { DeliveryPath } from '../delivery/path.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { Message } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'

export type GroupMessagePath = 'gossip' | DeliveryPath

export interface GroupTextMessage {
  id: string
  groupId: string
  groupName: string
  from: string
  text: string
  sentAt: number
  path: GroupMessagePath
  /** Id of the group message this one answers, and its quote from this device's copy. */
  replyTo?: string
  replyPreview?: string
}

export interface GroupReceiverInit {
  chat: ControlHost
  groups: GroupStore
  me: string
  log: Logger
  locked<T>(groupId: string, fn: () => Promise<T>): Promise<T>
  /** Keeps background work awaitable (GroupClient.settled). */
  track(work: Promise<unknown>): void
  onMessage(message: GroupTextMessage): void
  /** The group of a topic this device is subscribed to. */
  joined(topic: string): JoinedTopic | undefined
  now(): number
}

export function hex (bytes: Uint8Array): string {
  return uint8ArrayToString(bytes, 'base16')
}

export class GroupReceiver {
  readonly #init: GroupReceiverInit

  constructor (init: GroupReceiverInit) {
    this.#init = init
  }

  async onSenderKey (m: ControlMessage): Promise<void> {
    let dist: SenderKeyDistribution
    try {
      dist = SenderKeyDistribution.decode(m.body)
    } catch {
      return
    }
    const owner = m.from.toString()
    if (!GROUP_ID_PATTERN.test(dist.groupId)) return
    const stored = await this.#init.locked(dist.groupId, async () => {
      const state = await this.#init.groups.getState(dist.groupId)
      // A known group only takes its members' keys.
      if (state != null && !state.members.includes(owner)) return false
      try {
        const record = recordFromDistribution(owner, dist)
        if (state == null || !state.members.includes(this.#init.me)) {
          // A key may come before the invitation it follows (also to a group known from the history
          // of another device of the account), but anyone can send keys for made-up groups: these
          // wait in a small set whose oldest entries go first.
          await this.#init.groups.putEarlyKey({ ...record, receivedAt: BigInt(this.#init.now()) }, MAX_EARLY_SENDER_KEYS)
          return false
        }
        if (await this.#init.groups.getKey(dist.groupId, owner, dist.keyId) != null) return false
        await this.#init.groups.putKey(record)
      } catch (err) {
        this.#init.log('dropped a malformed sender key from %p - %e', m.from, err)
        return false
      }
      return true
    })
    if (stored) await this.retryPending(dist.groupId)
  }

  async onMessageControl (m: ControlMessage): Promise<void> {
    const message = decodeMessage(m.body)
    // The mailbox took this copy only from its signer; it must be the message's author.
    if (message == null || message.sender !== m.from.toString()) return
    await this.#receive(message, m.path)
  }

  readonly onGossip = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (!msg.topic.startsWith(GROUP_TOPIC_PREFIX) || msg.type !== 'signed') return
    const joined = this.#init.joined(msg.topic)
    const opened = joined == null ? undefined : openGossip(joined.gossipKey, msg.topic, msg.data)
    const message = opened == null ? undefined : decodeMessage(opened)
    // StrictSign: `from` is the publisher the gossipsub signature proves.
    if (message == null || message.groupId !== joined?.groupId || msg.from.toString() !== message.sender) return
    this.#init.track(this.#receive(message, 'gossip'))
  }

  async #receive (message: GroupMessage, path: GroupMessagePath): Promise<void> {
    await this.#init.locked(message.groupId, async () => {
      const state = await this.#init.groups.getState(message.groupId)
      if (state == null || !state.members.includes(this.#init.me) || !state.members.includes(message.sender)) return
      const id = hex(message.id)
      if (await this.#init.chat.store.getMessage(id) != null) return
      await this.#open(state, message, id, path)
    })
  }

  /** Decrypts (or verifies) and stores a message; parks it when the sender's key is still on its way. */
  async #open (state: GroupState, message: GroupMessage, id: string, path: GroupMessagePath): Promise<boolean> {
    let text: string
    try {
      text = await this.#plaintext(state, message)
    } catch (err) {
      if (GroupError.is(err, GroupErrorCode.NO_SENDER_KEY)) {
        if (!await this.#init.groups.addPending(message, id)) this.#init.log.error('pending queue of %s is full; dropped %s', state.id, id)
        return false
      }
      this.#init.log('dropped group message %s - %e', id, err)
      return true
    }
    const sentAt = Number(message.sentAt)
    const expiresAt = message.expiresAt > 0n ? Number(message.expiresAt) : undefined
    // Disappearing: past its expiry it is dropped unseen; an expiry no timer allows is refused.
    if (expiresAt != null && (expiresAt <= this.#init.now() || !isExpiryInBounds(sentAt, expiresAt))) {
      this.#init.log('dropped group message %s: expired or out-of-bounds expiry', id)
      return true
    }
    await this.#init.groups.setSender(id, message.sender)
    const stored: ChatMessage = { id, peer: message.sender, direction: 'in', text, sentAt, receivedAt: this.#init.now(), status: 'received', group: state.id, sender: message.sender, path: path === 'gossip' ? undefined : path, ...(expiresAt != null ? { expiresAt } : {}) }
    if (message.replyTo?.length === 16) {
      stored.replyTo = hex(message.replyTo)
      const quote = await this.#init.chat.actions?.quote(stored.replyTo, stored)
      if (quote != null) stored.replyPreview = quote
    }
    if (await this.#init.chat.store.addMessage(stored)) {
      this.#init.chat.expiry?.add(stored)
      const reply = stored.replyTo != null ? { replyTo: stored.replyTo, ...(stored.replyPreview != null ? { replyPreview: stored.replyPreview } : {}) } : {}
      this.#init.onMessage({ id, groupId: state.id, groupName: state.name, from: message.sender, text, sentAt, path, ...reply })
      // Reactions, edits or a deletion that came before the message.
      await this.#init.chat.actions?.arrived(stored)
    }
    return true
  }

  async #plaintext (state: GroupState, message: GroupMessage): Promise<string> {
    if (state.encryption === GroupEncryption.OPEN) return verifyOpenMessage(message)
    // An E2EE group never takes clear text, whatever its sender claims.
    if (!message.encrypted) throw new GroupError(GroupErrorCode.INVALID, 'unencrypted message in an E2EE group')
    const record = await this.#init.groups.getKey(state.id, message.sender, message.keyId)
    if (record == null) throw new GroupError(GroupErrorCode.NO_SENDER_KEY, `no key ${message.keyId} of ${message.sender}`)
    const opened = decryptMessage(record, message)
    await this.#init.groups.putKey(opened.record)
    return opened.text
  }

  async retryPending (groupId: string): Promise<void> {
    await this.#init.locked(groupId, async () => {
      const state = await this.#init.groups.getState(groupId)
      if (state == null) return
      for (const [id, message] of await this.#init.groups.listPending(groupId)) {
        const done = !state.members.includes(message.sender) || await this.#init.chat.store.getMessage(id) != null ||
          await this.#open(state, message, id, 'mailbox')
        if (done) await this.#init.groups.deletePending(groupId, id)
      }
    })
  }
}

export function decodeMessage (bytes: Uint8Array): GroupMessage | undefined {
  if (bytes.length > MAX_GROUP_MESSAGE_BYTES) return undefined
  try {
    const message = GroupMessage.decode(bytes)
    return GROUP_ID_PATTERN.test(message.groupId) && message.id.length === 16 ? message : undefined
  } catch {
    return undefined
  }
}
