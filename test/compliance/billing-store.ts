// The BillingStore contract, run against every adapter (SQLite, PostgreSQL), each in the database
// of its account store: plans by account, customer and subscription; invoices that arrive in any
// order; webhook idempotency; totals; and what deleting an account leaves behind.
import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './harness.ts'
import type { StoreFactory } from './harness.ts'
import { account, device } from './account-store.ts'
import type { AccountStore } from '../../rendezvous/accounts/account-store.ts'
import type { AccountBilling, BillingStore, InvoiceRecord } from '../../rendezvous/billing/billing-store.ts'

/** The billing store with the account store whose database it lives in; close() closes both. */
export interface BillingStores {
  accounts: AccountStore
  billing: BillingStore
  close(): Promise<void>
}

const T0 = 1_700_000_000_000

function billingOf (accountId: string, over: Partial<AccountBilling> = {}): AccountBilling {
  return { accountId, plan: 'premium', source: 'stripe', customerId: `cus_${accountId}`, subscriptionId: `sub_${accountId}`, subscriptionStatus: 'active', eventAt: 1_700_000_000, updatedAt: T0, ...over }
}

function invoice (id: string, over: Partial<InvoiceRecord> = {}): InvoiceRecord {
  return { id, amount: 400, currency: 'usd', status: 'open', periodStart: T0, periodEnd: T0 + 30 * 86_400_000, hostedUrl: `https://pay.example/${id}`, createdAt: T0, ...over }
}

