// How group traffic leaves this device: topic subscriptions (proved to the rendezvous, which relays
// a topic only for peers that hold its secret), publishing a sealed message on gossipsub plus a
// mailbox copy per member, control fan-out to members, and handing out the own sender key.
import { createEnvelope } from '../crypto/envelope.ts'
import { errorMessage } from '../errors.ts'
import { parsePeerId } from '../identity.ts'
import { MailboxClient } from '../mailbox/mailbox-client.ts'
import { CONTROL_MESSAGE, CONTROL_SENDER_KEY } from './constants.ts'
import { stateTopic } from './group-state.ts'
import { GroupEncryption } from './generated/groups.ts'
import { RelayClient, RelayJoinStatus } from './relay-client.ts'
import { SenderKeyDistribution, distributionFor } from './sender-key.ts'
import { KeyedLock } from './group-store.ts'
import { installTopicGate } from './topic-gate.ts'
import { makeProof, sealGossip, topicKeys } from './topic-key.ts'
import type { GroupStore } from './group-store.ts'
import type { GroupState, TopicProof } from './generated/groups.ts'
import type { TopicGate } from './topic-gate.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { Logger, PeerId } from '@libp2p/interface'

/** What this device knows of a topic it is subscribed to. */
export interface JoinedTopic {
  groupId: string
  gossipKey: Uint8Array
  members: Set<string>
  state: GroupState
}

/** Fan-out operations report per member instead of failing on the first (see STYLE.md, js-waku). */
export interface FanOutResult {
  /** Members the message or change reached (delivered live or stored at the rendezvous). */
  successes: string[]
  failures: Array<{ peerId: string, error: string }>
  /** Gossipsub peers the message went to directly (0 for state changes). */
  published: number
}

/** Deposits and control messages in flight at once; the mailbox serves 32 streams per connection. */
const FAN_OUT_CONCURRENCY = 8

export interface GroupDeliveryInit {
  chat: ControlHost
  log: Logger
  timeoutMs?: number
  /** The group client's per-group lock: the own key record is only rewritten under it. */
  locked<T>(groupId: string, fn: () => Promise<T>): Promise<T>
  /** The time relay proofs are issued at (the group client's clock). */
  now?: () => number
}

async function eachLimited<T> (items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item)
  }
  await Promise.all(Array.from({ length: Math.min(FAN_OUT_CONCURRENCY, queue.length) }, worker))
}

export class GroupDelivery {
  readonly #chat: ControlHost
  readonly #log: Logger
  readonly #mailbox?: MailboxClient
  readonly #timeoutMs: number
  readonly #locked: GroupDeliveryInit['locked']
  readonly #now: () => number
  readonly #tasks = new Set<Promise<void>>()
  /** topic → group, for the topics this device is subscribed to. */
  readonly #topics = new Map<string, JoinedTopic>()
  readonly #topicOf = new Map<string, string>()
  /** One key hand-out per group at a time, so two runs never race on the "sent" records. */
  readonly #distributing = new KeyedLock()
  readonly #relay?: RelayClient
  readonly #rendezvousPeer?: string
  readonly #gate: TopicGate

