// `babacloud admin …`: operator tasks on a rendezvous node's storage (its data directory, or the
// PostgreSQL database of --store / the config's `store`). Works whether the node is running or
// stopped (a running node reads plans on every deposit, so a change applies at once, and re-reads
// blocks every few seconds). Totals and stats are aggregates only: no account ids, names or emails.
import { formatAmount } from '../../rendezvous/billing/plans.ts'
import { CliError } from '../cli-error.ts'
import { print } from '../output.ts'
import { common, withBilling } from './admin-common.ts'
import type { AdminOpts } from './admin-common.ts'
import { registerAdminBackup } from './admin-backup.ts'
import { registerAdminBlock } from './admin-block.ts'
import { registerAdminStats } from './admin-stats.ts'
import type { AccountStore } from '../../rendezvous/accounts/account-store.ts'
import type { Command } from 'commander'

interface TargetOpts extends AdminOpts { account?: string, username?: string, plan?: string }

async function accountId (o: TargetOpts, accounts: AccountStore): Promise<string> {
  if ((o.account == null) === (o.username == null)) throw new CliError('name the account with exactly one of --account ID or --username NAME')
  const account = o.account != null ? await accounts.getAccount(o.account) : await accounts.getAccountByUsername(o.username?.replace(/^@/, '') ?? '')
  if (account == null) throw new CliError(`no account ${o.account ?? `@${o.username ?? ''}`} in ${o.data}`, 'NOT_FOUND')
  return account.id
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

  registerAdminStats(admin)
  registerAdminBlock(admin)
  registerAdminBackup(admin)
}
