// Refuses inbound connections beyond a per-IP cap, so one host cannot take every connection slot.
import { networkOf } from './network-prefix.ts'
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface'

export interface IpGaterOptions {
  maxConnectionsPerIp: number
  /**
   * Leave loopback uncounted: behind a reverse proxy every WebSocket comes from 127.0.0.1, and
   * local test beds run many peers on one host.
   */
  exemptLoopback?: boolean
  /** Called with the limit's name whenever it refuses something (for /metrics). */
  onLimit?: (limit: string) => void
}

function ipOf (conn: MultiaddrConnection): string | undefined {
  return conn.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
}

export function ipConnectionGater (options: IpGaterOptions): ConnectionGater & { count(ip: string): number } {
  const open = new Map<string, number>()
  return {
    denyInboundConnection: async (conn) => {
      const ip = ipOf(conn)
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
    count: (ip) => open.get(ip) ?? 0
  }
}
