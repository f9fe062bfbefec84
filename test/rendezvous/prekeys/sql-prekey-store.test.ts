// The PrekeyStore contract against the one implementation over kysely, on SQLite and on PostgreSQL.
import { afterAll, beforeAll } from 'vitest'
import { prekeyStoreCompliance } from '../../compliance/prekey-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { prekeyStores, freshTarget } from '../../helpers/sql-stores.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

prekeyStoreCompliance('SQLite', prekeyStores(freshTarget('sqlite', 'prekeys.sqlite')))
prekeyStoreCompliance('PostgreSQL', prekeyStores(freshTarget('postgres', '', () => server)))
