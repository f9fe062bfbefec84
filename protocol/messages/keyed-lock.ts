// Runs tasks one at a time per key (per recipient), so a flush and a direct send cannot reorder or
// double-send one recipient's queue; different keys run in parallel.
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>()

  async run<T> (key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.catch(() => {})
    this.#tails.set(key, tail)
    void tail.then(() => { if (this.#tails.get(key) === tail) this.#tails.delete(key) })
    return await result
  }
}
