// Where an envelope goes: live on the DM protocol when the recipient is reachable (an open
// connection, else through our rendezvous relay), otherwise into the mailbox of the recipient's home
// rendezvous: ours, or another node found in the DHT (federation).
import { multiaddr } from '@multiformats/multiaddr'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { homeKey } from '../federation/home.ts'
import { MailboxClient } from '../mailbox/mailbox-client.ts'
import type { DirectMessages } from '../dm/direct-messages.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/messages.ts'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type DeliveryPath = 'direct' | 'relayed' | 'webrtc' | 'mailbox'

export interface Delivery {
  status: 'delivered' | 'stored'
  path: DeliveryPath
}

/** How long a home lookup may take, and how long its answer is reused. */
const HOME_LOOKUP_MS = 3_000
const HOME_CACHE_MS = 5 * 60_000

/**
 * With a connection already open the recipient is almost surely there and only slow (a first
 * message also sets up a session): give it longer before falling back to the mailbox.
 */
const CONNECTED_LIVE_TIMEOUT_MS = 10_000

const LIVE_ATTEMPTS = 2

/** Codes that retrying through the mailbox cannot fix. */
const FINAL_CODES = new Set([ErrorCode.MALFORMED, ErrorCode.TOO_LARGE, ErrorCode.BAD_SIGNATURE])

export function connectionPath (connection: Connection): DeliveryPath {
  const addr = connection.remoteAddr.toString()
  if (addr.includes('/webrtc')) return 'webrtc'
  if (connection.limits != null || addr.includes('/p2p-circuit')) return 'relayed'
  return 'direct'
}

export interface DeliveryRouterInit {
  node: ChatNode
  dm: DirectMessages
  log: Logger
  rendezvous?: Multiaddr
  rendezvousPeer?: PeerId
  mailbox?: MailboxClient
  timeoutMs: number
  liveTimeoutMs: number
  federation: boolean
  /** Only an unlimited connection counts as a live path; otherwise dial the relay's circuit address. */
  circuitFallback: boolean
}

export class DeliveryRouter {
  readonly #init: DeliveryRouterInit
  readonly #homes = new Map<string, { addrs?: Multiaddr[], at: number }>()

  constructor (init: DeliveryRouterInit) {
    this.#init = init
  }

  async deliver (peer: PeerId, envelope: Envelope, options: AbortOptions = {}): Promise<Delivery> {
    const { dm, log, mailbox, timeoutMs, liveTimeoutMs, node } = this.#init
    // Looked up while the live attempt runs, so a stored message costs no extra wait.
    const home = this.#homeOf(peer)
    const connected = node.getConnections(peer).some(c => c.status === 'open')
    const signal = options.signal ?? AbortSignal.timeout(connected ? Math.max(liveTimeoutMs, CONNECTED_LIVE_TIMEOUT_MS) : liveTimeoutMs)
    // A stream can fail on a working connection (a WebRTC data channel reset, a relay hiccup): one
    // more try, on whatever connection is best now, before the message goes to the mailbox.
    for (let attempt = 1; attempt <= LIVE_ATTEMPTS && !signal.aborted; attempt++) {
      try {
        const connection = await dm.send(this.#liveTarget(peer), envelope, { signal })
        return { status: 'delivered', path: connectionPath(connection) }
      } catch (err) {
        if (ProtocolError.is(err) && FINAL_CODES.has(err.code)) throw err
        log('live delivery to %p failed (attempt %d), %s - %e', peer, attempt, attempt < LIVE_ATTEMPTS ? 'trying again' : 'using the mailbox', err)
        // A peer that answered (with an error) or is simply not reachable gets no second try.
        if (ProtocolError.is(err) || !connected) break
      }
    }
    if (mailbox == null) throw new UnreachableError(`peer ${peer.toString()} is not reachable and no rendezvous is configured`)
    const remoteHome = await home
    const target = remoteHome == null ? mailbox : new MailboxClient(node, remoteHome, timeoutMs)
    try {
      await target.deposit(envelope, { signal: options.signal ?? AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      // A retried deposit whose first ack was lost: the node already holds it.
      if (ProtocolError.is(err, ErrorCode.REPLAY)) return { status: 'stored', path: 'mailbox' }
      if (remoteHome != null) this.#homes.delete(peer.toString())
      if (ProtocolError.is(err)) throw err
      throw new UnreachableError(`rendezvous is unreachable: ${errorMessage(err)}`, { cause: err })
    }
    return { status: 'stored', path: 'mailbox' }
  }

  /**
   * The recipient's home rendezvous when it is another node (federation), found as a DHT provider
   * of its home key; undefined means our own rendezvous. Cached, and bounded in time.
   */
  async #homeOf (peer: PeerId): Promise<Multiaddr[] | undefined> {
    const { federation, rendezvousPeer, node, log } = this.#init
    if (!federation || rendezvousPeer == null) return undefined
    const key = peer.toString()
    const cached = this.#homes.get(key)
    if (cached != null && Date.now() - cached.at < HOME_CACHE_MS) return cached.addrs
    let addrs: Multiaddr[] | undefined
    try {
      for await (const provider of node.contentRouting.findProviders(homeKey(peer), { signal: AbortSignal.timeout(HOME_LOOKUP_MS) })) {
        // Our own node stays the choice whenever it is one of the homes.
        if (provider.id.equals(rendezvousPeer)) { addrs = undefined; break }
        if (addrs == null && provider.multiaddrs.length > 0) addrs = provider.multiaddrs.map(ma => ma.encapsulate(`/p2p/${provider.id.toString()}`))
      }
    } catch (err) {
      log('home lookup for %p ended - %e', peer, err)
    }
    this.#homes.set(key, { addrs, at: Date.now() })
    if (this.#homes.size > 10_000) this.#homes.delete(this.#homes.keys().next().value as string)
    return addrs
  }

  #liveTarget (peer: PeerId): PeerId | Multiaddr {
    const { node, rendezvous, circuitFallback } = this.#init
    const connections = node.getConnections(peer)
    const reuse = circuitFallback ? connections.some(c => c.limits == null) : connections.length > 0
    if (reuse || rendezvous == null) return peer
    return multiaddr(`${rendezvous.toString()}/p2p-circuit/p2p/${peer.toString()}`)
  }
}
