// The order of the requests of one mailbox stream when the node handles several at once (`serve`'s
// `pipeline`): deposits are checked side by side but enter the store in arrival order, so a
// sender's pipelined envelopes keep their order and share one group commit; any other request
// (FETCH, ACK) runs alone, after everything before it finished and before anything after it starts.

/** One request's place in its stream's order. */
export interface Turn {
  /** Resolves when this request may act: a deposit may enter the store, another request may start. */
  readonly ready: Promise<void>
  /** A deposit entered the store (called right after `store.deposit`, before its commit). */
  queued(): void
  /** The request is over, whatever its outcome; also counts as queued. Call it exactly once, in a finally. */
  done(): void
}

export type TurnKind = 'deposit' | 'exclusive'

function deferred (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, resolve }
}

export class RequestOrder {
  /** Every request so far has entered the store (deposits) or finished (others). */
  #queued: Promise<void> = Promise.resolve()
  /** Every request so far has finished. */
  #finished: Promise<void> = Promise.resolve()

  /** Takes the next place; call in arrival order (serve starts handlers in frame order). */
  turn (kind: TurnKind): Turn {
    const ready = kind === 'deposit' ? this.#queued : this.#finished
    const queued = deferred()
    const finished = deferred()
    const previousFinished = this.#finished
    // Chained through `ready`, so a request that fails early cannot let a later one pass an earlier one.
    this.#queued = kind === 'deposit'
      ? ready.then(async () => { await queued.promise })
      : ready.then(async () => { await finished.promise })
    this.#finished = previousFinished.then(async () => { await finished.promise })
    return {
      ready,
      queued: queued.resolve,
      done: () => { queued.resolve(); finished.resolve() }
    }
  }
}
