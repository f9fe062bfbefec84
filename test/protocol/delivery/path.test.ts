// Which of a peer's connections a message takes: WebRTC over direct over relayed, whatever the order
// libp2p lists them in, and a relay that sets no limits still counts as relayed.
import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { bestConnection, bestPath, connectionPath } from '../../../protocol/delivery/path.ts'

const RELAY = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN/p2p-circuit'
const open = (addr: string, limits?: { bytes: bigint }) => ({ remoteAddr: multiaddr(addr), limits, status: 'open' as const })

const relayedUnlimited = open(`${RELAY}/p2p/12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3`)
const webrtc = open(`${RELAY}/webrtc/p2p/12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3`)
const direct = open('/ip4/127.0.0.1/tcp/4002')

describe('bestConnection', () => {
  it('takes WebRTC over a relayed connection listed first, even one without limits', () => {
    expect(connectionPath(relayedUnlimited)).toBe('relayed')
    expect(bestConnection([relayedUnlimited, webrtc])).toBe(webrtc)
    expect(bestPath([relayedUnlimited, webrtc])).toBe('webrtc')
  })

  it('takes direct over relayed, and a direct address with limits counts as relayed', () => {
    expect(bestConnection([relayedUnlimited, direct])).toBe(direct)
    const limited = open('/ip4/127.0.0.1/tcp/4003', { bytes: 1n })
    expect(bestConnection([limited, direct])).toBe(direct)
    expect(bestPath([limited])).toBe('relayed')
  })

  it('skips connections that are closing and has none when nothing is open', () => {
    const closing = { ...webrtc, status: 'closing' as const }
    expect(bestConnection([closing, relayedUnlimited])).toBe(relayedUnlimited)
    expect(bestConnection([closing])).toBeUndefined()
    expect(bestPath([])).toBeUndefined()
  })
})
