// The PrekeyStore contract against SQLite and PostgreSQL; two instances of each open one database.
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PostgresPrekeyStore } from '../../rendezvous/prekeys/postgres-prekey-store.ts'
import { SqlitePrekeyStore } from '../../rendezvous/prekeys/sqlite-prekey-store.ts'
import { prekeyStoreCompliance } from '../compliance/prekey-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { tempDir } from '../helpers/wait.ts'
import type { PostgresServer } from '../helpers/postgres.ts'

prekeyStoreCompliance('SqlitePrekeyStore', async () => {
  const tmp = tempDir('babacloud-prekeys-')
  return { open: async () => new SqlitePrekeyStore(join(tmp.dir, 'prekeys.sqlite')), destroy: async () => { tmp.remove() } }
})

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

prekeyStoreCompliance('PostgresPrekeyStore', async () => {
  const url = await server.createDatabase()
  return { open: async () => await PostgresPrekeyStore.open(url) }
})
