// `babacloud admin stats|backup|restore` against a real running node: the backup is taken while it
// runs, restored into a fresh data directory, and a node started there has the same PeerId, the
// accounts and the waiting messages, which the recipient then receives.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { registerAdmin } from '../../../node/commands/admin.ts'
import { createPeer, startRendezvous } from '../../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../../helpers/wait.ts'
import { runInProcess } from '../../rendezvous/billing/fixture.ts'

const ADULT = '1990-05-17'
const admin = async (...args: string[]): Promise<string> => await runInProcess(registerAdmin, ['admin', ...args])

describe('babacloud admin stats, backup and restore', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('backs up a running node and restores it into a fresh data directory with its accounts and waiting messages', async () => {
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await alice.client.accounts?.signUp({ username: 'alice' }, ADULT)
    const bobIdentity = await DeviceIdentity.generate()
    for (const text of ['one', 'two']) expect((await alice.client.send(bobIdentity.peerId, text)).status).toBe('stored')

    const stats = JSON.parse(await admin('stats', '--data', rv.dataDir, '--json'))
    expect(stats).toMatchObject({ accounts: { total: 1, byPlan: { free: 1, premium: 0 } }, devices: 1, mailbox: { envelopes: 2, recipients: 1 }, blobs: { blobs: 0, bytes: 0 }, blocked: { peer: 0, prefix: 0 } })
    expect(stats.mailbox.bytes).toBeGreaterThan(0)
    expect(await admin('stats', '--data', rv.dataDir)).toMatch(/accounts: 1 \(1 free, 0 premium\)\ndevices: 1\nwaiting messages: 2 /)

    const backup = join(tmp.dir, 'backup')
    const made = JSON.parse(await admin('backup', '--data', rv.dataDir, '--out', backup, '--json'))
    expect(made.files.map((f: { name: string }) => f.name)).toEqual(['identity.key', 'accounts.sqlite', 'prekeys.sqlite', 'rendezvous.sqlite', 'blobs.sqlite'])
    await expect(admin('backup', '--data', rv.dataDir, '--out', backup)).rejects.toMatchObject({ code: 'NOT_EMPTY' })
    // It holds the node's key and everyone's metadata: owner-only, like the data directory.
    expect(statSync(backup).mode & 0o777).toBe(0o700)
    for (const f of readdirSync(backup)) expect(statSync(join(backup, f)).mode & 0o777, f).toBe(0o600)

    // A data directory in use is never overwritten.
    const busy = join(tmp.dir, 'busy')
    mkdirSync(busy)
    writeFileSync(join(busy, 'identity.key'), 'x')
    await expect(admin('restore', '--from', backup, '--data', busy)).rejects.toMatchObject({ code: 'NOT_EMPTY' })
    await expect(admin('restore', '--from', tmp.dir, '--data', join(tmp.dir, 'other'))).rejects.toMatchObject({ code: 'BAD_BACKUP' })

    const fresh = join(tmp.dir, 'restored')
    expect(await admin('restore', '--from', backup, '--data', fresh)).toMatch(/restored 5 files/)
    const restored = await startRendezvous(cleanup, {}, fresh)
    expect(restored.node.node.peerId.toString()).toBe(rv.node.node.peerId.toString())
    expect(JSON.parse(await admin('stats', '--data', fresh, '--json'))).toMatchObject({ accounts: { total: 1 }, devices: 1, mailbox: { envelopes: 2 } })
    expect(await restored.node.accounts.resolve('alice')).toEqual([alice.node.peerId.toString()])

    const bob = await createPeer(cleanup, restored.addr, { identity: bobIdentity })
    await bob.client.start()
    await waitFor(() => bob.received.length >= 2, { what: 'the restored waiting messages' })
    expect(bob.received.map(m => m.text)).toEqual(['one', 'two'])
  })

  it('says how to back up a PostgreSQL node instead of copying files', async () => {
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const out = JSON.parse(await admin('backup', '--data', tmp.dir, '--store', 'postgres://babacloud:secret@db.example.org:5432/chat', '--out', join(tmp.dir, 'b'), '--json'))
    expect(out.postgres).toBe(true)
    expect(out.how).toContain("pg_dump --format=custom --file=babacloud.dump 'postgres://babacloud:***@db.example.org:5432/chat'")
    expect(out.how).not.toContain('secret')
  })
})
