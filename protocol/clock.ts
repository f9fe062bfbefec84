// The one clock that expiry, retries, sweeps and purges follow. Passed in (never patched globally), so
// a scenario can run weeks of retention, backoff and log purges on compressed or stepped time while
// the network (libp2p's own timers, read deadlines) stays on real time.

/** A timer from a Clock; `unref` (Node) lets the process exit while only such timers wait, as with real timers. */
export interface TimerHandle {
  unref?: () => unknown
}

export interface Clock {
  now: () => number
  setTimeout: (fn: () => void, ms: number) => TimerHandle
  clearTimeout: (handle: TimerHandle | undefined) => void
  setInterval: (fn: () => void, ms: number) => TimerHandle
  clearInterval: (handle: TimerHandle | undefined) => void
}

/** Longest delay a platform timer takes; longer ones fire at once (Node, browsers). */
const MAX_TIMER_MS = 2 ** 31 - 1

type PlatformTimer = ReturnType<typeof globalThis.setTimeout>

/** Real timers with the given time source. */
export function realTimers (now: () => number): Clock {
  return {
    now,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, clampDelay(ms)) as unknown as TimerHandle,
    clearTimeout: h => { if (h != null) globalThis.clearTimeout(h as unknown as PlatformTimer) },
    setInterval: (fn, ms) => globalThis.setInterval(fn, clampDelay(ms)) as unknown as TimerHandle,
    clearInterval: h => { if (h != null) globalThis.clearInterval(h as unknown as PlatformTimer) }
  }
}

/** Real time and real timers. */
export const systemClock: Clock = realTimers(() => Date.now())

/**
 * What a component with `{ clock?, now? }` options runs on: the clock when given, else `now` with
 * real timers (how `now` worked before clocks existed), else the system clock.
 */
export function clockFrom (options: { clock?: Clock, now?: () => number }): Clock {
  if (options.clock != null) return options.clock
  if (options.now != null) return realTimers(options.now)
  return systemClock
}

export type VirtualClockOptions =
  /** Virtual time runs `speed` times faster than real time; timers fire after ms / speed real ms. */
  | { speed: number, start?: number }
  /** Time moves only by `advance` / `runUntil`: deterministic. */
  | { step: true, start?: number }

interface VirtualTimer extends TimerHandle {
  at: number
  seq: number
  /** Set for intervals. */
  every?: number
  fn: () => void
}

export class VirtualClock implements Clock {
  readonly speed?: number
  readonly #start: number
  readonly #realStart = Date.now()
  #now: number
  #seq = 0
  /** Live stepped timers; the heap may still hold cancelled ones, skipped when they surface. */
  readonly #timers = new Set<VirtualTimer>()
  readonly #heap = new TimerHeap()
  readonly #real = new Map<TimerHandle, { clear: () => void }>()

  constructor (options: VirtualClockOptions) {
    this.#start = options.start ?? Date.now()
    this.#now = this.#start
    if ('speed' in options) {
      if (!(options.speed > 0) || !Number.isFinite(options.speed)) throw new RangeError('clock speed must be a positive number')
      this.speed = options.speed
    }
  }

  get stepped (): boolean {
    return this.speed == null
  }

  readonly now = (): number => {
    if (this.speed == null) return this.#now
    return Math.floor(this.#start + (Date.now() - this.#realStart) * this.speed)
  }

  readonly setTimeout = (fn: () => void, ms: number): TimerHandle => this.#add(fn, ms, false)
  readonly setInterval = (fn: () => void, ms: number): TimerHandle => this.#add(fn, ms, true)
  readonly clearTimeout = (h: TimerHandle | undefined): void => { this.#cancel(h) }
  readonly clearInterval = (h: TimerHandle | undefined): void => { this.#cancel(h) }

  /** Timers waiting (step mode): what a scenario still has scheduled. */
  get pending (): number {
    return this.#timers.size
  }

  /**
   * Step mode: moves time forward by `ms`, firing every timer due on the way in time order (equal
   * times in the order they were set), with the clock reading each timer's own time as it fires.
   * Between timers, the work they started gets a turn of the event loop.
   */
  async advance (ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError('a clock only moves forward')
    await this.runUntil(this.#requireStep() + ms)
  }

  /** Step mode: `advance` to the absolute time `t` (nothing happens when `t` is past). */
  async runUntil (t: number): Promise<void> {
    this.#requireStep()
    for (;;) {
      const next = this.#next()
      if (next == null || next.at > t) break
      this.#now = Math.max(this.#now, next.at)
      this.#heap.pop()
      if (next.every != null) {
        next.at += next.every
        next.seq = this.#seq++
        this.#heap.push(next)
      } else this.#timers.delete(next)
      next.fn()
      await turn()
    }
    this.#now = Math.max(this.#now, t)
  }

  #requireStep (): number {
    if (this.speed != null) throw new Error('advance and runUntil are for a stepped clock; this one runs at a speed')
    return this.#now
  }

  /** The earliest live timer (left on the heap). */
  #next (): VirtualTimer | undefined {
    for (let t = this.#heap.peek(); t != null; t = this.#heap.peek()) {
      if (this.#timers.has(t)) return t
      this.#heap.pop()
    }
    return undefined
  }

  #add (fn: () => void, ms: number, repeat: boolean): TimerHandle {
    const delay = Math.max(0, Number.isFinite(ms) ? ms : 0)
    if (this.speed != null) {
      const real = Math.min(delay / this.speed, MAX_TIMER_MS)
      const h = repeat ? globalThis.setInterval(fn, Math.max(1, real)) : globalThis.setTimeout(() => { this.#real.delete(handle); fn() }, real)
      const handle = h as unknown as TimerHandle
      this.#real.set(handle, { clear: () => { repeat ? globalThis.clearInterval(h) : globalThis.clearTimeout(h) } })
      return handle
    }
    // A stepped timer holds nothing real open: unref has nothing to do.
    const timer: VirtualTimer = { at: this.#now + delay, seq: this.#seq++, fn, unref: () => timer }
    // An interval of 0 would fire forever at one instant.
    if (repeat) timer.every = Math.max(1, delay)
    this.#timers.add(timer)
    this.#heap.push(timer)
    return timer
  }

  #cancel (h: TimerHandle | undefined): void {
    if (h == null) return
    const real = this.#real.get(h)
    if (real != null) {
      real.clear()
      this.#real.delete(h)
      return
    }
    this.#timers.delete(h as VirtualTimer)
  }
}

/** Min-heap by (at, seq): the next timer in O(log n) when a scenario has thousands of them. */
class TimerHeap {
  readonly #a: VirtualTimer[] = []

  peek (): VirtualTimer | undefined {
    return this.#a[0]
  }

  push (t: VirtualTimer): void {
    const a = this.#a
    a.push(t)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(a[i], a[p])) break
      swap(a, i, p)
      i = p
    }
  }

  pop (): void {
    const a = this.#a
    const last = a.pop()
    if (last == null || a.length === 0) return
    a[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < a.length && before(a[l], a[m])) m = l
      if (r < a.length && before(a[r], a[m])) m = r
      if (m === i) return
      swap(a, i, m)
      i = m
    }
  }
}

function swap (a: VirtualTimer[], i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}

function before (x: VirtualTimer, y: VirtualTimer): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq)
}

function clampDelay (ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS)
}

/** One turn of the event loop (I/O included where the platform has setImmediate). */
async function turn (): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate
  await new Promise<void>(resolve => { immediate != null ? immediate(resolve) : globalThis.setTimeout(resolve, 0) })
}
