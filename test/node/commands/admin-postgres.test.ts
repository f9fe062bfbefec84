// `babacloud admin stats|block|backup` on a node whose data is in PostgreSQL (--store).
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { registerAdmin } from '../../../node/commands/admin.ts'
import { resolveConfig } from '../../../rendezvous/config.ts'
import { RendezvousNode } from '../../../rendezvous/rendezvous-node.ts'
import { openStores } from '../../../rendezvous/stores.ts'
import { createPeer } from '../../helpers/network.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { Cleanup, tempDir, waitFor } from '../../helpers/wait.ts'
import { runInProcess } from '../../rendezvous/billing/fixture.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

const admin = async (...args: string[]): Promise<string> => await runInProcess(registerAdmin, ['admin', ...args])

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

describe('babacloud admin on PostgreSQL', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('counts what the database holds and blocks a PeerId on the running node', async () => {
    const url = await server.createDatabase()
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const stores = await openStores(url, tmp.dir)
    const node = new RendezvousNode({ dataDir: tmp.dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, blocklistRefreshInterval: '100ms' }), ...stores })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    const alice = await createPeer(cleanup, multiaddr(info.multiaddrs[0]))
    await alice.client.start()
    await alice.client.accounts?.signUp({ username: 'alice' }, '1990-05-17')
    expect((await alice.client.send((await DeviceIdentity.generate()).peerId, 'hi')).status).toBe('stored')

    expect(JSON.parse(await admin('stats', '--store', url, '--data', tmp.dir, '--json'))).toMatchObject({
      accounts: { total: 1, byPlan: { free: 1 } }, devices: 1, mailbox: { envelopes: 1 }, blobs: { blobs: 0 }, blocked: { peer: 0 }
    })

    await admin('block', alice.node.peerId.toString(), '--store', url, '--data', tmp.dir)
    await waitFor(() => alice.node.getConnections(node.node.peerId).length === 0, { what: 'the blocked peer to be disconnected' })
    await expect(alice.client.send((await DeviceIdentity.generate()).peerId, 'more')).rejects.toMatchObject({ name: 'UnreachableError' })
    expect(JSON.parse(await admin('stats', '--store', url, '--data', tmp.dir, '--json'))).toMatchObject({ mailbox: { envelopes: 1 }, blocked: { peer: 1 } })
  })
})