  constructor (init: GroupDeliveryInit) {
    this.#chat = init.chat
    this.#log = init.log
    this.#timeoutMs = init.timeoutMs ?? 10_000
    this.#locked = init.locked
    this.#now = init.now ?? Date.now
    if (init.chat.rendezvous != null) {
      this.#mailbox = new MailboxClient(init.chat.node, init.chat.rendezvous, this.#timeoutMs)
      this.#relay = new RelayClient(init.chat.node, init.chat.rendezvous, this.#timeoutMs)
      this.#rendezvousPeer = init.chat.rendezvous.getComponents().findLast(c => c.name === 'p2p')?.value
    }
    // Peers connected to us directly see our topics too: only the group's members and our own
    // rendezvous (which checked their proofs) may join us on one.
    this.#gate = installTopicGate(init.chat.node.services.pubsub, (peer, topic) =>
      peer === this.#rendezvousPeer || this.#topics.get(topic)?.members.has(peer) === true)
    init.chat.node.addEventListener('peer:connect', this.#onConnect)
    init.chat.node.addEventListener('peer:disconnect', this.#onDisconnect)
  }

  /** The group of a topic this device is subscribed to. */
  joined (topic: string): JoinedTopic | undefined {
    return this.#topics.get(topic)
  }

  /** Joins the state's topic (leaving the group's previous one) and proves it to the rendezvous. */
  subscribe (state: GroupState): void {
    if (state.topicSecret.length === 0) {
      this.#log.error('group %s has no topic secret yet; waiting for a new state from an admin', state.id)
      return
    }
    const topic = stateTopic(state)
    const previous = this.#topicOf.get(state.id)
    if (previous != null && previous !== topic) this.unsubscribe(state.id)
    const known = this.#topics.get(topic)
    this.#topics.set(topic, { groupId: state.id, gossipKey: topicKeys(state.topicSecret).gossipKey, members: new Set(state.members), state })
    this.#topicOf.set(state.id, topic)
    this.#gate.recheck()
    if (known != null) return
    this.#chat.node.services.pubsub.subscribe(topic)
    this.track(this.#prove([state]))
  }

  unsubscribe (groupId: string): void {
    const topic = this.#topicOf.get(groupId)
    if (topic == null) return
    this.#topicOf.delete(groupId)
    this.#topics.delete(topic)
    this.#chat.node.services.pubsub.unsubscribe(topic)
  }

  unsubscribeAll (): void {
    for (const topic of this.#topics.keys()) this.#chat.node.services.pubsub.unsubscribe(topic)
    this.#topics.clear()
    this.#topicOf.clear()
    this.#chat.node.removeEventListener('peer:connect', this.#onConnect)
    this.#chat.node.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#gate.uninstall()
  }

  /** The rendezvous keeps what we proved only while we are connected: prove again on every connection. */
  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    if (evt.detail.toString() !== this.#rendezvousPeer || this.#topics.size === 0) return
    this.track(this.#prove([...this.#topics.values()].map(t => t.state)))
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.#gate.forget(evt.detail.toString())
  }

  async #prove (states: GroupState[]): Promise<void> {
    const relay = this.#relay
    const node = this.#rendezvousPeer
    if (relay == null || node == null) return
    const me = this.#chat.peerId.toString()
    const proofs: TopicProof[] = states.map(s => makeProof(s.topicSecret, s.topicOwner, s.topicOwnerSignature, node, me, this.#now()))
    try {
      for (const r of await relay.join(proofs)) {
        if (r.status !== RelayJoinStatus.ACCEPTED) this.#log.error('the rendezvous does not relay %s for us (%s) - %s', r.topic, RelayJoinStatus[r.status] ?? r.status, r.message)
      }
    } catch (err) {
      // Offline now: the next connection to the rendezvous proves again.
      this.#log('could not prove group topics to the rendezvous - %e', err)
    }
  }

  /** Runs work in the background but keeps it awaitable through `settled()`. */
  track (work: Promise<unknown>): void {
    const task = work.then(() => {}, err => { this.#log.error('group background task failed - %e', err) })
    this.#tasks.add(task)
    void task.finally(() => this.#tasks.delete(task))
  }

  async settled (): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks])
  }

  /**
   * Publishes on the topic for members online now, and deposits a sealed copy for every other
   * member in the mailbox: offline members get it when they return, under the mailbox's caps and
   * retention, and online members drop the copy they already have by message id.
   */
  async publish (state: GroupState, bytes: Uint8Array, expiresAt?: number): Promise<FanOutResult> {
    let published = 0
    try {
      // Sealed under the gossip key: whoever gets the bytes off the topic without the secret reads
      // neither the text (open groups too) nor the sender, group or time inside.
      const topic = stateTopic(state)
      const sealed = sealGossip(topicKeys(state.topicSecret).gossipKey, topic, bytes)
      published = (await this.#chat.node.services.pubsub.publish(topic, sealed)).recipients.length
    } catch (err) {
      this.#log('publishing on %s failed - %e', state.id, err)
    }
    const result: FanOutResult = { successes: [], failures: [], published }
    const others = state.members.filter(m => m !== this.#chat.peerId.toString())
    const mailbox = this.#mailbox
    if (mailbox == null) {
      for (const peerId of others) result.failures.push({ peerId, error: 'no rendezvous configured for offline copies' })
      return result
    }
    await eachLimited(others, async peerId => {
      try {
        // A fresh envelope id per member: the rendezvous refuses a repeated id from one sender.
        // A disappearing message's copy shows the node its expiry: it is deleted there then.
        const envelope = createEnvelope(this.#chat.identity, parsePeerId(peerId), { text: '', type: CONTROL_MESSAGE, body: bytes as Uint8Array<ArrayBuffer>, ...(expiresAt != null ? { expiresAt: BigInt(expiresAt) } : {}) }, expiresAt != null ? { expiresAt } : {})
        await mailbox.deposit(envelope, { signal: AbortSignal.timeout(this.#timeoutMs) })
        result.successes.push(peerId)
      } catch (err) {
        result.failures.push({ peerId, error: errorMessage(err) })
      }
    })
    return result
  }

  /** Sends one control message to each member over the pairwise channel (live, else mailbox). */
  async sendToMembers (members: string[], type: string, body: Uint8Array): Promise<FanOutResult> {
    const result: FanOutResult = { successes: [], failures: [], published: 0 }
    await eachLimited(members, async peerId => {
      try {
        await this.#chat.sendControl(parsePeerId(peerId), type, body)
        result.successes.push(peerId)
      } catch (err) {
        this.#log('could not send %s to %s - %e', type, peerId, err)
        result.failures.push({ peerId, error: errorMessage(err) })
      }
    })
    return result
  }

  /**
   * Gives every member that lacks it our current sender key. Idempotent: what was handed out is
   * recorded, so a restart resumes, and a member that was unreachable gets it next time.
   */
  async distributeKeys (groupId: string, groups: GroupStore): Promise<void> {
    await this.#distributing.run(groupId, async () => { await this.#distribute(groupId, groups) })
  }

  async #distribute (groupId: string, groups: GroupStore): Promise<void> {
    const me = this.#chat.peerId.toString()
    const state = await groups.getState(groupId)
    if (state == null || state.encryption !== GroupEncryption.E2EE || !state.members.includes(me)) return
    const own = await groups.getOwnKey(groupId)
    if (own == null) return
    const missing: string[] = []
    for (const member of state.members) {
      if (member !== me && await groups.getSent(groupId, member) !== own.keyId) missing.push(member)
    }
    await eachLimited(missing, async member => {
      const body = SenderKeyDistribution.encode(distributionFor(own, member))
      try {
        await this.#chat.sendControl(parsePeerId(member), CONTROL_SENDER_KEY, body)
        await groups.setSent(groupId, member, own.keyId)
      } catch (err) {
        this.#log('sender key for %s not handed to %s yet - %e', groupId, member, err)
      }
    })
    // Once the whole audience has the key from its start, the start is no longer needed: dropping
    // it keeps a stolen device from reading what this key already encrypted.
    if (own.initialChainKey.length === 0) return
    for (const member of own.audience) {
      if (state.members.includes(member) && await groups.getSent(groupId, member) !== own.keyId) return
    }
    await this.#locked(groupId, async () => {
      const latest = await groups.getOwnKey(groupId)
      if (latest == null || latest.keyId !== own.keyId) return
      await groups.putOwnKey({ ...latest, initialChainKey: new Uint8Array(0), audience: [] })
    })
  }
}
