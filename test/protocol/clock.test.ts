import { describe, expect, it } from 'vitest'
import { VirtualClock, clockFrom, realTimers, systemClock } from '../../protocol/clock.ts'

const START = Date.UTC(2026, 0, 1)

describe('VirtualClock, step mode', () => {
  it('stands still until advanced, then reads the advanced time', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    expect(clock.now()).toBe(START)
    await clock.advance(30 * 24 * 3600_000)
    expect(clock.now()).toBe(START + 30 * 24 * 3600_000)
  })

  it('fires exactly the timers due, in time order, each seeing its own time', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const fired: Array<[string, number]> = []
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300)
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100)
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200)
    clock.setTimeout(() => fired.push(['late', clock.now()]), 301)
    await clock.advance(300)
    expect(fired).toEqual([['a', START + 100], ['b', START + 200], ['c', START + 300]])
    expect(clock.pending).toBe(1)
    await clock.advance(1)
    expect(fired.at(-1)).toEqual(['late', START + 301])
  })

  it('fires timers set for the same time in the order they were set', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const fired: number[] = []
    for (let i = 0; i < 5; i++) clock.setTimeout(() => fired.push(i), 50)
    await clock.advance(50)
    expect(fired).toEqual([0, 1, 2, 3, 4])
  })

  it('keeps time order across thousands of timers, some cancelled, some intervals', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const fired: number[] = []
    let x = 7
    const handles = []
    for (let i = 0; i < 2_000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31
      const at = x % 100_000
      handles.push(clock.setTimeout(() => fired.push(clock.now() - START), at))
    }
    for (let i = 0; i < handles.length; i += 2) clock.clearTimeout(handles[i])
    let ticks = 0
    clock.setInterval(() => { ticks++ }, 10_000)
    await clock.advance(100_000)
    expect(fired).toHaveLength(1_000)
    expect(fired).toEqual([...fired].sort((a, b) => a - b))
    expect(ticks).toBe(10)
  })

  it('does not fire a cancelled timer or interval', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const fired: string[] = []
    const t = clock.setTimeout(() => fired.push('timeout'), 10)
    const i = clock.setInterval(() => fired.push('interval'), 10)
    clock.clearTimeout(t)
    clock.clearInterval(i)
    await clock.advance(1000)
    expect(fired).toEqual([])
    expect(clock.pending).toBe(0)
  })

  it('runs an interval once per period, until cleared from inside', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const at: number[] = []
    const h = clock.setInterval(() => {
      at.push(clock.now() - START)
      if (at.length === 3) clock.clearInterval(h)
    }, 60_000)
    await clock.advance(59_999)
    expect(at).toEqual([])
    await clock.advance(10 * 60_000)
    expect(at).toEqual([60_000, 120_000, 180_000])
  })

  it('fires a timer set by a firing timer when it falls within the same advance', async () => {
    const clock = new VirtualClock({ step: true, start: START })
    const at: number[] = []
    clock.setTimeout(() => { clock.setTimeout(() => at.push(clock.now() - START), 50) }, 100)
    await clock.runUntil(START + 150)
    expect(at).toEqual([150])
  })

  it('refuses to go backwards, and to be stepped when it runs at a speed', async () => {
    await expect(new VirtualClock({ step: true }).advance(-1)).rejects.toThrow(RangeError)
    await expect(new VirtualClock({ speed: 10 }).advance(1)).rejects.toThrow(/stepped/)
    expect(() => new VirtualClock({ speed: 0 })).toThrow(RangeError)
  })
})

describe('VirtualClock, speed mode', () => {
  it('runs virtual time N times faster than real time', async () => {
    const realStart = Date.now()
    const clock = new VirtualClock({ speed: 1000, start: START })
    await new Promise<void>(resolve => { clock.setTimeout(resolve, 60_000) })
    const real = Date.now() - realStart
    // A virtual minute is 60 real ms at 1000×, far from a real minute.
    expect(real).toBeGreaterThanOrEqual(55)
    expect(real).toBeLessThan(5_000)
    expect(clock.now() - START).toBeGreaterThanOrEqual(59_000)
    expect(clock.now() - START).toBeLessThanOrEqual((Date.now() - realStart) * 1000)
  })

  it('repeats intervals at the compressed period and cancels them', async () => {
    const clock = new VirtualClock({ speed: 1000 })
    let n = 0
    await new Promise<void>(resolve => {
      const h = clock.setInterval(() => { if (++n === 3) { clock.clearInterval(h); resolve() } }, 10_000)
    })
    expect(n).toBe(3)
    const t = clock.setTimeout(() => { n = -1 }, 1_000)
    clock.clearTimeout(t)
    await new Promise<void>(resolve => { clock.setTimeout(resolve, 5_000) })
    expect(n).toBe(3)
  })
})

describe('clockFrom', () => {
  it('prefers the clock, else keeps `now` with real timers, else real time', async () => {
    const virtual = new VirtualClock({ step: true })
    expect(clockFrom({ clock: virtual, now: () => 1 })).toBe(virtual)
    const fixed = clockFrom({ now: () => 42 })
    expect(fixed.now()).toBe(42)
    // `now` alone: the timers are real ones.
    await new Promise<void>(resolve => { fixed.setTimeout(resolve, 5) })
    expect(clockFrom({})).toBe(systemClock)
  })

  it('real timers keep unref, so they need not hold the process', () => {
    const h = realTimers(Date.now).setTimeout(() => {}, 1000)
    expect(typeof h.unref).toBe('function')
    h.unref?.()
    systemClock.clearTimeout(h)
  })
})
