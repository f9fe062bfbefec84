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
 * Memory once everything stopped. Without `--expose-gc` the heap still holds garbage the collector
 * has not reached, so the reading is an upper bound; with it, a full collection runs first.
 */
export async function memoryAfterStop (peaks: MemoryReading): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc != null) {
    // Twice, a tick apart: finalizers freed by the first pass are reclaimed by the second.
    gc()
    await delay(50)
    gc()
  }
  const after = readMemory()
  return {
    peakRssBytes: Math.max(peakRssBytes(), peaks.rssBytes),
    peakSampledRssBytes: peaks.rssBytes,
    peakHeapUsedBytes: peaks.heapUsedBytes,
    rssAfterStopBytes: after.rssBytes,
    heapUsedAfterStopBytes: after.heapUsedBytes,
    collectedAfterStop: gc != null
  }
}
