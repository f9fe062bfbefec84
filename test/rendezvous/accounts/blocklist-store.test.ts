// The account stores' operator methods (blocklist, device count) on SQLite and PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAccountStore } from '../../../rendezvous/stores.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { tempDir } from '../../helpers/wait.ts'
import type { AccountStore } from '../../../rendezvous/accounts/account-store.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

const kinds: Array<[string, () => Promise<{ store: AccountStore, done(): void }>]> = [
  ['SQLite', async () => {
    const tmp = tempDir()
    return { store: await openAccountStore(undefined, tmp.dir), done: tmp.remove }
  }],
  ['PostgreSQL', async () => {
    const tmp = tempDir()
    return { store: await openAccountStore(await server.createDatabase(), tmp.dir), done: tmp.remove }
  }]
]

describe.each(kinds)('%s operator methods', (_name, open) => {
  it('keeps blocks until lifted, once each, and counts devices', async () => {
    const { store, done } = await open()
    try {
      expect(await store.listBlocks()).toEqual([])
      expect(await store.addBlock({ kind: 'peer', value: '12D3KooWPeer', reason: 'spam', blockedAt: 2 })).toBe(true)
      expect(await store.addBlock({ kind: 'prefix', value: '10.0.0.0/8', blockedAt: 1 })).toBe(true)
      expect(await store.addBlock({ kind: 'peer', value: '12D3KooWPeer', reason: 'again', blockedAt: 3 })).toBe(false)
      expect(await store.listBlocks()).toEqual([
        { kind: 'prefix', value: '10.0.0.0/8', blockedAt: 1 },
        { kind: 'peer', value: '12D3KooWPeer', reason: 'spam', blockedAt: 2 }
      ])
      expect(await store.removeBlock('peer', '12D3KooWPeer')).toBe(true)
      expect(await store.removeBlock('peer', '12D3KooWPeer')).toBe(false)
      expect(await store.listBlocks()).toHaveLength(1)

      expect(await store.countDevices()).toBe(0)
      const account = { id: 'a1', username: 'ann', createdAt: 1, updatedAt: 1, ageCheckedAt: 1, restricted: false, marketingOptOut: false, policyVersionAccepted: 0 }
      const device = { peerId: 'p1', accountId: 'a1', type: 't', os: 'o', clientVersion: '1', linkedAt: 1, lastSeenAt: 1 }
      await store.createAccount(account, device)
      await store.addDevice({ ...device, peerId: 'p2' })
      expect(await store.countDevices()).toBe(2)
    } finally {
      await store.close()
      done()
    }
  })
})
