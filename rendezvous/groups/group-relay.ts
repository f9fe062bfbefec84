// Makes the rendezvous a gossipsub hub for groups, for members only. Peers behind NAT are usually
// connected only to their rendezvous, and gossipsub forwards a topic only between peers subscribed
// to it, so the node must join a group's topic. Gossipsub announces the node's subscriptions to every
// connected peer, so the topics are hashes that name no group (protocol/groups/topic-key.ts), and the
// node joins one only when a peer proves on `/babacloud/group-relay/1.0.0` that it holds the group's
// topic secret. It relays the topic to, and takes messages from, the peers that proved it and nobody
// else (topic-gate.ts), counts them against the topic owner's plan, and leaves the topic once none of
// them is connected. It stores nothing: offline members get group messages from the mailbox.
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { GROUP_RELAY_PROTOCOL, MAX_GROUP_MEMBERS, MAX_GROUP_MESSAGE_BYTES, MAX_PROOFS_PER_REQUEST, MAX_RELAY_REQUEST_BYTES } from '../../protocol/groups/constants.ts'
import { RelayJoinRequest, RelayJoinResponse, RelayJoinStatus } from '../../protocol/groups/generated/groups.ts'
import { installTopicGate } from '../../protocol/groups/topic-gate.ts'
import { ProofError, verifyProof } from '../../protocol/groups/topic-key.ts'
import { serve } from '../../protocol/rpc/rpc.ts'
import type { RelayJoinResult, TopicProof } from '../../protocol/groups/generated/groups.ts'
import type { TopicGate } from '../../protocol/groups/topic-gate.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import { requesterOf } from '../limits/requester.ts'
import type { Requester, RequestLimiter } from '../limits/request-limiter.ts'
import type { Message } from '@libp2p/gossipsub'
import type { Connection, Logger, PeerId } from '@libp2p/interface'

export interface GroupRelayInit {
  node: ChatNode
  /** Topics relayed at most; proofs for new topics beyond it are refused (NODE_LIMIT). */
  maxTopics?: number
  /** Topics one peer may have relayed at once (PEER_LIMIT beyond it). */
  maxTopicsPerPeer?: number
  /** The plan of a topic's owner: how many members the node relays a topic for. Protocol maximum when unset. */
  groupMaxMembers?(owner: string): Promise<number>
  /** Relay requests per peer and network; RATE_LIMITED beyond it. */
  rateLimit?: RequestLimiter
  /** Who a connection is for `rateLimit`; its PeerId and non-loopback network by default. */
  requester?: (connection: Connection) => Requester
  onLimit?(limit: string): void
  now?(): number
  timeoutMs?: number
}

export class GroupRelay {
  readonly #node: ChatNode
  readonly #log: Logger
  readonly #init: GroupRelayInit
  readonly #maxTopics: number
  readonly #maxTopicsPerPeer: number
  /** topic → peers that proved it; the node is subscribed to exactly these topics. */
  readonly #members = new Map<string, Set<string>>()
  /** peer → topics it proved. */
  readonly #byPeer = new Map<string, Set<string>>()
  #gate?: TopicGate

  constructor (init: GroupRelayInit) {
    this.#init = init
    this.#node = init.node
    this.#log = init.node.logger.forComponent('babacloud:group-relay')
    this.#maxTopics = init.maxTopics ?? 10_000
    this.#maxTopicsPerPeer = init.maxTopicsPerPeer ?? 256
  }

