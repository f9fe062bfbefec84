// Learning the page's own rendezvous node: `/api/rendezvous` on the same origin, which of its
// multiaddrs a browser can dial (WebSockets; secure ones when the page is https), and its privacy policy.

export interface RendezvousInfo {
  peerId: string
  multiaddrs: string[]
  /** ICE servers the operator wants browsers to use; none by default (see web-node.ts). */
  iceServers?: RTCIceServer[]
}

export interface PageLocation {
  protocol: string
  hostname: string
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

function hostOf (ma: string): string | undefined {
  return /^\/(?:ip4|ip6|dns|dns4|dns6)\/([^/]+)/.exec(ma)?.[1]
}

function isSecureWs (ma: string): boolean {
  return /\/(wss|tls\/ws)(\/|$)/.test(ma) || /\/tls\/sni\/[^/]+\/ws(\/|$)/.test(ma)
}

function isWs (ma: string): boolean {
  return /\/(ws|wss)(\/|$)/.test(ma) && !ma.includes('/p2p-circuit')
}

/**
 * Picks the WebSocket multiaddr of the rendezvous a page at `page` should dial, with `/p2p/<id>`.
 * https pages may only use secure WebSockets (mixed content is blocked); among the candidates the
 * one on the page's own host wins, then loopback when the page itself is on loopback.
 */
export function pickRendezvousAddress (info: RendezvousInfo, page: PageLocation): string | undefined {
  const secure = page.protocol === 'https:'
  const candidates = info.multiaddrs.filter(ma => isWs(ma) && (!secure || isSecureWs(ma)))
  if (candidates.length === 0) return undefined
  const pageHost = page.hostname.toLowerCase()
  const rank = (ma: string): number => {
    const host = hostOf(ma)?.toLowerCase()
    if (host === pageHost) return 0
    if (host != null && LOOPBACK.has(host) && LOOPBACK.has(pageHost)) return 1
    if (!secure && !isSecureWs(ma)) return 2
    return 3
  }
  const best = [...candidates].sort((a, b) => rank(a) - rank(b))[0]
  const suffix = `/p2p/${info.peerId}`
  return best.endsWith(suffix) ? best : `${best.replace(/\/p2p\/[^/]+$/, '')}${suffix}`
}

export function parseRendezvousInfo (body: unknown): RendezvousInfo {
  if (body == null || typeof body !== 'object') throw new Error('rendezvous info is not an object')
  const { peerId, multiaddrs, iceServers } = body as Record<string, unknown>
  if (typeof peerId !== 'string' || !Array.isArray(multiaddrs) || multiaddrs.some(m => typeof m !== 'string')) {
    throw new Error('rendezvous info lacks peerId or multiaddrs')
  }
  return { peerId, multiaddrs: multiaddrs as string[], ...(Array.isArray(iceServers) ? { iceServers: iceServers as RTCIceServer[] } : {}) }
}

export async function fetchRendezvousInfo (signal?: AbortSignal): Promise<RendezvousInfo> {
  const res = await fetch('/api/rendezvous', { signal: signal ?? AbortSignal.timeout(5000), cache: 'no-store' })
  if (!res.ok) throw new Error(`/api/rendezvous answered ${res.status}`)
  return parseRendezvousInfo(await res.json())
}

/** The node's privacy policy (`/api/policy`); undefined when this node serves none. */
export async function fetchPolicy (signal?: AbortSignal): Promise<{ version: number, text: string } | undefined> {
  const res = await fetch('/api/policy', { signal: signal ?? AbortSignal.timeout(5000), cache: 'no-store' })
  if (!res.ok) return undefined
  const body = await res.json() as { version?: unknown, text?: unknown }
  if (typeof body.version !== 'number' || typeof body.text !== 'string') return undefined
  return { version: body.version, text: body.text }
}
