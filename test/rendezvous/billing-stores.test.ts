// The BillingStore contract against SQLite and PostgreSQL, each in its account store's database.
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PostgresAccountStore } from '../../rendezvous/accounts/postgres-account-store.ts'
import { SqliteAccountStore } from '../../rendezvous/accounts/sqlite-account-store.ts'
import { PostgresBillingStore } from '../../rendezvous/billing/postgres-billing-store.ts'
import { SqliteBillingStore } from '../../rendezvous/billing/sqlite-billing-store.ts'
import { billingStoreCompliance } from '../compliance/billing-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { tempDir } from '../helpers/wait.ts'
import type { PostgresServer } from '../helpers/postgres.ts'

billingStoreCompliance('SqliteBillingStore', async () => {
  const tmp = tempDir('babacloud-billing-')
  return {
    open: async () => {
      const accounts = new SqliteAccountStore(join(tmp.dir, 'accounts.sqlite'))
      return { accounts, billing: new SqliteBillingStore(accounts.db) }
    },
    destroy: async () => { tmp.remove() }
  }
})

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

billingStoreCompliance('PostgresBillingStore', async () => {
  const url = await server.createDatabase()
  return {
    open: async () => {
      const accounts = await PostgresAccountStore.open(url)
      return { accounts, billing: await PostgresBillingStore.open(accounts) }
    }
  }
})
