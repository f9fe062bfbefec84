import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PostgresAccountStore } from '../../rendezvous/accounts/postgres-account-store.ts'
import { SqliteAccountStore } from '../../rendezvous/accounts/sqlite-account-store.ts'
import { accountStoreCompliance } from '../compliance/account-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { tempDir } from '../helpers/wait.ts'
import type { PostgresServer } from '../helpers/postgres.ts'

const dirs: Array<{ remove(): void }> = []
afterAll(() => { for (const d of dirs) d.remove() })

accountStoreCompliance('SqliteAccountStore', async () => {
  const tmp = tempDir()
  dirs.push(tmp)
  return new SqliteAccountStore(join(tmp.dir, 'accounts.sqlite'))
})

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

accountStoreCompliance('PostgresAccountStore', async () => await PostgresAccountStore.open(await server.createDatabase()))
