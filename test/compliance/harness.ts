// The one shape of every store compliance suite: a suite is a function that takes a factory and
// registers its tests; the factory opens a store on a fresh, empty database for each test.
import { afterEach, beforeEach } from 'vitest'

export interface OpenedStore<S> {
  store: S
  /** Closes the store (and every reopened one), then removes the database. */
  close(): Promise<void>
  /**
   * Another store instance on the same database: a second node sharing it, or the same node
   * after a restart. Closed by close() if the test did not close it.
   */
  reopen(): Promise<S>
}

export type StoreFactory<S> = () => Promise<OpenedStore<S>>

/**
 * Registers beforeEach/afterEach that open a fresh store per test; the returned getter is the
 * current test's store.
 */
export function useStore<S> (factory: StoreFactory<S>): () => OpenedStore<S> {
  let opened: OpenedStore<S> | undefined
  beforeEach(async () => { opened = await factory() })
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })
  return () => {
    if (opened == null) throw new Error('no store outside a test')
    return opened
  }
}

/**
 * A factory from `open` (a store on the database named by `where`), `fresh` (a new database for
 * each test) and `remove` (drops it after the test). Every store it opened is closed, newest first.
 */
export function storeFactory<S extends { close(): Promise<void> }, W> (fresh: () => Promise<W>, open: (where: W) => Promise<S>, remove?: (where: W) => Promise<void> | void): StoreFactory<S> {
  return async () => {
    const where = await fresh()
    const stores: S[] = []
    const openOne = async (): Promise<S> => {
      const s = await open(where)
      stores.push(s)
      return s
    }
    const store = await openOne()
    return {
      store,
      reopen: openOne,
      close: async () => {
        // Closing twice is harmless for every store; a test may have closed one already.
        for (const s of stores.reverse()) await s.close().catch(() => {})
        await remove?.(where)
      }
    }
  }
}
