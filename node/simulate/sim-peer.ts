// One simulated chat peer, and the texts it sends. Going offline stops its ChatClient and libp2p
// node; coming online builds a new node around the same identity and store, as an app does when
// reopened. Lifecycle changes run one at a time, and a peer waits for its in-flight sends to leave.
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { ChatClient } from '../../protocol/chat-client.ts'
import { UnreachableError } from '../../protocol/errors.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { Envelope, Payload } from '../../protocol/wire/generated/messages.ts'
import { systemClock } from '../../protocol/clock.ts'
import { shapedTransport } from './shaped-transport.ts'
import type { Clock } from '../../protocol/clock.ts'
import type { SimNetwork } from './network.ts'
import type { ChatNodeTransport } from './shaped-transport.ts'
import type { DeviceIdentity } from '../../protocol/identity.ts'
import type { SimTransport } from './sim-rendezvous.ts'
import type { ChatClientEvents, SendResult } from '../../protocol/chat-client.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export type PeerState = 'offline' | 'starting' | 'online' | 'stopping'

// What simulated messages say: a tag naming the scheduled message (so the recipient's side can match
// it, whatever envelope carried it) padded to the scheduled size.
const TAG = /^sim:(m\d+):/

export function messageText (id: string, size: number): string {
  const tag = `sim:${id}:`
  return tag + '.'.repeat(Math.max(0, size - tag.length))
}

export function parseMessageTag (text: string): string | undefined {
  return TAG.exec(text)?.[1]
}

export interface SimPeerInit {
  index: number
  identity: DeviceIdentity
  transport: SimTransport
  rendezvous: () => Multiaddr
  /** Further homes (redundancy): named in the home record, kept connected and drained too. */
  homes?: () => Multiaddr[]
  /** Copies of each message on this many of the recipient's homes. */
  redundancy?: number
  onMessage: (peer: SimPeer, evt: ChatClientEvents['message']) => void
  /** The scenario's clock: the client's expiry, retries and backoff follow it. */
  clock?: Clock
  /** A message of this peer's history changed (e.g. the node's expiry notice for one it sent). */
  onChanged?: (peer: SimPeer, evt: ChatClientEvents['message:changed']) => void
  /** How long one live delivery attempt may take before the mailbox is used. */
  liveTimeoutMs?: number
  /** Reports the encoded size of each envelope the client seals for a simulated message. */
  onSealed?: (id: string, bytes: number, envelopeId: string) => void
  /** Bounds how many peers start at once, so a crowd coming online does not stall the process. */
  limitStart?: <T>(task: () => Promise<T>) => Promise<T>
  /** Counts libp2p nodes started and stopped, so the run can show none is left running or reachable. */
  nodes?: NodeTally
  /** The run's network (link conditions, partitions); the bare transport without one. */
  network?: SimNetwork
  /** How far this peer's clock is off the run's (`peers.clockSkew`), ms either way. */
  clockOffsetMs?: number
}

/**
 * The peers' libp2p nodes over a run: how many started and stopped, and a weak reference to each,
 * so the run can show that none stays reachable once it stopped and the peers are dropped. A kept
 * ChatClient keeps its node, so the nodes stand for the clients too.
 */
export class NodeTally {
  started = 0
  stopped = 0
  readonly #nodes: Array<WeakRef<object>> = []

  add (node: object): void {
    this.started++
    this.#nodes.push(new WeakRef(node))
  }

  /** Nodes still reachable; after a full collection, the ones something keeps. */
  alive (): number {
    return this.#nodes.filter(node => node.deref() != null).length
  }
}

/** `base` as a device whose clock is `offsetMs` off reads it: timers still wait real (scenario) durations. */
export function offsetClock (base: Clock, offsetMs: number): Clock {
  if (offsetMs === 0) return base
  return {
    now: () => base.now() + offsetMs,
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    clearTimeout: h => { base.clearTimeout(h) },
    setInterval: (fn, ms) => base.setInterval(fn, ms),
    clearInterval: h => { base.clearInterval(h) }
  }
}

export class SimPeer {
  readonly index: number
  readonly identity: DeviceIdentity
  /** Survives restarts: it is where the client deduplicates by message id. */
  readonly store = new MemoryChatStore()
  state: PeerState = 'offline'
  #node?: ChatNode
  #client?: ChatClient
  #lifecycle: Promise<void> = Promise.resolve()
  readonly #inflight = new Set<Promise<unknown>>()
  #waiters: Array<() => void> = []
  #closed = false
  readonly #init: SimPeerInit
  readonly #clock?: Clock

  constructor (init: SimPeerInit) {
    this.#init = init
    this.index = init.index
    this.identity = init.identity
    const offset = init.clockOffsetMs ?? 0
    this.#clock = offset !== 0 ? offsetClock(init.clock ?? systemClock, offset) : init.clock
  }

  get client (): ChatClient | undefined {
    return this.state === 'online' ? this.#client : undefined
  }

  goOnline (): Promise<void> {
    return this.#chain(async () => {
      if (this.state !== 'offline' || this.#closed) return
      this.state = 'starting'
      try {
        // A start still queued when the run closes is skipped: with hundreds queued in the drain,
        // stopping would otherwise wait for every one of them to start first.
        await (this.#init.limitStart ?? (async t => await t()))(async () => { if (!this.#closed) await this.#start() })
      } catch (err) {
        this.state = 'offline'
        throw err
      }
      if (this.#node == null) {
        this.state = 'offline'
        return
      }
      this.state = 'online'
      this.releaseWaiters()
    })
  }

