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

/** The best live path among open connections; undefined when there is none (the mailbox is left). */
export function bestPath (connections: Array<Pick<Connection, 'remoteAddr' | 'limits' | 'status'>>): DeliveryPath | undefined {
  const paths = connections.filter(c => c.status === 'open').map(connectionPath)
  return BEST_FIRST.find(p => paths.includes(p))
}

/** Where one envelope ended up: with a device of the recipient, or in its node's mailbox. */
export interface Delivery {
  status: 'delivered' | 'stored'
  path: DeliveryPath
}
