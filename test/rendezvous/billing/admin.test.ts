// `babacloud admin` in-process (test/integration/billing.test.ts runs the real binary against a
// running node): plan grant/revoke by id or username, totals as aggregates, one-line errors.
import { dirname } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerAdmin } from '../../../node/commands/admin.ts'
import { tempDir } from '../../helpers/wait.ts'
import { billingFixture, runInProcess } from './fixture.ts'
import { checkoutCompleted, invoiceEvent, sign } from './stripe-fakes.ts'
import type { BillingFixture } from './fixture.ts'

const admin = async (...args: string[]): Promise<string> => await runInProcess(registerAdmin, ['admin', ...args])

describe('babacloud admin', () => {
  let f: BillingFixture
  let data: string
  beforeEach(async () => { f = await billingFixture(); data = dirname(f.file) })
  afterEach(async () => { await f.close() })

  it('grants and revokes plans by account id or username', async () => {
    const gus = await f.account('gus')
    expect(JSON.parse(await admin('plan', 'grant', '--data', data, '--account', gus.id, '--plan', 'premium', '--json'))).toEqual({ account: gus.id, plan: 'premium', source: 'admin' })
    expect((await f.billing.limitsFor(gus.peer)).plan).toBe('premium')
    await expect(admin('plan', 'revoke', '--data', data, '--username', '@gus', '--plan', 'gold')).rejects.toThrow(/premium plan, not gold/)
    expect(await admin('plan', 'revoke', '--data', data, '--username', 'gus')).toMatch(/back on the free plan/)
    expect((await f.billing.limitsFor(gus.peer)).plan).toBe('free')
  })

  it('refuses unknown plans, unknown accounts, ambiguous targets and a directory without a node', async () => {
    await f.account('hana')
    await expect(admin('plan', 'grant', '--data', data, '--username', 'hana', '--plan', 'platinum')).rejects.toMatchObject({ code: 'INVALID' })
    await expect(admin('plan', 'grant', '--data', data, '--username', 'nobody', '--plan', 'premium')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(admin('plan', 'grant', '--data', data, '--plan', 'premium')).rejects.toThrow(/exactly one of --account/)
    const empty = tempDir()
    try {
      await expect(admin('totals', '--data', empty.dir)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no accounts database/) })
    } finally {
      empty.remove()
    }
  })

  it('prints totals: accounts per plan, invoices, revenue, and nothing about anyone', async () => {
    const ivy = await f.account('ivy')
    await f.account('jon')
    const ids = { customer: 'cus_test_ivy', subscription: 'sub_test_ivy' }
    for (const evt of [checkoutCompleted(ivy.id, 'premium', ids), invoiceEvent('invoice.paid', ids, { id: 'in_test_i1', amount: 1250 }), invoiceEvent('invoice.payment_failed', ids, { id: 'in_test_i2', amount: 1250 })]) {
      const { body, signature } = sign(evt)
      expect((await f.app.request('/webhooks/stripe', { method: 'POST', body, headers: { 'stripe-signature': signature } })).status).toBe(200)
    }
    const json = await admin('totals', '--data', data, '--json')
    expect(JSON.parse(json)).toEqual({ accountsByPlan: { free: 1, premium: 1 }, invoicesByStatus: { paid: 1, open: 1 }, revenue: { chf: 1250 } })
    const text = await admin('totals', '--data', data)
    expect(text).toContain('1 free, 1 premium')
    expect(text).toContain('12.50 CHF')
    for (const needle of [ivy.id, 'ivy', 'jon', 'cus_test_ivy', 'in_test_i1']) expect(json + text).not.toContain(needle)
  })
})
