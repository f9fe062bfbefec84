// The one route decision, used by the delivery router, the browser's WebRTC upgrader and the CLI:
// how a peer is reachable now, whether a live attempt is worth it, and whether to try WebRTC.
import type { DeliveryPath } from './path.ts'

/**
 * After a peer's last connection closed, how long no WebRTC dial is tried: the peer left (a closed
 * tab), and a dial signalled through the relay would hold the send up until it times out. A plain
 * live attempt still goes: the relay answers at once when the peer has no reservation there, and a
 * peer that came straight back (a reload) is reached live again.
 */
export const GONE_MS = 15_000

export interface PeerRouteState {
  /** The best open connection's path, undefined with none. */
  path?: DeliveryPath
  /** When its last connection closed (local clock), if it has none now. */
  goneAt?: number
}

export interface RouteOptions {
  now: number
  /** A relay (our rendezvous) is configured and connected: circuits and WebRTC signalling work. */
  relayOnline: boolean
  /** This client upgrades to WebRTC itself (browsers). */
  upgrades: boolean
}

export interface Route {
  /** The best open connection's path now; undefined: a live try must dial (through the relay). */
  path?: DeliveryPath
  /** Worth a WebRTC dial (signalled through the relay) before or while sending. */
  upgrade: boolean
}

export function decideRoute (state: PeerRouteState, options: RouteOptions): Route {
  const { path } = state
  if (path === 'webrtc' || path === 'direct') return { path, upgrade: false }
  const recentlyGone = path == null && state.goneAt != null && options.now - state.goneAt < GONE_MS
  return { path, upgrade: options.upgrades && options.relayOnline && !recentlyGone }
}
