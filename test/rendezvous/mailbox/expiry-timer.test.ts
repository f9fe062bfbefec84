// Disappearing envelopes are purged at their own expiry time on the node's clock: a stepped clock
// purges exactly when it passes the earliest expiry, and re-arms for the next one.
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../../protocol/clock.ts'
import { ExpiryTimer, MAX_TRACKED_EXPIRIES } from '../../../rendezvous/mailbox/expiry-timer.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger
const START = Date.UTC(2026, 0, 1)

describe('ExpiryTimer on a stepped clock', () => {
  it('purges at each expiry as the clock passes it, earliest first, and not before', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const purges: number[] = []
    const timer = new ExpiryTimer(async now => { purges.push(now - START) }, clock, log)
    timer.add(START + 5_000)
    timer.add(START + 2_000)
    timer.add(START + 9_000)
    await clock.advance(1_999)
    expect(purges).toEqual([])
    await clock.advance(1)
    expect(purges).toEqual([2_000])
    await clock.advance(10_000)
    expect(purges).toEqual([2_000, 5_000, 9_000])
    expect(clock.pending).toBe(0)
    timer.stop()
  })

  it('leaves deposits beyond its bound to the periodic sweep, and arms nothing after stop', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const purges: number[] = []
    const timer = new ExpiryTimer(async now => { purges.push(now - START) }, clock, log)
    for (let i = 0; i < MAX_TRACKED_EXPIRIES; i++) timer.add(START + 1_000 + i)
    // One past the bound, though earliest: not tracked.
    timer.add(START + 10)
    await clock.advance(999)
    expect(purges).toEqual([])
    await clock.advance(1)
    expect(purges).toEqual([1_000])
    timer.stop()
    expect(clock.pending).toBe(0)
    timer.add(START + 2_000)
    await clock.advance(60_000)
    expect(purges).toEqual([1_000])
  })
})
