// Plans in the config file, the node-wide mailbox ceiling, and limitsFor() as other modules use it.
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_PLANS } from '../../../rendezvous/billing/plans.ts'
import { ACCOUNT_PLAN_WRITES, notifyingWrites } from '../../../rendezvous/billing/plan-changes.ts'
import { DepositQuota } from '../../../rendezvous/billing/quota.ts'
import { DEFAULT_CONFIG, resolveConfig } from '../../../rendezvous/config.ts'
import { billingFixture } from './fixture.ts'

describe('plans', () => {
  it('has free and premium by default, free as generous as the node was before plans', () => {
    const c = resolveConfig()
    expect(Object.keys(c.plans)).toEqual(['free', 'premium'])
    expect(c.plans.free.mailbox).toEqual({ maxMessages: 1000, maxBytes: 50 * 1024 * 1024, retentionMs: 30 * 86_400_000 })
    expect(c.plans.premium.mailbox.maxMessages).toBeGreaterThan(c.plans.free.mailbox.maxMessages)
    // The ceiling rises to the largest plan unless the operator set it.
    expect(c.mailbox).toEqual(c.plans.premium.mailbox)
  })

  it('reads plans as operators write them and names the bad field', () => {
    const c = resolveConfig({
      plans: {
        free: { mailbox: { maxMessages: 5, retention: '7d' }, depositsPerMinute: 10 },
        family: { mailbox: { maxBytes: '200MB' }, attachments: { maxBytes: '100MB' }, groups: { maxMembers: 12 } }
      },
      billing: { stripe: { prices: { family: 'price_family' }, webhookTolerance: '2m', successUrl: 'https://x.example/ok', cancelUrl: 'https://x.example/no' } }
    })
    expect(c.plans.free).toMatchObject({ mailbox: { maxMessages: 5, retentionMs: 7 * 86_400_000, maxBytes: DEFAULT_PLANS.free.mailbox.maxBytes }, depositsPerMinute: 10 })
    // A new plan starts from free's defaults.
    expect(c.plans.family).toMatchObject({ mailbox: { maxBytes: 200 * 1024 * 1024, maxMessages: 5 }, attachmentMaxBytes: 100 * 1024 * 1024, groupMaxMembers: 12 })
    expect(c.billing.stripe).toMatchObject({ prices: { family: 'price_family' }, webhookToleranceMs: 120_000 })
    expect(() => resolveConfig({ plans: { free: { mailbox: { maxMessages: 'lots' } } } })).toThrow(/plans\.free\.mailbox\.maxMessages/)
    expect(() => resolveConfig({ plans: { 'Gold Plan': {} } })).toThrow(/plans\.Gold Plan/)
    expect(() => resolveConfig({ billing: { stripe: { prices: { gold: 'price_x' } } } })).toThrow(/billing\.stripe\.prices\.gold: no such plan/)
    expect(() => resolveConfig({ billing: { stripe: { successUrl: 'not a url' } } })).toThrow(/billing\.stripe\.successUrl/)
  })

  it('keeps an explicit mailbox section as the ceiling and as free\'s default', () => {
    const c = resolveConfig({ mailbox: { maxMessages: 2 } })
    expect(c.mailbox.maxMessages).toBe(2)
    expect(c.plans.free.mailbox.maxMessages).toBe(2)
    expect(c.mailbox.maxBytes).toBe(c.plans.premium.mailbox.maxBytes)
  })

  it('resolves limits per peer: no account and unknown plans get free', async () => {
    const f = await billingFixture({ plans: { gold: {} } })
    try {
      const ann = await f.account('ann')
      expect(await f.billing.limitsFor('12D3KooWnobody')).toMatchObject({ plan: 'free' })
      await f.billing.grant(ann.id, 'gold')
      expect((await f.billing.limitsFor(ann.peer)).plan).toBe('gold')
      await expect(f.billing.grant(ann.id, 'platinum')).rejects.toMatchObject({ code: 'INVALID' })
      await expect(f.billing.revoke(ann.id, 'premium')).rejects.toMatchObject({ message: expect.stringMatching(/gold plan, not premium/) })
      // The config no longer offers the plan the account has: free applies, the record stays.
      const { SqlBillingStore } = await import('../../../rendezvous/billing/sql-billing-store.ts')
      const { BillingService } = await import('../../../rendezvous/billing/billing-service.ts')
      const later = new BillingService({ accounts: f.accounts, store: await SqlBillingStore.open(f.accounts), plans: resolveConfig().plans, stripe: resolveConfig().billing.stripe })
      expect((await later.limitsFor(ann.peer)).plan).toBe('free')
      expect((await later.exportFor(ann.id)).planSource).toBe('admin')
    } finally {
      await f.close()
    }
  })

  it('counts deposits per minute per sender, by the sender\'s plan', async () => {
    const plans = resolveConfig({ plans: { free: { depositsPerMinute: 2 } } }).plans
    const quota = new DepositQuota({ limitsFor: async () => ({ plan: 'free', ...plans.free }) }, DEFAULT_CONFIG.mailbox)
    await quota.admitDeposit('a', 0)
    await quota.admitDeposit('a', 1000)
    await quota.admitDeposit('b', 1000)
    await expect(quota.admitDeposit('a', 2000)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/^depositsPerMinute of the free plan/) })
    await quota.admitDeposit('a', 60_001)
  })
  it('shares the plan look-ups of concurrent deposits, and a plan change takes effect on the next deposit', async () => {
    const f = await billingFixture({ plans: { free: { mailbox: { maxMessages: 5 } }, premium: { mailbox: { maxMessages: 50 } } } })
    try {
      const ann = await f.account('ann')
      const reads = vi.spyOn(f.accounts, 'getAccountByDevice')
      const quota = new DepositQuota(f.billing, DEFAULT_CONFIG.mailbox)
      // A stream's eight pipelined deposits to its sender's own mailbox: 16 look-ups, one read for
      // the eight admissions and one for the eight limits.
      const limits = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
        await quota.admitDeposit(ann.peer, i)
        return await quota.mailboxLimits(ann.peer)
      }))
      expect(reads).toHaveBeenCalledTimes(2)
      expect(limits.every(l => l.maxMessages === 5)).toBe(true)
      // Nothing is kept after a read: an upgrade holds for the very next deposit.
      await f.billing.grant(ann.id, 'premium')
      expect((await quota.mailboxLimits(ann.peer)).maxMessages).toBe(50)
      expect(reads).toHaveBeenCalledTimes(3)
      // A change in this process: look-ups after it never join one that started before it.
      const before = quota.mailboxLimits(ann.peer)
      quota.invalidate()
      const after = quota.mailboxLimits(ann.peer)
      await Promise.all([before, after])
      expect(reads).toHaveBeenCalledTimes(5)
    } finally {
      await f.close()
    }
  })

  it('reports the account and device writes that can change a plan', async () => {
    const f = await billingFixture()
    try {
      const ann = await f.account('ann')
      const changes = vi.fn()
      const accounts = notifyingWrites(f.accounts, ACCOUNT_PLAN_WRITES, changes)
      expect(await accounts.getAccountByDevice(ann.peer)).toMatchObject({ id: ann.id })
      expect(changes).not.toHaveBeenCalled()
      const now = Date.now()
      await accounts.addDevice({ peerId: '12D3KooWpeerann2', accountId: ann.id, type: 'test', os: 'test', clientVersion: '1', linkedAt: now, lastSeenAt: now })
      await accounts.updateAccount(ann.id, { mailRetentionMs: 86_400_000 }, now)
      expect(changes).toHaveBeenCalledTimes(2)
      expect((await f.billing.limitsFor('12D3KooWpeerann2')).mailbox.retentionMs).toBe(86_400_000)
    } finally {
      await f.close()
    }
  })
})
