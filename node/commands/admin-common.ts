// What every `babacloud admin` subcommand shares: the options naming a node's data, and opening its stores.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BillingService } from '../../rendezvous/billing/billing-service.ts'
import { openAccountStore, openBillingStore, parseStoreSpec } from '../../rendezvous/stores.ts'
import { ConfigError, loadConfigFile, resolveConfig } from '../../rendezvous/config.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import type { AccountStore } from '../../rendezvous/accounts/account-store.ts'
import type { RendezvousConfig } from '../../rendezvous/config.ts'
import type { Command } from 'commander'

export interface AdminOpts { data: string, config?: string, store?: string, json?: boolean }

export function config (path: string | undefined): RendezvousConfig {
  try {
    return path != null ? loadConfigFile(path) : resolveConfig()
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 'BAD_CONFIG', 2)
    throw err
  }
}

/** Runs `fn` on the node's account store; refuses to create a database where there is none. */
export async function withAccounts<T> (o: AdminOpts, fn: (accounts: AccountStore, c: RendezvousConfig) => Promise<T>): Promise<T> {
  const c = config(o.config)
  const spec = o.store ?? c.store
  if (parseStoreSpec(spec, o.data).kind === 'sqlite' && !existsSync(join(o.data, 'accounts.sqlite'))) {
    throw new CliError(`no accounts database in ${o.data} (is --data the rendezvous node's data directory?)`, 'NOT_FOUND')
  }
  const accounts = await openAccountStore(spec, o.data)
  try {
    return await fn(accounts, c)
  } finally {
    await accounts.close()
  }
}

/** Runs `fn` on the node's account and billing stores. */
export async function withBilling<T> (o: AdminOpts, fn: (billing: BillingService, accounts: AccountStore) => Promise<T>): Promise<T> {
  return await withAccounts(o, async (accounts, c) => {
    const store = await openBillingStore(accounts)
    if (store == null) throw new CliError('this account store keeps no billing')
    return await fn(new BillingService({ accounts, store, plans: c.plans, stripe: c.billing.stripe }), accounts)
  })
}

export function common (cmd: Command): Command {
  return cmd
    .option('--data <dir>', "the rendezvous node's data directory", join(defaultHome(), 'rendezvous'))
    .option('--config <file>', "the node's config file, for its plans and store (defaults otherwise)")
    .option('--store <spec>', 'the node\'s storage if not under --data: postgres://USER@HOST:PORT/DB')
    .option('--json', 'machine-readable output')
}
