// Known libp2p 3.3 races that throw from a microtask, where no caller can catch them, and would end a
// process that hosts many connections: a rendezvous daemon, or a simulation of hundreds of nodes.
// While a guard is active exactly these are counted instead (a simulation reports them in
// summary.json, the daemon logs them when it stops); anything else still crashes the process.
//
// - yamux 8.0.3 opens a stream and sends its window update in a queued microtask; if the connection
//   closed in between (a peer going offline, a rendezvous restarting) the send throws
//   StreamStateError "Cannot write to a stream that is closed".

interface KnownError {
  name: string
  /** A frame that must be on the stack, so an unrelated error of the same class is not hidden. */
  frame: string
}

const KNOWN: KnownError[] = [
  { name: 'StreamStateError', frame: 'sendWindowUpdate' }
]

function isKnown (err: unknown): string | undefined {
  const e = err as { name?: string, stack?: string }
  const hit = KNOWN.find(k => e?.name === k.name && e.stack?.includes(k.frame) === true)
  return hit == null ? undefined : `${hit.name} in ${hit.frame}`
}

export interface UpstreamErrorGuard {
  /** How many of each known error were swallowed while this guard was active. */
  counts: Record<string, number>
  release(): void
}

const active = new Set<UpstreamErrorGuard>()

// One process-wide listener however many guards are active, so an unknown error is judged once.
function onError (err: Error): void {
  const known = isKnown(err)
  if (known != null) {
    for (const g of active) g.counts[known] = (g.counts[known] ?? 0) + 1
    return
  }
  // Someone else listens too (a test runner): they decide what an unknown error means.
  if (process.listenerCount('uncaughtException') > 1) return
  // Otherwise end the process as Node would have: the error on stderr, exit code 1.
  console.error(err)
  process.exit(1)
}

export function guardUpstreamErrors (): UpstreamErrorGuard {
  if (active.size === 0) process.on('uncaughtException', onError)
  const guard: UpstreamErrorGuard = {
    counts: {},
    release: () => {
      active.delete(guard)
      if (active.size === 0) process.off('uncaughtException', onError)
    }
  }
  active.add(guard)
  return guard
}
