// The BlobStore contract against the one implementation over kysely, on SQLite and on PostgreSQL.
import { afterAll, beforeAll } from 'vitest'
import { blobStoreCompliance } from '../../compliance/blob-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { blobStores, freshTarget } from '../../helpers/sql-stores.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

blobStoreCompliance('SQLite', blobStores(freshTarget('sqlite', 'blobs.sqlite')))
blobStoreCompliance('PostgreSQL', blobStores(freshTarget('postgres', '', () => server)))
