// Plans and payments against a real rendezvous with real peers: a free account hits its mailbox
// limit with QUOTA_EXCEEDED; a Stripe upgrade (signed webhook on the node's HTTP port) or an
// admin grant lifts it; a downgrade keeps what is stored; deletion unlinks the invoices.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { registerAccount } from '../../node/commands/account.ts'
import { registerInit } from '../../node/commands/init.ts'
import { runCli } from '../helpers/cli.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import { runInProcess } from '../rendezvous/billing/fixture.ts'
import { WEBHOOK_SECRET, checkoutCompleted, fakeStripe, invoiceEvent, sign, subscriptionEvent } from '../rendezvous/billing/stripe-fakes.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { TestEvent } from '../rendezvous/billing/stripe-fakes.ts'

const ADULT = '1990-05-17'

describe('plans, quotas and payments', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function rendezvous (plans: Record<string, unknown>, stripe: Record<string, unknown> = {}, now?: () => number): Promise<TestRendezvous & { http: string }> {
    const rv = await startRendezvous(cleanup, { http: '127.0.0.1:0', plans, billing: { stripe: { webhookSecret: WEBHOOK_SECRET, ...stripe } } }, undefined, now)
    return { ...rv, http: rv.node.info().http as string }
  }

  async function online (rv: TestRendezvous): Promise<TestPeer> {
    const p = await createPeer(cleanup, rv.addr)
    await p.client.start()
    return p
  }

  async function webhook (rv: { http: string }, evt: TestEvent): Promise<void> {
    const { body, signature } = sign(evt)
    const res = await fetch(`${rv.http}/webhooks/stripe`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } })
    expect(res.status).toBe(200)
  }

  it('holds a free account to its mailbox limit; an upgrade lifts it; a downgrade keeps what is stored', async () => {
    const rv = await rendezvous({ free: { mailbox: { maxMessages: 2 } }, premium: { mailbox: { maxMessages: 4 } } })
    const alice = await online(rv)
    const bob = await online(rv)
    const account = await bob.client.accounts?.signUp({ username: 'bob' }, ADULT)
    await bob.client.stop()
    const to = bob.node.peerId
    await alice.client.send(to, 'one')
    await alice.client.send(to, 'two')
    await expect(alice.client.send(to, 'three')).rejects.toMatchObject({ name: 'ProtocolError', code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/^mailbox\.maxMessages of the free plan/) })

    const ids = { customer: 'cus_bob', subscription: 'sub_bob' }
    await webhook(rv, checkoutCompleted(account?.id ?? '', 'premium', ids))
    await webhook(rv, invoiceEvent('invoice.paid', ids, { id: 'in_bob_1', amount: 400 }))
    await alice.client.send(to, 'three')
    await alice.client.send(to, 'four')
    await expect(alice.client.send(to, 'five')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/premium plan/) })

    // Downgrade: the four stored stay; new deposits meet free's limit of two.
    await webhook(rv, subscriptionEvent('customer.subscription.deleted', ids, 'canceled'))
    await expect(alice.client.send(to, 'six')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/free plan/) })
    expect((await rv.node.billing.view(to.toString())).usage).toEqual({ mailboxMessages: 4, mailboxBytes: expect.any(Number) })
    await bob.client.start()
    await waitFor(() => bob.received.length === 4, { what: 'the four stored messages' })
    expect(bob.received.map(m => m.text)).toEqual(['one', 'two', 'three', 'four'])

    const plan = await bob.client.accounts?.plan()
    expect(plan).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled', mailboxMessages: 0, limits: { mailboxMaxMessages: 2 } })
    expect(plan?.invoices.map(i => [i.id, i.status, Number(i.amount)])).toEqual([['in_bob_1', 'paid', 400]])
  })

  it('limits deposits per minute by the sender\'s plan; an admin grant on the data directory lifts limits at once', async () => {
    // The node's clock stands still: on a slow machine a real minute's refill would let 'three' through.
    const at = Date.now()
    const rv = await rendezvous({ free: { mailbox: { maxMessages: 1 }, depositsPerMinute: 3 } }, {}, () => at)
    const alice = await online(rv)
    const carol = await online(rv)
    await carol.client.accounts?.signUp({ username: 'carol' }, ADULT)
    await alice.client.accounts?.signUp({ username: 'alice' }, ADULT)
    await carol.client.stop()
    await alice.client.send(carol.node.peerId, 'one')
    await expect(alice.client.send(carol.node.peerId, 'two')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/mailbox\.maxMessages/) })

    const grant = await runCli(['admin', 'plan', 'grant', '--data', rv.dataDir, '--username', 'carol', '--plan', 'premium', '--json'])
    expect(grant.stderr).toBe('')
    expect(JSON.parse(grant.stdout)).toMatchObject({ plan: 'premium', source: 'admin' })
    await alice.client.send(carol.node.peerId, 'two')
    await expect(alice.client.send(carol.node.peerId, 'three')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/^depositsPerMinute of the free plan/) })
    await rv.node.billing.grant((await alice.client.accounts?.get())?.id ?? '', 'premium')
    await alice.client.send(carol.node.peerId, 'three')

    expect(await rv.node.billing.totals()).toEqual({ accountsByPlan: { free: 0, premium: 2 }, invoicesByStatus: {}, revenue: {} })
  })

  it('checks out through Stripe, exports billing, and on deletion cancels and keeps only anonymous invoices', async () => {
    const api = await fakeStripe()
    cleanup.add(api.close)
    const rv = await rendezvous({}, { secretKey: 'sk_test_babacloud', apiBase: api.base, prices: { premium: 'price_premium' }, successUrl: 'https://chat.example.org/ok', cancelUrl: 'https://chat.example.org/no' })
    const dana = await online(rv)
    const account = await dana.client.accounts?.signUp({ username: 'dana', email: 'dana@example.org' }, ADULT)
    const url = await dana.client.accounts?.checkout('premium')
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.com\//)
    expect(Object.fromEntries(api.requests[0].form)).toMatchObject({ client_reference_id: account?.id, 'metadata[plan]': 'premium', mode: 'subscription' })

    const ids = { customer: 'cus_dana', subscription: 'sub_dana' }
    await webhook(rv, invoiceEvent('invoice.paid', ids, { id: 'in_test_d1', amount: 500, currency: 'eur' }))
    await webhook(rv, checkoutCompleted(account?.id ?? '', 'premium', ids))
    const doc = JSON.parse(await dana.client.accounts?.export() ?? '{}')
    expect(doc.billing).toMatchObject({ plan: 'premium', customerId: 'cus_dana', subscriptionId: 'sub_dana', invoices: [{ id: 'in_test_d1', amount: 500, currency: 'eur', status: 'paid' }] })

    await dana.client.accounts?.delete()
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/v1/subscriptions/sub_dana' })
    const db = new Database(join(rv.dataDir, 'accounts.sqlite'), { readonly: true })
    try {
      expect(db.prepare('SELECT * FROM invoices').all()).toEqual([expect.objectContaining({ id: 'in_test_d1', account_id: null, customer_id: null, hosted_url: null, amount: 500, status: 'paid' })])
      expect(db.prepare('SELECT count(*) AS n FROM billing').get()).toEqual({ n: 0 })
      const everything = JSON.stringify(['billing', 'invoices', 'billing_events'].map(t => db.prepare(`SELECT * FROM ${t}`).all()))
      for (const needle of [account?.id, 'cus_dana', 'sub_dana', 'dana', dana.node.peerId.toString()]) expect(everything).not.toContain(needle)
    } finally {
      db.close()
    }
    const totals = await rv.node.billing.totals()
    expect(totals).toEqual({ accountsByPlan: { free: 0, premium: 0 }, invoicesByStatus: { paid: 1 }, revenue: { eur: 500 } })
  })

  it('shows the plan and prints a Checkout URL on the command line', async () => {
    const api = await fakeStripe()
    cleanup.add(api.close)
    const rv = await rendezvous({}, { secretKey: 'sk_test_babacloud', apiBase: api.base, prices: { premium: 'price_premium' }, successUrl: 'https://chat.example.org/ok', cancelUrl: 'https://chat.example.org/no' })
    const tmp = tempDir('babacloud-plan-cli-')
    cleanup.add(tmp.remove)
    const home = join(tmp.dir, 'eve')
    const cli = async (...args: string[]): Promise<string> => await runInProcess(p => { registerInit(p); registerAccount(p) }, args)
    await cli('init', '--home', home)
    const created = JSON.parse(await cli('account', 'create', '--home', home, '--rendezvous', rv.addr.toString(), '--username', 'eve', '--birth-date', ADULT, '--json'))
    const before = JSON.parse(await cli('account', 'plan', '--home', home, '--json'))
    expect(before).toMatchObject({ plan: 'free', limits: { mailboxMaxMessages: 1000, retentionDays: 30 }, usage: { mailboxMessages: 0 }, plans: ['free', 'premium'], checkoutAvailable: true, invoices: [] })
    const upgrade = JSON.parse(await cli('account', 'upgrade', '--home', home, '--plan', 'premium', '--json'))
    expect(upgrade).toEqual({ plan: 'premium', url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) })
    expect(api.requests[0].form.get('client_reference_id')).toBe(created.id)

    const ids = { customer: 'cus_test_e', subscription: 'sub_test_e' }
    await webhook(rv, checkoutCompleted(created.id, 'premium', ids))
    await webhook(rv, invoiceEvent('invoice.paid', ids, { id: 'in_test_e1', amount: 500 }))
    const text = await cli('account', 'plan', '--home', home)
    expect(text).toMatch(/^plan: premium \(subscription active\)/)
    expect(text).toContain('invoice in_test_e1: 5.00 CHF paid')
    await expect(cli('account', 'upgrade', '--home', home, '--plan', 'premium')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
  })
})
