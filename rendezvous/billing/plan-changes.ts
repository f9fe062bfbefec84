// Tells the deposit quota when a write in this process may change a peer's plan, so that no
// look-up started before the write is shared with one started after it (rendezvous/billing/quota.ts).
import type { BillingStore } from './billing-store.ts'
import type { AccountStore } from '../accounts/account-store.ts'

/** Account writes that change which account a device has, or its limits (mail retention). */
export const ACCOUNT_PLAN_WRITES = ['createAccount', 'updateAccount', 'deleteAccount', 'addDevice', 'removeDevice'] as const satisfies ReadonlyArray<keyof AccountStore>
export const BILLING_PLAN_WRITES = ['put'] as const satisfies ReadonlyArray<keyof BillingStore>

/** The same store, calling `onWrite` after each of `writes` settles (whether it succeeded or not). */
export function notifyingWrites<T extends object> (store: T, writes: ReadonlyArray<keyof T>, onWrite: () => void): T {
  const watched = new Set<PropertyKey>(writes)
  return new Proxy(store, {
    get (target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      const fn = value as (...args: unknown[]) => unknown
      if (!watched.has(prop)) return fn.bind(target)
      return async (...args: unknown[]) => {
        try {
          return await fn.apply(target, args)
        } finally {
          onWrite()
        }
      }
    }
  })
}
