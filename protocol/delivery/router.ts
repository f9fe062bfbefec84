// Where an envelope goes: live on the DM protocol when the recipient is reachable (an open
// connection, else through our rendezvous relay), otherwise into the mailbox of the recipient's home
// rendezvous: ours, or another node named by the recipient's signed home record (federation).
import { multiaddr } from '@multiformats/multiaddr'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { homeKey, openHomeRecord } from '../federation/home.ts'
import type { HomeEntry, HomeRecord } from '../federation/home.ts'
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
  /** Clock for home record expiry (tests). */
  now?: () => number
}

export class DeliveryRouter {
  readonly #init: DeliveryRouterInit
  readonly #homes = new Map<string, { homes?: HomeEntry[], until: number }>()

  constructor (init: DeliveryRouterInit) {
    this.#init = init
  }

  #now (): number {
    return (this.#init.now ?? Date.now)()
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
    const homes = await home
    if (homes == null) return await this.#deposit(mailbox, envelope, options)
    // The first home that answers takes it; one that cannot be reached gives way to the next.
    let lastErr: unknown
    for (const h of homes) {
      try {
        return await this.#deposit(new MailboxClient(node, h.addrs.length > 0 ? h.addrs : h.peer, timeoutMs), envelope, options)
      } catch (err) {
        if (!(err instanceof Error && err.name === 'UnreachableError')) throw err
        log('home %p of %p is unreachable - %e', h.peer, peer, err)
        lastErr = err
      }
    }
    this.#homes.delete(peer.toString())
    throw lastErr
  }

  async #deposit (target: MailboxClient, envelope: Envelope, options: AbortOptions): Promise<Delivery> {
    try {
      await target.deposit(envelope, { signal: options.signal ?? AbortSignal.timeout(this.#init.timeoutMs) })
    } catch (err) {
      // A retried deposit whose first ack was lost: the node already holds it.
      if (ProtocolError.is(err, ErrorCode.REPLAY)) return { status: 'stored', path: 'mailbox' }
      if (ProtocolError.is(err)) throw err
      throw new UnreachableError(`rendezvous is unreachable: ${errorMessage(err)}`, { cause: err })
    }
    return { status: 'stored', path: 'mailbox' }
  }

  /**
   * The recipient's home rendezvous nodes when they are other nodes (federation), from its signed
   * home record in the DHT; undefined means our own rendezvous (no valid record, or ours is one of
   * its homes). Cached, never past the record's expiry.
   */
  async #homeOf (peer: PeerId): Promise<HomeEntry[] | undefined> {
    const { federation, rendezvousPeer } = this.#init
    if (!federation || rendezvousPeer == null) return undefined
    const key = peer.toString()
    const now = this.#now()
    const cached = this.#homes.get(key)
    if (cached != null && now < cached.until) return cached.homes
    const record = await this.#lookup(peer)
    const homes = record == null || record.homes.some(h => h.peer.equals(rendezvousPeer)) ? undefined : record.homes
    this.#homes.set(key, { homes, until: Math.min(now + HOME_CACHE_MS, record?.expires ?? Infinity) })
    if (this.#homes.size > 10_000) this.#homes.delete(this.#homes.keys().next().value as string)
    return homes
  }

  /**
   * The newest valid home record of `peer` that DHT servers answer with within the lookup time.
   * Each answer is checked here (signature, PeerId, expiry), whatever the servers checked.
   */
  async #lookup (peer: PeerId): Promise<HomeRecord | undefined> {
    const { node, log } = this.#init
    let best: HomeRecord | undefined
    const consider = (bytes: Uint8Array): void => {
      try {
        const record = openHomeRecord(peer, bytes, this.#now())
        if (best == null || record.seq > best.seq) best = record
      } catch (err) {
        log('ignoring a home record for %p - %e', peer, err)
      }
    }
    try {
      for await (const event of node.services.dht.get(homeKey(peer), { signal: AbortSignal.timeout(HOME_LOOKUP_MS) })) {
        if (event.name === 'VALUE') consider(event.value)
        else if (event.name === 'PEER_RESPONSE' && event.record != null) consider(event.record.value)
      }
    } catch (err) {
      log('home lookup for %p ended - %e', peer, err)
    }
    return best
  }

  #liveTarget (peer: PeerId): PeerId | Multiaddr {
    const { node, rendezvous, circuitFallback } = this.#init
    const connections = node.getConnections(peer)
    const reuse = circuitFallback ? connections.some(c => c.limits == null) : connections.length > 0
    if (reuse || rendezvous == null) return peer
    return multiaddr(`${rendezvous.toString()}/p2p-circuit/p2p/${peer.toString()}`)
  }
}
