// The one route decision (browser and CLI): when a WebRTC dial is worth it.
import { describe, expect, it } from 'vitest'
import { GONE_MS, decideRoute } from '../../../protocol/delivery/route.ts'

const online = { now: 100_000, relayOnline: true, upgrades: true }

describe('decideRoute: WebRTC upgrade decisions', () => {
  it('no dial when the peer is already on WebRTC or a direct connection', () => {
    expect(decideRoute({ path: 'webrtc' }, online)).toEqual({ path: 'webrtc', upgrade: false })
    expect(decideRoute({ path: 'direct' }, online)).toEqual({ path: 'direct', upgrade: false })
  })

  it('dials from a relayed connection, or with none, while the relay can signal', () => {
    expect(decideRoute({ path: 'relayed' }, online)).toEqual({ path: 'relayed', upgrade: true })
    expect(decideRoute({}, online)).toEqual({ path: undefined, upgrade: true })
    expect(decideRoute({ path: 'relayed' }, { ...online, relayOnline: false })).toEqual({ path: 'relayed', upgrade: false })
  })

  it('never dials for a client that does not upgrade itself (the CLI)', () => {
    expect(decideRoute({ path: 'relayed' }, { ...online, upgrades: false }).upgrade).toBe(false)
    expect(decideRoute({}, { ...online, upgrades: false }).upgrade).toBe(false)
  })

  it('no dial at a peer that left a moment ago, until GONE_MS has passed', () => {
    const goneAt = online.now - 1
    expect(decideRoute({ goneAt }, online)).toEqual({ path: undefined, upgrade: false })
    expect(decideRoute({ goneAt: online.now - GONE_MS }, online).upgrade).toBe(true)
    // Back on a connection: its leaving no longer counts.
    expect(decideRoute({ path: 'relayed', goneAt }, online).upgrade).toBe(true)
  })
})
