// A timeout signal whose timer is dropped once the work it bounds is done. On Node 20
// `AbortSignal.timeout` costs tens of microseconds a call and keeps its timer until it fires: on a
// path that makes several per message (a DM's read, handling and ack), that was more than the
// message's own work.

export interface Deadline {
  signal: AbortSignal
  /** Drops the timer; call it when the bounded work finished either way. */
  clear(): void
}

/** Aborts with a `TimeoutError`, as `AbortSignal.timeout` does, after `ms` unless cleared first. */
export function deadline (ms: number): Deadline {
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) }, ms)
  // Like AbortSignal.timeout: a pending deadline does not keep a process alive.
  ;(timer as { unref?: () => void }).unref?.()
  return { signal: controller.signal, clear: () => { clearTimeout(timer) } }
}
