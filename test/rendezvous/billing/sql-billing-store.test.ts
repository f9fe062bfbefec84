// The BillingStore contract against the one implementation over kysely, on SQLite and on PostgreSQL.
import { afterAll, beforeAll } from 'vitest'
import { billingStoreCompliance } from '../../compliance/billing-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { billingStores, freshTarget } from '../../helpers/sql-stores.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

billingStoreCompliance('SQLite', billingStores(freshTarget('sqlite', 'billing.sqlite')))
billingStoreCompliance('PostgreSQL', billingStores(freshTarget('postgres', '', () => server)))
