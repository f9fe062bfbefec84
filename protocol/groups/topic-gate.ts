// Per-peer admission to group topics in gossipsub. Gossipsub 17 records any peer's SUBSCRIBE, grafts
// any peer into a topic's mesh and answers IWANT for any cached message: there is no per-peer
// subscription filter (`allowedTopics` is one list for all peers). A peer that subscribes to a group
// topic it was not admitted to would get every message of it, and the timing of each. The gate wraps
// those three entry points of one gossipsub instance: a group topic's subscription, GRAFT or IWANT
// from a peer `allow` refuses is ignored (no PRUNE, so an admitted member is never backed off). A
// refused SUBSCRIBE is remembered (bounded per peer) and replayed by `recheck`, so a member whose
// proof or state arrives after its subscription is admitted without subscribing again.
// Written against @libp2p/gossipsub 17.1.1 (pinned); `installTopicGate` checks the methods exist.
import { GROUP_TOPIC_PREFIX } from './constants.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

interface GossipInternals {
  handleReceivedSubscription(from: PeerId, topic: string, subscribe: boolean): boolean
  handleGraft(id: string, graft: Array<{ topicID?: string }>): Promise<unknown[]>
  handleIWant(id: string, iwant: unknown[]): Array<{ topic: string }>
  graftOnSubscribe(id: string, topic: string): boolean
  sendGraft(id: string, topics: string[]): void
  peers: Map<string, PeerId>
}

export type TopicAdmission = (peer: string, topic: string) => boolean

export interface TopicGate {
  /** Admits remembered subscriptions that `allow` now accepts (of one peer, or of all). */
  recheck(peer?: string): void
  /** Forgets what a peer asked for (it disconnected). */
  forget(peer: string): void
  uninstall(): void
}

/** Refused subscriptions remembered per peer, for `recheck`; beyond it the oldest go. */
const MAX_REMEMBERED_PER_PEER = 256

export function isGroupTopic (topic: string): boolean {
  return topic.startsWith(GROUP_TOPIC_PREFIX)
}

export function installTopicGate (pubsub: GossipSub, allow: TopicAdmission): TopicGate {
  const g = pubsub as unknown as GossipInternals
  for (const method of ['handleReceivedSubscription', 'handleGraft', 'handleIWant', 'graftOnSubscribe', 'sendGraft'] as const) {
    if (typeof g[method] !== 'function') throw new Error(`gossipsub has no ${method}: the topic gate does not fit this version`)
  }
  const original = { sub: g.handleReceivedSubscription, graft: g.handleGraft, iwant: g.handleIWant }
  const refused = new Map<string, Set<string>>()
  const admitted = (peer: string, topic: string): boolean => !isGroupTopic(topic) || allow(peer, topic)

  g.handleReceivedSubscription = function (from, topic, subscribe) {
    const peer = from.toString()
    if (!subscribe || admitted(peer, topic)) {
      if (!subscribe) refused.get(peer)?.delete(topic)
      return original.sub.call(this, from, topic, subscribe)
    }
    let set = refused.get(peer)
    if (set == null) refused.set(peer, set = new Set())
    set.add(topic)
    if (set.size > MAX_REMEMBERED_PER_PEER) set.delete(set.values().next().value as string)
    return false
  }
  g.handleGraft = async function (id, graft) {
    return await original.graft.call(this, id, graft.filter(gr => gr.topicID == null || admitted(id, gr.topicID)))
  }
  g.handleIWant = function (id, iwant) {
    return original.iwant.call(this, id, iwant).filter(msg => admitted(id, msg.topic))
  }

  const recheckPeer = (peer: string): void => {
    const topics = refused.get(peer)
    const from = g.peers.get(peer)
    if (topics == null || from == null) return
    const grafts: string[] = []
    for (const topic of [...topics]) {
      if (!admitted(peer, topic)) continue
      topics.delete(topic)
      if (original.sub.call(g, from, topic, true) && g.graftOnSubscribe(peer, topic)) grafts.push(topic)
    }
    if (topics.size === 0) refused.delete(peer)
    if (grafts.length > 0) g.sendGraft(peer, grafts)
  }

  return {
    recheck (peer) {
      if (peer != null) recheckPeer(peer)
      else for (const p of [...refused.keys()]) recheckPeer(p)
    },
    forget (peer) {
      refused.delete(peer)
    },
    uninstall () {
      g.handleReceivedSubscription = original.sub
      g.handleGraft = original.graft
      g.handleIWant = original.iwant
      refused.clear()
    }
  }
}
