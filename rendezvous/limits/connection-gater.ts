// Refuses inbound connections beyond a per-IP cap, so one host cannot take every connection slot,
// and every connection of a PeerId or from an address prefix the operator blocked.
import { networkOf } from './network-prefix.ts'
import type { BlockKind } from '../accounts/account-store.ts'
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'

/** What the operator blocked (rendezvous/limits/blocklist.ts). */
export interface BlockedCheck {
  peerBlocked(peerId: string): boolean
  addressBlocked(ip: string): boolean
}

export interface IpGaterOptions {
  maxConnectionsPerIp: number
  /**
   * Leave loopback uncounted: behind a reverse proxy every WebSocket comes from 127.0.0.1, and
   * local test beds run many peers on one host.
   */
  exemptLoopback?: boolean
  /** Called with the limit's name whenever it refuses something (for /metrics). */
  onLimit?: (limit: string) => void
  blocked?: BlockedCheck
  /** Called whenever a block refuses something (for /metrics). */
  onBlocked?: (kind: BlockKind) => void
}

function ipOf (conn: MultiaddrConnection): string | undefined {
  return conn.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
}

export function ipConnectionGater (options: IpGaterOptions): ConnectionGater & { count(ip: string): number } {
  const open = new Map<string, number>()
  const peerBlocked = (peer: PeerId): boolean => {
    if (options.blocked?.peerBlocked(peer.toString()) !== true) return false
    options.onBlocked?.('peer')
    return true
  }
  return {
    // Checked before anything else: loopback's exemption from the per-IP cap is no exemption from a block.
    denyInboundConnection: async (conn) => {
      const ip = ipOf(conn)
      if (ip != null && options.blocked?.addressBlocked(ip) === true) {
        options.onBlocked?.('prefix')
        return true
      }
      if (ip == null || (options.exemptLoopback !== false && networkOf(ip)?.loopback === true)) return false
      const n = open.get(ip) ?? 0
      if (n >= options.maxConnectionsPerIp) {
        options.onLimit?.('connections_per_ip')
        return true
      }
      open.set(ip, n + 1)
      conn.addEventListener('close', () => {
        const left = (open.get(ip) ?? 1) - 1
        if (left <= 0) open.delete(ip)
        else open.set(ip, left)
      }, { once: true })
      return false
    },
    denyInboundEncryptedConnection: async (peer) => peerBlocked(peer),
    denyDialPeer: async (peer) => peerBlocked(peer),
    denyInboundRelayReservation: async (source) => peerBlocked(source),
    denyOutboundRelayedConnection: async (source, destination) => peerBlocked(source) || peerBlocked(destination),
    count: (ip) => open.get(ip) ?? 0
  }
}
