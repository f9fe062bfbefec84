// Where an envelope goes: live on the DM protocol when the recipient is reachable (an open
// connection, else through our rendezvous relay), otherwise into the mailbox of the recipient's home
// rendezvous: ours, or another node named by the recipient's signed home record (federation); with
// redundancy k, a copy on each of k of those homes, so one node lost with its data loses nothing.
// It also watches connections, so the route notices at once when a peer leaves, and reports each
// peer's current path (`path` events).
import { TypedEventEmitter } from 'main-event'
import { multiaddr } from '@multiformats/multiaddr'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { deadline } from '../rpc/deadline.ts'
import { bestPath, connectionPath } from './path.ts'
import { decideRoute } from './route.ts'
import type { Delivery, DeliveryPath } from './path.ts'
import type { HomeResolver } from './home-resolver.ts'
import type { PeerRouteState, Route } from './route.ts'
import type { HomeEntry } from '../federation/home.ts'
import type { Envelope } from '../wire/generated/messages.ts'
import type { AbortOptions, Connection, Libp2pEvents, Logger, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { Delivery, DeliveryPath }
export { connectionPath } from './path.ts'

/**
 * With a connection already open the recipient is almost surely there and only slow (a first
 * message also sets up a session): give it longer before falling back to the mailbox.
 */
export const CONNECTED_LIVE_TIMEOUT_MS = 10_000
export const LIVE_ATTEMPTS = 2

/** Codes that retrying through the mailbox cannot fix. */
const FINAL_CODES = new Set([ErrorCode.MALFORMED, ErrorCode.TOO_LARGE, ErrorCode.BAD_SIGNATURE])

/** Sends one envelope live and waits for the recipient's ack (DirectMessages). */
export interface LiveSender {
  send(target: PeerId | Multiaddr, envelope: Envelope, options: AbortOptions): Promise<Pick<Connection, 'remoteAddr' | 'limits'>>
}

/** Stores one envelope in a mailbox (MailboxClient). */
export interface Depositor {
  deposit(envelope: Envelope, options: AbortOptions): Promise<void>
}

/** What the router needs of the libp2p node: its connections and their events. */
export interface RouterNode extends TypedEventTarget<Pick<Libp2pEvents, 'peer:connect' | 'peer:disconnect' | 'connection:open' | 'connection:close'>> {
  getConnections(peer?: PeerId): Array<Pick<Connection, 'remoteAddr' | 'limits' | 'status'>>
}

export interface DeliveryRouterComponents {
  node: RouterNode
  dm: LiveSender
  log: Logger
  /** Our home rendezvous (with /p2p/) and its mailbox; without, only live delivery. */
  rendezvous?: Multiaddr
  rendezvousPeer?: PeerId
  mailbox?: Depositor
  /** Federation: other homes of a recipient, and a mailbox client for one of them. */
  homes?: HomeResolver
  mailboxAt?: (home: HomeEntry) => Depositor
  /**
   * How many of the recipient's homes get a copy (default 1). The send counts as stored once one
   * copy is committed; the others go on in the background, each under its own timeout. k copies
   * cost k times the storage on the nodes and k times the upload.
   */
  redundancy?: number
  timeoutMs: number
  liveTimeoutMs: number
  /** Only an unlimited connection counts as a live path; otherwise dial the relay's circuit address. */
  circuitFallback: boolean
  /** Whether the app upgrades to WebRTC itself (browsers): part of the route decision. */
  upgrades?: boolean
  now?: () => number
}

export interface DeliveryRouterEvents {
  /** A peer's best live path changed (undefined: none, the mailbox is left). */
  path: CustomEvent<{ peer: string, path?: DeliveryPath }>
}

export class DeliveryRouter extends TypedEventEmitter<DeliveryRouterEvents> {
  readonly #c: DeliveryRouterComponents
  readonly #now: () => number
  readonly #gone = new Map<string, number>()
  readonly #paths = new Map<string, DeliveryPath | undefined>()
  /** Extra copies still on their way after their message counted as stored. */
  readonly #copies = new Set<Promise<unknown>>()
  #started = false

  constructor (components: DeliveryRouterComponents) {
    super()
    this.#c = components
    this.#now = components.now ?? Date.now
  }

  isStarted (): boolean {
    return this.#started
  }

  start (): void {
    if (this.#started) return
    this.#started = true
    const node = this.#c.node
    node.addEventListener('connection:open', this.#onConnection)
    node.addEventListener('connection:close', this.#onConnection)
    node.addEventListener('peer:connect', this.#onPeer)
    node.addEventListener('peer:disconnect', this.#onPeer)
  }

  stop (): void {
    if (!this.#started) return
    this.#started = false
    const node = this.#c.node
    node.removeEventListener('connection:open', this.#onConnection)
    node.removeEventListener('connection:close', this.#onConnection)
    node.removeEventListener('peer:connect', this.#onPeer)
    node.removeEventListener('peer:disconnect', this.#onPeer)
  }

  /** Resolves once every extra copy in flight is stored or failed (each has its own timeout). */
  async idle (): Promise<void> {
    while (this.#copies.size > 0) await Promise.allSettled([...this.#copies])
  }

  /** How `peer` is reachable now and whether it left a moment ago. */
  state (peer: PeerId): PeerRouteState {
    const path = bestPath(this.#c.node.getConnections(peer))
    const goneAt = path == null ? this.#gone.get(peer.toString()) : undefined
    return goneAt == null ? { path } : { path, goneAt }
  }

  /** The route decision for `peer` (browsers also use it to decide on a WebRTC dial). */
  route (peer: PeerId): Route {
    const relayOnline = this.#c.rendezvousPeer != null && this.#c.node.getConnections(this.#c.rendezvousPeer).some(c => c.status === 'open')
    return decideRoute(this.state(peer), { now: this.#now(), relayOnline, upgrades: this.#c.upgrades === true })
  }

  /** The best live path to `peer` now; undefined means the mailbox. */
  pathTo (peer: PeerId): DeliveryPath | undefined {
    return this.state(peer).path
  }

  /**
   * Delivers one envelope. The caller's signal only ends the wait (thrown as its AbortError or
   * TimeoutError); the router's own live timeout still applies under it and still falls back to
   * the mailbox, and the deposit has its own timeout too.
   */
  async deliver (peer: PeerId, envelope: Envelope, options: AbortOptions = {}): Promise<Delivery> {
    const { dm, log, mailbox, liveTimeoutMs } = this.#c
    const caller = options.signal
    caller?.throwIfAborted()
    const connected = this.state(peer).path != null
    // Without a connection the live try will likely fail: look the recipient's homes up meanwhile,
    // so a stored message costs no extra wait. With one, no DHT lookup runs beside a live delivery.
    const lookup = (): Promise<HomeEntry[] | undefined> => this.#c.homes?.homesOf(peer) ?? Promise.resolve(undefined)
    const home = connected ? undefined : lookup()
    home?.catch(() => {})
    const own = deadline(connected ? Math.max(liveTimeoutMs, CONNECTED_LIVE_TIMEOUT_MS) : liveTimeoutMs)
    const signal = caller == null ? own.signal : AbortSignal.any([caller, own.signal])
    try {
      // A stream can fail on a working connection (a WebRTC data channel reset, a relay hiccup): one
      // more try, on whatever connection is best now, before the message goes to the mailbox.
      for (let attempt = 1; attempt <= LIVE_ATTEMPTS && !signal.aborted; attempt++) {
        try {
          const connection = await dm.send(this.#liveTarget(peer), envelope, { signal })
          return { status: 'delivered', path: connectionPath(connection) }
        } catch (err) {
          if (caller?.aborted === true) throw caller.reason
          if (ProtocolError.is(err) && FINAL_CODES.has(err.code)) throw err
          log('live delivery to %p failed (attempt %d) - %e', peer, attempt, err)
          // A peer that answered (with an error) or is simply not reachable gets no second try.
          if (ProtocolError.is(err) || !connected) break
        }
      }
    } finally {
      own.clear()
    }
    if (mailbox == null) throw new UnreachableError(`peer ${peer.toString()} is not reachable and no rendezvous is configured`)
    const homes = await (home ?? lookup())
    return await this.#depositOnHomes(peer, this.#targets(homes), envelope, caller)
  }

  /** Where copies may go, in order: ours first when the record names it, then the record's order. */
  #targets (homes: HomeEntry[] | undefined): Array<{ peer?: PeerId, depositor: Depositor }> {
    const { mailbox, mailboxAt, rendezvousPeer } = this.#c
    const own = { peer: rendezvousPeer, depositor: mailbox as Depositor }
    if (homes == null || mailboxAt == null) return [own]
    const ours = rendezvousPeer != null && homes.some(h => h.peer.equals(rendezvousPeer))
    const others = homes.filter(h => rendezvousPeer == null || !h.peer.equals(rendezvousPeer)).map(h => ({ peer: h.peer, depositor: mailboxAt(h) }))
    return ours ? [own, ...others] : others
  }

  /**
   * Deposits on k homes: k lanes each walk down the list until a home takes a copy, so a home that
   * is down gives way to the next one. Resolves with the first committed copy; the others continue
   * under their own timeouts (the caller's signal only ends the wait for the first).
   */
  async #depositOnHomes (recipient: PeerId, targets: Array<{ peer?: PeerId, depositor: Depositor }>, envelope: Envelope, caller?: AbortSignal): Promise<Delivery> {
    const { log } = this.#c
    const k = Math.max(1, Math.min(Math.floor(this.#c.redundancy ?? 1), targets.length))
    const stop = new AbortController()
    let stored = false
    const onAbort = (): void => { if (!stored) stop.abort(caller?.reason) }
    caller?.addEventListener('abort', onAbort, { once: true })
    if (caller?.aborted === true) onAbort()
    let next = 0
    let lastErr: unknown
    const lane = async (): Promise<Delivery> => {
      while (next < targets.length) {
        const target = targets[next++]
        try {
          const delivery = await this.#deposit(target.depositor, envelope, stop.signal)
          stored = true
          return delivery
        } catch (err) {
          if (!(err instanceof Error && err.name === 'UnreachableError')) throw err
          log('home %s of %p is unreachable - %e', target.peer?.toString() ?? 'ours', recipient, err)
          lastErr = err
        }
      }
      throw lastErr ?? new UnreachableError(`no home of ${recipient.toString()} is left to try`)
    }
    const lanes = Array.from({ length: k }, lane)
    lanes.forEach(l => { l.catch(err => { if (stored) log('an extra copy for %p was not stored - %e', recipient, err) }) })
    if (k > 1) {
      const all = Promise.allSettled(lanes)
      this.#copies.add(all)
      void all.then(() => { this.#copies.delete(all) })
    }
    try {
      return await Promise.any(lanes)
    } catch (err) {
      if (caller?.aborted === true) throw caller.reason
      const errors = err instanceof AggregateError ? err.errors : [err]
      const final = errors.find(e => !(e instanceof Error && e.name === 'UnreachableError'))
      if (final != null) throw final
      this.#c.homes?.forget(recipient)
      throw errors[0]
    } finally {
      caller?.removeEventListener('abort', onAbort)
    }
  }

  async #deposit (target: Depositor, envelope: Envelope, caller?: AbortSignal): Promise<Delivery> {
    const own = AbortSignal.timeout(this.#c.timeoutMs)
    try {
      await target.deposit(envelope, { signal: caller == null ? own : AbortSignal.any([caller, own]) })
    } catch (err) {
      if (caller?.aborted === true) throw caller.reason
      // A retried deposit whose first ack was lost: the node already holds it.
      if (ProtocolError.is(err, ErrorCode.REPLAY)) return { status: 'stored', path: 'mailbox' }
      if (ProtocolError.is(err)) throw err
      throw new UnreachableError(`rendezvous is unreachable: ${errorMessage(err)}`, { cause: err })
    }
    return { status: 'stored', path: 'mailbox' }
  }

  #liveTarget (peer: PeerId): PeerId | Multiaddr {
    const { node, rendezvous, circuitFallback } = this.#c
    const connections = node.getConnections(peer).filter(c => c.status === 'open')
    const reuse = circuitFallback ? connections.some(c => c.limits == null) : connections.length > 0
    if (reuse || rendezvous == null) return peer
    return multiaddr(`${rendezvous.toString()}/p2p-circuit/p2p/${peer.toString()}`)
  }

  #update (peer: PeerId): void {
    const key = peer.toString()
    const path = bestPath(this.#c.node.getConnections(peer))
    // Only close and disconnect events can leave a peer without an open connection.
    if (path == null) this.#gone.set(key, this.#now())
    else this.#gone.delete(key)
    if (this.#gone.size > 10_000) this.#gone.delete(this.#gone.keys().next().value as string)
    if (this.#paths.get(key) === path) return
    if (path == null) this.#paths.delete(key)
    else this.#paths.set(key, path)
    this.safeDispatchEvent('path', { detail: { peer: key, path } })
  }

  readonly #onConnection = (evt: CustomEvent<Connection>): void => { this.#update(evt.detail.remotePeer) }
  readonly #onPeer = (evt: CustomEvent<PeerId>): void => { this.#update(evt.detail) }
}
