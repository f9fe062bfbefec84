// Learning the page's own rendezvous node: `/api/rendezvous` on the same origin, which of its
// multiaddrs a browser can dial (WebSockets; secure ones when the page is https), and its privacy policy.
import { multiaddr } from '@multiformats/multiaddr'
import { Circuit, WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { parseRendezvousApiInfo } from '../../protocol/rendezvous-api.ts'
import type { RendezvousApiInfo } from '../../protocol/rendezvous-api.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const P2P_CODE = 0x01a5

export type RendezvousInfo = RendezvousApiInfo

export interface PageLocation {
  protocol: string
  hostname: string
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])
const HOST_PROTOCOLS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6'])

interface Candidate { ma: Multiaddr, secure: boolean }

/** A WebSocket address a browser can dial directly: plain or secure, never through a relay. */
function candidateOf (text: string): Candidate | undefined {
  let ma: Multiaddr
  try {
    ma = multiaddr(text)
  } catch {
    return undefined
  }
  if (Circuit.matches(ma)) return undefined
  if (WebSocketsSecure.exactMatch(ma)) return { ma, secure: true }
  if (WebSockets.exactMatch(ma)) return { ma, secure: false }
  return undefined
}

function hostOf (ma: Multiaddr): string | undefined {
  return ma.getComponents().find(c => HOST_PROTOCOLS.has(c.name))?.value?.toLowerCase()
}

/**
 * Picks the WebSocket multiaddr of the rendezvous a page at `page` should dial, with `/p2p/<id>`.
 * https pages may only use secure WebSockets (mixed content is blocked); among the candidates the
 * one on the page's own host wins, then loopback when the page itself is on loopback.
 */
export function pickRendezvousAddress (info: Pick<RendezvousInfo, 'peerId' | 'multiaddrs'>, page: PageLocation): string | undefined {
  const secure = page.protocol === 'https:'
  const candidates = info.multiaddrs.map(candidateOf).filter((c): c is Candidate => c != null && (!secure || c.secure))
  if (candidates.length === 0) return undefined
  const pageHost = page.hostname.toLowerCase()
  const rank = (c: Candidate): number => {
    const host = hostOf(c.ma)
    if (host === pageHost) return 0
    if (host != null && LOOPBACK.has(host) && LOOPBACK.has(pageHost)) return 1
    if (!secure && !c.secure) return 2
    return 3
  }
  const best = [...candidates].sort((a, b) => rank(a) - rank(b))[0].ma
  const own = best.getComponents().findLast(c => c.name === 'p2p')?.value
  return (own === info.peerId ? best : best.decapsulateCode(P2P_CODE).encapsulate(`/p2p/${info.peerId}`)).toString()
}

export const parseRendezvousInfo = parseRendezvousApiInfo

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
