// `babacloud admin …`: operator tasks on a rendezvous node's storage (its data directory, or the
// PostgreSQL database of --store / the config's `store`). Works whether the node is running or
// stopped (a running node reads plans on every deposit, so a change applies at once). Totals are
// aggregates only: no account ids, names or emails are printed.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BillingService } from '../../rendezvous/billing/billing-service.ts'
import { formatAmount } from '../../rendezvous/billing/plans.ts'
import { openAccountStore, openBillingStore, parseStoreSpec } from '../../rendezvous/stores.ts'
import { ConfigError, loadConfigFile, resolveConfig } from '../../rendezvous/config.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { print } from '../output.ts'
import type { AccountStore } from '../../rendezvous/accounts/account-store.ts'
import type { RendezvousConfig } from '../../rendezvous/config.ts'
import type { Command } from 'commander'

interface AdminOpts { data: string, config?: string, store?: string, json?: boolean }
interface TargetOpts extends AdminOpts { account?: string, username?: string, plan?: string }

function config (path: string | undefined): RendezvousConfig {
  try {
    return path != null ? loadConfigFile(path) : resolveConfig()
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message)
    throw err
  }
}

/** Runs `fn` on the node's account and billing stores; refuses to create a database where there is none. */
async function withBilling<T> (o: AdminOpts, fn: (billing: BillingService, accounts: AccountStore) => Promise<T>): Promise<T> {
  const c = config(o.config)
  const spec = o.store ?? c.store
  if (parseStoreSpec(spec, o.data).kind === 'sqlite' && !existsSync(join(o.data, 'accounts.sqlite'))) {
    throw new CliError(`no accounts database in ${o.data} (is --data the rendezvous node's data directory?)`, 'NOT_FOUND')
  }
  const accounts = await openAccountStore(spec, o.data)
  try {
    const store = await openBillingStore(accounts)
    if (store == null) throw new CliError('this account store keeps no billing')
    return await fn(new BillingService({ accounts, store, plans: c.plans, stripe: c.billing.stripe }), accounts)
  } finally {
    await accounts.close()
  }
}

async function accountId (o: TargetOpts, accounts: AccountStore): Promise<string> {
  if ((o.account == null) === (o.username == null)) throw new CliError('name the account with exactly one of --account ID or --username NAME')
  const account = o.account != null ? await accounts.getAccount(o.account) : await accounts.getAccountByUsername(o.username?.replace(/^@/, '') ?? '')
  if (account == null) throw new CliError(`no account ${o.account ?? `@${o.username ?? ''}`} in ${o.data}`, 'NOT_FOUND')
  return account.id
}

function common (cmd: Command): Command {
  return cmd
    .option('--data <dir>', "the rendezvous node's data directory", join(defaultHome(), 'rendezvous'))
    .option('--config <file>', "the node's config file, for its plans and store (defaults otherwise)")
    .option('--store <spec>', 'the node\'s storage if not under --data: postgres://USER@HOST:PORT/DB')
    .option('--json', 'machine-readable output')
}

function target (cmd: Command): Command {
  return common(cmd).option('--account <id>', 'account id').option('--username <name>', 'account username')
}

export function registerAdmin (program: Command): void {
  const admin = program.command('admin').description("operator tasks on a rendezvous node's data (the node may be running or stopped)")
  const plan = admin.command('plan').description("set an account's plan by hand")

  target(plan.command('grant').description('give an account a plan (payment events may change it later)'))
    .requiredOption('--plan <name>', 'a plan from the config file, e.g. premium')
    .action(async (o: TargetOpts & { plan: string }) => {
      const b = await withBilling(o, async (billing, accounts) => await billing.grant(await accountId(o, accounts), o.plan))
      print(o, { account: b.accountId, plan: b.plan, source: b.source }, `account ${b.accountId} now has the ${b.plan} plan`)
    })

  target(plan.command('revoke').description('put an account back on the free plan'))
    .option('--plan <name>', 'only if this is its current plan')
    .action(async (o: TargetOpts) => {
      const b = await withBilling(o, async (billing, accounts) => await billing.revoke(await accountId(o, accounts), o.plan))
      print(o, { account: b.accountId, plan: b.plan, source: b.source }, `account ${b.accountId} is back on the ${b.plan} plan`)
    })

  common(admin.command('totals').description('accounts per plan, invoices per status and revenue per currency (aggregates only)'))
    .action(async (o: AdminOpts) => {
      const t = await withBilling(o, async billing => await billing.totals())
      const money = Object.entries(t.revenue).map(([cur, amount]) => formatAmount(amount, cur)).join(', ')
      print(o, t, [
        `accounts: ${Object.entries(t.accountsByPlan).map(([p, n]) => `${n} ${p}`).join(', ')}`,
        `invoices: ${Object.entries(t.invoicesByStatus).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`,
        `revenue (paid invoices): ${money || 'none'}`
      ].join('\n'))
    })
}
