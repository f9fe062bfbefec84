// A BillingService over a real SQLite accounts database in a temp dir, with accounts to bill; and
// `babacloud` subcommands run in this process (the spawned binary costs seconds on a busy machine).
import { join } from 'node:path'
import { Command } from 'commander'
import { vi } from 'vitest'
import { SqlAccountStore } from '../../../rendezvous/accounts/sql-account-store.ts'
import { BillingService } from '../../../rendezvous/billing/billing-service.ts'
import { SqlBillingStore } from '../../../rendezvous/billing/sql-billing-store.ts'
import { SqlDatabase } from '../../../rendezvous/storage/sql-database.ts'
import { StripeGateway } from '../../../rendezvous/billing/stripe-gateway.ts'
import { resolveConfig } from '../../../rendezvous/config.ts'
import { createHttpApp } from '../../../rendezvous/http/http-app.ts'
import { tempDir } from '../../helpers/wait.ts'
import { WEBHOOK_SECRET } from './stripe-fakes.ts'
import type { Hono } from 'hono'

export interface BillingFixture {
  accounts: SqlAccountStore
  billing: BillingService
  app: Hono
  file: string
  /** Creates an account with one device; returns its id and the device's PeerId. */
  account(username: string): Promise<{ id: string, peer: string }>
  close(): Promise<void>
}

export async function billingFixture (raw: Record<string, unknown> = {}): Promise<BillingFixture> {
  const tmp = tempDir('babacloud-billing-')
  const file = join(tmp.dir, 'accounts.sqlite')
  const accounts = await SqlAccountStore.open(SqlDatabase.sqliteFile(file))
  const config = resolveConfig({ billing: { stripe: { webhookSecret: WEBHOOK_SECRET, prices: { premium: 'price_premium_monthly' } } }, ...raw })
  const billing = new BillingService({
    accounts,
    store: await SqlBillingStore.open(accounts),
    plans: config.plans,
    stripe: config.billing.stripe,
    gateway: new StripeGateway(config.billing.stripe, {})
  })
  const app = createHttpApp({
    peerId: () => '12D3KooWtest',
    multiaddrs: () => [],
    metricsText: async () => '',
    policy: () => config.policy,
    stripeWebhook: billing.handleWebhook.bind(billing)
  })
  let n = 0
  return {
    accounts,
    billing,
    app,
    file,
    async account (username) {
      const id = `acct${(++n).toString().padStart(28, '0')}`
      const peer = `12D3KooWpeer${username}`
      const now = Date.now()
      await accounts.createAccount({ id, username, createdAt: now, updatedAt: now, ageCheckedAt: now, restricted: false, marketingOptOut: false, policyVersionAccepted: 1 },
        { peerId: peer, accountId: id, type: 'test', os: 'test', clientVersion: '1', linkedAt: now, lastSeenAt: now })
      return { id, peer }
    },
    async close () {
      await accounts.close()
      tmp.remove()
    }
  }
}

/** Runs commands registered by `register` with these arguments; returns what they printed. */
export async function runInProcess (register: (program: Command) => void, args: string[]): Promise<string> {
  const program = new Command('babacloud').exitOverride()
  register(program)
  let out = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true })
  try {
    await program.parseAsync(['node', 'babacloud', ...args])
  } finally {
    spy.mockRestore()
  }
  return out
}
