// The Requester of a libp2p connection: its PeerId and the network it comes from.
import { networkOf } from './network-prefix.ts'
import type { Requester } from './request-limiter.ts'
import type { Connection } from '@libp2p/interface'

export interface RequesterOptions {
  /**
   * Count loopback as a network. Off by default: behind a reverse proxy every WebSocket comes from
   * 127.0.0.1, and one shared budget would throttle every user at once (limits.limitLoopback).
   */
  countLoopback?: boolean
}

/**
 * A relayed connection's address is the relay's, as this node observed it, followed by
 * `/p2p-circuit`: the first IP in the multiaddr is that relay's, never anything the relay claims
 * about the peer behind it (a hostile relay could name any address). So relayed peers count against
 * their relay's network, like peers behind one NAT: a relay cannot mint fresh networks for its
 * clients, and an attacker's own relay shares the attacker's budget.
 */
export function requesterOf (connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>, options: RequesterOptions = {}): Requester {
  // Asked for every request (a deposit, a fetch): a connection's peer and address never change.
  const countLoopback = options.countLoopback === true
  let known = KNOWN.get(connection)
  if (known == null) KNOWN.set(connection, known = {})
  const key = countLoopback ? 'counted' : 'uncounted'
  return (known[key] ??= resolve(connection, countLoopback))
}

const KNOWN = new WeakMap<object, { counted?: Requester, uncounted?: Requester }>()

function resolve (connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>, countLoopback: boolean): Requester {
  const peer = connection.remotePeer.toString()
  const ip = connection.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
  const network = ip == null ? undefined : networkOf(ip)
  if (network == null || (network.loopback && !countLoopback)) return { peer }
  return { peer, network: network.prefix }
}
