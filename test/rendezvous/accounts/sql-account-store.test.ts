// The AccountStore contract against the one implementation over kysely, on SQLite and on PostgreSQL.
import { afterAll, beforeAll } from 'vitest'
import { accountStoreCompliance } from '../../compliance/account-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { accountStores, freshTarget } from '../../helpers/sql-stores.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

accountStoreCompliance('SQLite', accountStores(freshTarget('sqlite', 'accounts.sqlite')))
accountStoreCompliance('PostgreSQL', accountStores(freshTarget('postgres', '', () => server)))
