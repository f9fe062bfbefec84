// How a message travelled, and how a peer is connected right now: read off libp2p connections.
import { WebRTC } from '@multiformats/multiaddr-matcher'
import type { Connection } from '@libp2p/interface'

export type DeliveryPath = 'direct' | 'relayed' | 'webrtc' | 'mailbox'

/** What a remote address says (a connection keeps its address): matching it costs more than a message. */
const byAddress = new WeakMap<Connection['remoteAddr'], DeliveryPath>()

export function connectionPath (connection: Pick<Connection, 'remoteAddr' | 'limits'>): DeliveryPath {
  let path = byAddress.get(connection.remoteAddr)
  if (path == null) {
    path = WebRTC.matches(connection.remoteAddr) ? 'webrtc' : connection.remoteAddr.getComponents().some(c => c.name === 'p2p-circuit') ? 'relayed' : 'direct'
    byAddress.set(connection.remoteAddr, path)
  }
  return path === 'direct' && connection.limits != null ? 'relayed' : path
}

const BEST_FIRST: DeliveryPath[] = ['webrtc', 'direct', 'relayed']

/** The open connection on the best path (WebRTC, then direct, then relayed); undefined when none is open. */
export function bestConnection<C extends Pick<Connection, 'remoteAddr' | 'limits' | 'status'>> (connections: C[]): C | undefined {
  let best: C | undefined
  let rank = BEST_FIRST.length
  for (const c of connections) {
    if (c.status !== 'open') continue
    const r = BEST_FIRST.indexOf(connectionPath(c))
    if (r < rank) { best = c; rank = r }
  }
  return best
}

/** The best live path among open connections; undefined when there is none (the mailbox is left). */
export function bestPath (connections: Array<Pick<Connection, 'remoteAddr' | 'limits' | 'status'>>): DeliveryPath | undefined {
  const best = bestConnection(connections)
  return best == null ? undefined : connectionPath(best)
}

/** Where one envelope ended up: with a device of the recipient, or in its node's mailbox. */
export interface Delivery {
  status: 'delivered' | 'stored'
  path: DeliveryPath
}