  get topics (): string[] {
    return [...this.#members.keys()]
  }

  /** Peers the node relays `topic` for. */
  membersOf (topic: string): string[] {
    return [...this.#members.get(topic) ?? []]
  }

  async start (): Promise<void> {
    this.#gate = installTopicGate(this.#node.services.pubsub, (peer, topic) => this.#members.get(topic)?.has(peer) === true)
    this.#node.addEventListener('peer:disconnect', this.#onDisconnect)
    await this.#node.handle(GROUP_RELAY_PROTOCOL, (stream, connection) => {
      const remote = connection.remotePeer
      void serve<RelayJoinRequest, RelayJoinResponse>(stream, {
        request: RelayJoinRequest,
        response: RelayJoinResponse,
        maxRequestBytes: MAX_RELAY_REQUEST_BYTES,
        timeoutMs: this.#init.timeoutMs ?? 10_000,
        log: this.#log,
        admit: () => {
          this.#init.rateLimit?.admit((this.#init.requester ?? requesterOf)(connection), 'group relay requests')
        },
        errorResponse: error => ({ results: [], error: RelayJoinStatus.REFUSED, errorMessage: error.message }),
        handle: async req => await this.#join(remote, req)
      })
    }, { maxInboundStreams: 4, runOnLimitedConnection: true })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(GROUP_RELAY_PROTOCOL).catch(() => {})
    this.#node.removeEventListener('peer:disconnect', this.#onDisconnect)
    for (const topic of [...this.#members.keys()]) this.#leave(topic)
    this.#byPeer.clear()
    this.#gate?.uninstall()
  }

  async #join (remote: PeerId, req: RelayJoinRequest): Promise<RelayJoinResponse> {
    if (req.proofs.length > MAX_PROOFS_PER_REQUEST) {
      return { results: [], error: RelayJoinStatus.REFUSED, errorMessage: `at most ${MAX_PROOFS_PER_REQUEST} proofs per request` }
    }
    const results: RelayJoinResult[] = []
    for (const proof of req.proofs) results.push(await this.#admit(remote, proof))
    this.#gate?.recheck(remote.toString())
    return { results, error: RelayJoinStatus.ACCEPTED, errorMessage: '' }
  }

  async #admit (remote: PeerId, proof: TopicProof): Promise<RelayJoinResult> {
    const peer = remote.toString()
    let topic: string
    try {
      topic = verifyProof(proof, this.#node.peerId.toString(), peer, this.#init.now?.() ?? Date.now())
    } catch (err) {
      if (!(err instanceof Error) || err.name !== ProofError.NAME) throw err
      return { topic: '', status: (err as ProofError).expired ? RelayJoinStatus.EXPIRED : RelayJoinStatus.BAD_PROOF, message: err.message }
    }
    const limit = Math.min(MAX_GROUP_MEMBERS, await this.#init.groupMaxMembers?.(proof.topicOwner) ?? MAX_GROUP_MEMBERS)
    // Checked after the await: the peer may have gone meanwhile, and its disconnect already cleaned up.
    if (this.#node.getConnections(remote).length === 0) return { topic, status: RelayJoinStatus.REFUSED, message: 'not connected' }
    const members = this.#members.get(topic)
    if (members?.has(peer) === true) return { topic, status: RelayJoinStatus.ACCEPTED, message: '' }
    const mine = this.#byPeer.get(peer)
    if ((mine?.size ?? 0) >= this.#maxTopicsPerPeer) return this.#refuse(topic, RelayJoinStatus.PEER_LIMIT, `at most ${this.#maxTopicsPerPeer} group topics per peer`, 'group_topics_per_peer')
    if (members == null && this.#members.size >= this.#maxTopics) return this.#refuse(topic, RelayJoinStatus.NODE_LIMIT, `this node relays at most ${this.#maxTopics} group topics`, 'group_topics')
    if ((members?.size ?? 0) >= limit) return this.#refuse(topic, RelayJoinStatus.GROUP_FULL, `the group owner's plan allows ${limit} members here`, 'group_members')
    if (members == null) this.#relay(topic)
    this.#members.get(topic)?.add(peer)
    if (mine == null) this.#byPeer.set(peer, new Set([topic]))
    else mine.add(topic)
    return { topic, status: RelayJoinStatus.ACCEPTED, message: '' }
  }

  #refuse (topic: string, status: RelayJoinStatus, message: string, limit: string): RelayJoinResult {
    this.#init.onLimit?.(limit)
    this.#log('refused %s - %s', topic, message)
    return { topic, status, message }
  }

  #relay (topic: string): void {
    const pubsub = this.#node.services.pubsub
    // Only proven members may publish; members check every message themselves (sealed, signed).
    pubsub.topicValidators.set(topic, (from: PeerId, msg: Message) =>
      this.#members.get(topic)?.has(from.toString()) === true && msg.type === 'signed' && msg.data.length <= MAX_GROUP_MESSAGE_BYTES
        ? TopicValidatorResult.Accept
        : TopicValidatorResult.Reject)
    this.#members.set(topic, new Set())
    pubsub.subscribe(topic)
    this.#log('relaying %s', topic)
  }

  #leave (topic: string): void {
    const pubsub = this.#node.services.pubsub
    pubsub.unsubscribe(topic)
    pubsub.topicValidators.delete(topic)
    this.#members.delete(topic)
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    this.#gate?.forget(peer)
    const topics = this.#byPeer.get(peer)
    if (topics == null) return
    this.#byPeer.delete(peer)
    for (const topic of topics) {
      const members = this.#members.get(topic)
      members?.delete(peer)
      if (members?.size === 0) this.#leave(topic)
    }
  }
}
