// `babacloud admin` on a node whose storage is PostgreSQL (--store): the operator grants and
// revokes plans and reads totals in the shared database every instance uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerAdmin } from '../../../node/commands/admin.ts'
import { SqlBillingStore } from '../../../rendezvous/billing/sql-billing-store.ts'
import { openAccountStore } from '../../../rendezvous/stores.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { tempDir } from '../../helpers/wait.ts'
import { account, device } from '../../compliance/account-store.ts'
import { runInProcess } from './fixture.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

describe('babacloud admin with PostgreSQL storage', () => {
  it('grants, revokes and totals plans in the shared database', async () => {
    const url = await server.createDatabase()
    const accounts = await openAccountStore(url, '/unused')
    const data = tempDir()
    try {
      await accounts.createAccount(account('a1', { username: 'ivy' }), device('peer-ivy', 'a1'))
      const admin = async (...args: string[]): Promise<string> => await runInProcess(registerAdmin, ['admin', ...args, '--data', data.dir, '--store', url])
      expect(JSON.parse(await admin('plan', 'grant', '--username', 'ivy', '--plan', 'premium', '--json'))).toMatchObject({ account: 'a1', plan: 'premium' })
      const billing = await SqlBillingStore.open(accounts)
      expect((await billing.get('a1'))?.plan).toBe('premium')
      expect(JSON.parse(await admin('totals', '--json'))).toMatchObject({ accountsByPlan: { premium: 1 } })
      await admin('plan', 'revoke', '--account', 'a1')
      expect((await billing.get('a1'))?.plan ?? 'free').toBe('free')
    } finally {
      await accounts.close()
      data.remove()
    }
  })
})
