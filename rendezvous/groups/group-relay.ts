// Makes the rendezvous a gossipsub hub for groups. Peers behind NAT are usually connected only to
// their rendezvous, and gossipsub forwards a topic only between peers subscribed to it, so the node
// joins every `babacloud/group/<id>` topic one of its peers joins and leaves once none is left.
// It relays signed ciphertext (or signed open-group text) and stores nothing: offline members get
// group messages from the mailbox, where the sender deposited a copy for each of them.
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { GROUP_TOPIC_PREFIX, MAX_GROUP_MESSAGE_BYTES } from '../../protocol/groups/constants.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Message, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Logger, PeerId } from '@libp2p/interface'

const GROUP_TOPIC = /^babacloud\/group\/[0-9a-f]{32}$/

export interface GroupRelayInit {
  node: ChatNode
  /** Topics joined at most; beyond it new groups still work for directly connected members. */
  maxTopics?: number
  /** How often topics without subscribers are left (peers also vanish by disconnecting). */
  sweepIntervalMs?: number
}

export class GroupRelay {
  readonly #node: ChatNode
  readonly #log: Logger
  readonly #maxTopics: number
  readonly #sweepIntervalMs: number
  readonly #topics = new Set<string>()
  #sweeper?: ReturnType<typeof setInterval>

  constructor (init: GroupRelayInit) {
    this.#node = init.node
    this.#log = init.node.logger.forComponent('babacloud:group-relay')
    this.#maxTopics = init.maxTopics ?? 10_000
    this.#sweepIntervalMs = init.sweepIntervalMs ?? 30_000
  }

  get topics (): string[] {
    return [...this.#topics]
  }

  start (): void {
    this.#node.services.pubsub.addEventListener('subscription-change', this.#onSubscriptionChange)
    this.#node.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#sweeper = setInterval(() => { this.#sweep() }, this.#sweepIntervalMs)
    this.#sweeper.unref?.()
  }

  stop (): void {
    clearInterval(this.#sweeper)
    this.#node.services.pubsub.removeEventListener('subscription-change', this.#onSubscriptionChange)
    this.#node.removeEventListener('peer:disconnect', this.#onDisconnect)
    for (const topic of [...this.#topics]) this.#leave(topic)
  }

  readonly #onSubscriptionChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      if (!topic.startsWith(GROUP_TOPIC_PREFIX) || !GROUP_TOPIC.test(topic)) continue
      if (subscribe) this.#join(topic)
      else this.#leaveIfUnused(topic)
    }
  }

  readonly #onDisconnect = (_evt: CustomEvent<PeerId>): void => {
    // Gossipsub forgets the peer's subscriptions when its streams close; check after it has.
    setTimeout(() => { this.#sweep() }, 0)
  }

  #join (topic: string): void {
    if (this.#topics.has(topic)) return
    if (this.#topics.size >= this.#maxTopics) {
      this.#log('not joining %s: at the limit of %d group topics', topic, this.#maxTopics)
      return
    }
    const pubsub = this.#node.services.pubsub
    // Members check every message themselves; the hub only refuses what could never be valid.
    pubsub.topicValidators.set(topic, (_peer: PeerId, msg: Message) =>
      msg.type === 'signed' && msg.data.length <= MAX_GROUP_MESSAGE_BYTES ? TopicValidatorResult.Accept : TopicValidatorResult.Reject)
    pubsub.subscribe(topic)
    this.#topics.add(topic)
    this.#log('relaying %s', topic)
  }

  #leaveIfUnused (topic: string): void {
    if (this.#topics.has(topic) && this.#node.services.pubsub.getSubscribers(topic).length === 0) this.#leave(topic)
  }

  #leave (topic: string): void {
    const pubsub = this.#node.services.pubsub
    pubsub.unsubscribe(topic)
    pubsub.topicValidators.delete(topic)
    this.#topics.delete(topic)
  }

  #sweep (): void {
    for (const topic of [...this.#topics]) this.#leaveIfUnused(topic)
  }
}