export function billingStoreCompliance (name: string, factory: StoreFactory<BillingStores>): void {
  describe(`BillingStore contract: ${name}`, () => {
    const opened = useStore(factory)
    let accounts: AccountStore
    let store: BillingStore
    beforeEach(async () => {
      ;({ accounts, billing: store } = opened().store)
      for (const id of ['a1', 'b1']) await accounts.createAccount(account(id), device(`peer-${id}`, id))
    })

    it('stores a plan and finds it by account, customer and subscription; a put replaces it', async () => {
      expect(await store.get('a1')).toBeUndefined()
      await store.put(billingOf('a1'))
      expect(await store.get('a1')).toEqual(billingOf('a1'))
      expect(await store.findByCustomer('cus_a1')).toEqual(billingOf('a1'))
      expect(await store.findBySubscription('sub_a1')).toEqual(billingOf('a1'))
      expect(await store.findByCustomer('cus_nobody')).toBeUndefined()
      const admin = billingOf('a1', { plan: 'free', source: 'admin', customerId: undefined, subscriptionId: undefined, subscriptionStatus: undefined, eventAt: 1_700_000_500, updatedAt: T0 + 5 })
      await store.put(admin)
      expect(await store.get('a1')).toEqual(admin)
      expect(await store.findBySubscription('sub_a1')).toBeUndefined()
    })

    it('upserts invoices by id: a paid invoice stays paid, and they list newest period first', async () => {
      await store.putInvoice(invoice('in_1', { accountId: 'a1', customerId: 'cus_a1', status: 'paid' }))
      await store.putInvoice(invoice('in_1', { accountId: 'a1', customerId: 'cus_a1', status: 'open', amount: 500 }))
      await store.putInvoice(invoice('in_2', { accountId: 'a1', customerId: 'cus_a1', periodStart: T0 + 10, createdAt: T0 + 10 }))
      await store.putInvoice(invoice('in_b', { accountId: 'b1' }))
      expect(await store.listInvoices('a1')).toEqual([
        invoice('in_2', { accountId: 'a1', customerId: 'cus_a1', periodStart: T0 + 10, createdAt: T0 + 10 }),
        invoice('in_1', { accountId: 'a1', customerId: 'cus_a1', status: 'paid', amount: 500 })
      ])
      // An invoice never moves to another account.
      await store.putInvoice(invoice('in_b', { accountId: 'a1' }))
      expect((await store.listInvoices('b1')).map(i => i.id)).toEqual(['in_b'])
    })

    it('links invoices that came before their customer was known, once', async () => {
      await store.putInvoice(invoice('in_early', { customerId: 'cus_a1' }))
      await store.putInvoice(invoice('in_other', { customerId: 'cus_other' }))
      expect(await store.listInvoices('a1')).toEqual([])
      expect(await store.claimInvoices('cus_a1', 'a1')).toBe(1)
      expect(await store.claimInvoices('cus_a1', 'a1')).toBe(0)
      expect((await store.listInvoices('a1')).map(i => [i.id, i.accountId])).toEqual([['in_early', 'a1']])
    })

    it('remembers processed events until purged', async () => {
      expect(await store.hasEvent('evt_1')).toBe(false)
      await store.recordEvent('evt_1', 'invoice.paid', T0)
      await store.recordEvent('evt_1', 'invoice.paid', T0 + 1)
      await store.recordEvent('evt_2', 'invoice.paid', T0 + 100)
      expect(await store.hasEvent('evt_1')).toBe(true)
      expect(await store.purgeEventsBefore(T0 + 50)).toBe(1)
      expect(await store.hasEvent('evt_1')).toBe(false)
      expect(await store.hasEvent('evt_2')).toBe(true)
    })

    it('totals plans (accounts without a row are free), invoices by status and paid revenue', async () => {
      await accounts.createAccount(account('c1'), device('peer-c1', 'c1'))
      await store.put(billingOf('a1'))
      await store.put(billingOf('c1', { plan: 'free', customerId: 'cus_c1x', subscriptionId: undefined }))
      await store.putInvoice(invoice('in_1', { accountId: 'a1', status: 'paid', amount: 400 }))
      await store.putInvoice(invoice('in_2', { accountId: 'a1', status: 'paid', amount: 2_000_000_000_000, currency: 'eur' }))
      await store.putInvoice(invoice('in_3', { customerId: 'cus_x', status: 'open', amount: 9 }))
      expect(await store.totals(['free', 'premium', 'team'])).toEqual({
        accountsByPlan: { free: 2, premium: 1, team: 0 },
        invoicesByStatus: { paid: 2, open: 1 },
        revenue: { usd: 400, eur: 2_000_000_000_000 }
      })
    })

    it('on account deletion drops the billing row and keeps invoices without account, customer or link', async () => {
      await store.put(billingOf('a1'))
      await store.put(billingOf('b1'))
      await store.putInvoice(invoice('in_a', { accountId: 'a1', customerId: 'cus_a1', status: 'paid' }))
      await store.putInvoice(invoice('in_b', { accountId: 'b1', customerId: 'cus_b1' }))
      await accounts.deleteAccount('a1')
      expect(await store.get('a1')).toBeUndefined()
      expect(await store.findByCustomer('cus_a1')).toBeUndefined()
      expect(await store.listInvoices('a1')).toEqual([])
      // The books keep the summary: the totals still count it.
      expect((await store.totals(['free', 'premium'])).revenue).toEqual({ usd: 400 })
      // A late event about it updates the summary but brings back no personal data.
      await store.putInvoice(invoice('in_a', { customerId: 'cus_a1', status: 'paid', amount: 401 }))
      expect(await store.claimInvoices('cus_a1', 'b1')).toBe(0)
      expect((await store.totals(['free', 'premium'])).revenue).toEqual({ usd: 401 })
      // Nobody else's billing changed.
      expect(await store.get('b1')).toEqual(billingOf('b1'))
      expect((await store.listInvoices('b1')).map(i => [i.id, i.customerId, i.hostedUrl])).toEqual([['in_b', 'cus_b1', 'https://pay.example/in_b']])
    })

    it('is shared by every store instance on the database', async () => {
      const other = await opened().reopen()
      await store.put(billingOf('a1'))
      expect(await other.billing.get('a1')).toEqual(billingOf('a1'))
      await other.billing.recordEvent('evt_1', 'checkout.session.completed', T0)
      expect(await store.hasEvent('evt_1')).toBe(true)
      await other.accounts.deleteAccount('a1')
      expect(await store.get('a1')).toBeUndefined()
    })
  })
}
