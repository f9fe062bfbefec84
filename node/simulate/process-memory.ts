// What the simulation process itself holds: resident memory and heap, sampled over a run, and the
// state after every node stopped (memory given back, no timer or socket left running).
import { setTimeout as delay } from 'node:timers/promises'
import type { MemoryReport } from './results.ts'

export interface MemoryReading {
  rssBytes: number
  heapUsedBytes: number
}

export function readMemory (): MemoryReading {
  const m = process.memoryUsage()
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed }
}

/** process.resourceUsage().maxRSS is in KiB on every platform Node supports. */
export function peakRssBytes (): number {
  return process.resourceUsage().maxRSS * 1024
}

/** Ref'd handles and requests by kind (`Timeout`, `TCPSocketWrap`, …); unref'd timers are not listed. */
export function activeHandles (): Map<string, number> {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}

/** Kinds with more handles now than in `before`. */
export function handlesAdded (before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const added: Record<string, number> = {}
  for (const [kind, n] of after) if (n > (before.get(kind) ?? 0)) added[kind] = n - (before.get(kind) ?? 0)
  return added
}

/**
 * Handles the run added that are still alive once `settleMs` passed after the stop. Some die on
 * their own shortly after a node stops (gossipsub 17's stop leaves its next heartbeat timer, at
 * most one interval away; debounce timers of a few ms): those are not leaks, so this waits for
 * them, polling, and returns what outlives the wait.
 */
export async function leakedHandles (before: Map<string, number>, settleMs = 5_000): Promise<Record<string, number>> {
  const deadline = performance.now() + settleMs
  let added = handlesAdded(before, activeHandles())
  while (Object.keys(added).length > 0 && performance.now() < deadline) {
    await delay(100)
    added = handlesAdded(before, activeHandles())
  }
  return added
}

/**
 * A full garbage collection when the process runs with `--expose-gc` (`NODE_OPTIONS=--expose-gc`),
 * so a heap reading is what is live rather than what the collector has not reached yet. The flag
 * is not set at run time (V8 does not support changing flags after start): two 500- and
 * 1,000-peer runs that did so stalled with the main thread blocked on a futex. Returns whether
 * it collected.
 */
export async function collectGarbage (): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc == null) return false
  // Twice, a tick apart: what finalizers released in the first pass goes in the second.
  gc()
  await delay(50)
  gc()
  return true
}

/** Heap in use now, after a full collection when one is possible. */
export async function liveHeapBytes (): Promise<number> {
  await collectGarbage()
  return process.memoryUsage().heapUsed
}

/**
 * Memory once everything stopped and the run's peers were dropped; with `--expose-gc` the heap
 * reading follows a full collection, so it can be compared with `heapUsedBeforeBytes`.
 */
export async function memoryAfterStop (peaks: MemoryReading, heapUsedBeforeBytes: number): Promise<MemoryReport> {
  const collected = await collectGarbage()
  const heapUsedAfterStopBytes = process.memoryUsage().heapUsed
  return {
    collected,
    peakRssBytes: Math.max(peakRssBytes(), peaks.rssBytes),
    peakSampledRssBytes: peaks.rssBytes,
    peakHeapUsedBytes: peaks.heapUsedBytes,
    heapUsedBeforeBytes,
    rssAfterStopBytes: process.memoryUsage().rss,
    heapUsedAfterStopBytes
  }
}