  async #start (): Promise<void> {
    const node = await createChatNode({
      privateKey: this.identity.privateKey,
      transports: [this.#transport()],
      // Reachable through the rendezvous relay only, like a peer behind NAT. Not on the memory
      // transport: in libp2p 3.3 a relay reservation over /memory throws from the address manager
      // (getNetConfig rejects the address) and the dialer refuses /memory circuit addresses, so
      // there every message goes through the mailbox.
      listen: this.#init.transport === 'memory' ? [] : ['/p2p-circuit'],
      privateNetwork: true,
      // Relayed connections from other simulated peers all arrive "from" 127.0.0.1.
      connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
    })
    this.#init.nodes?.add(node)
    const client = new ChatClient({ node, identity: this.identity, store: this.store, rendezvous: this.#init.rendezvous(), homes: this.#init.homes?.(), redundancy: this.#init.redundancy, liveTimeoutMs: this.#init.liveTimeoutMs, clock: this.#clock })
    client.addEventListener('message', evt => { this.#init.onMessage(this, evt) })
    const onChanged = this.#init.onChanged
    if (onChanged != null) client.addEventListener('message:changed', evt => { onChanged(this, evt) })
    this.#observeSealing(client)
    this.#node = node
    this.#client = client
    // The rendezvous may be down (a fault): the peer is online anyway and reconnects later.
    await client.start().catch(() => {})
  }

  #transport (): ChatNodeTransport {
    const network = this.#init.network
    if (this.#init.transport === 'memory') return network != null ? shapedTransport(memory(), network, `p${this.index}`) : memory()
    return network != null ? shapedTransport(tcp(), network, `p${this.index}`) : tcp()
  }

  /**
   * Envelope sizes vary (sealed box before a session exists, ratchet messages after, a larger first
   * message while the session is set up), so the sealing step of this client instance is observed
   * to count what each message really puts on the wire.
   */
  #observeSealing (client: ChatClient): void {
    const sessions = client.sessions as { seal?: ChatClient['sessions']['seal'] } | undefined
    const onSealed = this.#init.onSealed
    if (typeof sessions?.seal !== 'function' || onSealed == null) return
    const seal = sessions.seal.bind(client.sessions)
    sessions.seal = async (to, payload, options) => {
      const envelope = await seal(to, payload, options)
      // The outbox hands over the payload encoded.
      const id = parseMessageTag((payload instanceof Uint8Array ? Payload.decode(payload) : payload).text ?? '')
      if (id != null) onSealed(id, Envelope.encode(envelope).length, Buffer.from(envelope.id).toString('hex'))
      return envelope
    }
  }

  goOffline (): Promise<void> {
    return this.#chain(async () => {
      if (this.state !== 'online') return
      this.state = 'stopping'
      await Promise.allSettled([...this.#inflight])
      await this.#client?.stop()
      const node = this.#node
      await node?.stop()
      if (node?.status === 'stopped' && this.#init.nodes != null) this.#init.nodes.stopped++
      this.#client = undefined
      this.#node = undefined
      this.state = 'offline'
    })
  }

  /** Resolves when the peer is online (at once if it is). */
  async whenOnline (): Promise<void> {
    if (this.state === 'online') return
    await new Promise<void>(resolve => { this.#waiters.push(resolve) })
  }

  /** The run is over: starts still queued are skipped, parked sends released, the node stopped. */
  async close (): Promise<void> {
    this.#closed = true
    this.releaseWaiters()
    await this.goOffline()
  }

  releaseWaiters (): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  /** Sends through the current client; the caller has checked the peer is online. */
  send (to: string, text: string): Promise<SendResult> {
    const client = this.#client
    if (this.state !== 'online' || client == null) return Promise.reject(new Error(`peer ${this.index} is not online`))
    // The simulation retries itself with a new message, as it always did: a message the outbox
    // would keep is taken back out and reported as not sent.
    const p = client.send(to, text).catch(async (err: unknown) => {
      const queued = (err as UnreachableError).messageId
      if (queued != null) await client.deleteMessage(queued)
      throw err
    })
    this.#inflight.add(p)
    void p.catch(() => {}).finally(() => { this.#inflight.delete(p) })
    return p
  }

  /**
   * Publishes the peer's home record now and waits until a DHT server took it (tried again while the
   * DHT is still forming), so senders find every home from the first message on.
   */
  async publishHome (deadlineMs = 60_000): Promise<void> {
    const until = Date.now() + deadlineMs
    while (true) {
      const publisher = this.client?.homePublisher
      if (publisher == null) throw new Error(`peer ${this.index} is not online`)
      try {
        await publisher.publish({ signal: AbortSignal.timeout(15_000) })
        return
      } catch (err) {
        if (Date.now() > until) throw err
      }
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }

  /** Connected to the rendezvous right now? */
  connectedTo (rendezvous: Multiaddr): boolean {
    const id = rendezvous.getComponents().findLast(c => c.name === 'p2p')?.value
    return this.#node != null && id != null && this.#node.getConnections().some(c => c.remotePeer.toString() === id)
  }

  /** What an app does when it notices it lost its rendezvous: dial again (which also syncs). */
  async reconnect (): Promise<void> {
    const client = this.client
    if (client == null) return
    await client.connect({ signal: AbortSignal.timeout(5_000) })
    await client.sync({ signal: AbortSignal.timeout(10_000) })
  }

  #chain (task: () => Promise<void>): Promise<void> {
    const next = this.#lifecycle.then(task)
    this.#lifecycle = next.catch(() => {})
    return next
  }
}
