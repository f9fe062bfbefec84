// `babacloud admin block|unblock` against a real running node: the node refuses a blocked PeerId
// (no connection, no deposit) and a blocked address prefix, counts it in /metrics, and a block or
// an unblock takes effect without a restart.
import { afterEach, describe, expect, it } from 'vitest'
import { registerAdmin } from '../../../node/commands/admin.ts'
import { createPeer, startRendezvous } from '../../helpers/network.ts'
import { Cleanup, waitFor } from '../../helpers/wait.ts'
import { runInProcess } from '../../rendezvous/billing/fixture.ts'
import type { TestRendezvous } from '../../helpers/network.ts'

const admin = async (...args: string[]): Promise<string> => await runInProcess(registerAdmin, ['admin', ...args])

async function blockedCount (rv: TestRendezvous, kind: string): Promise<number> {
  const m = new RegExp(`^babacloud_blocked_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(await rv.node.metricsText())
  return m == null ? 0 : Number(m[1])
}

/** A dial alone can look fine to the dialer: the node learns who dials only at the end of the handshake, then hangs up. */
// A refusal comes at once; the long deadline only keeps a loaded machine from passing for one.
async function canDial (peer: Awaited<ReturnType<typeof createPeer>>, rv: TestRendezvous): Promise<boolean> {
  try {
    const conn = await peer.node.dial(rv.addr, { signal: AbortSignal.timeout(20_000) })
    const stream = await conn.newStream('/ipfs/id/1.0.0', { signal: AbortSignal.timeout(20_000) })
    await stream.close()
    return true
  } catch {
    return false
  }
}

describe('babacloud admin block', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('refuses a blocked PeerId on a running node, counts it, and lets it back in when unblocked', async () => {
    const rv = await startRendezvous(cleanup, { blocklistRefreshInterval: '100ms' })
    const mallory = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await mallory.client.start()
    expect((await mallory.client.send(bob.node.peerId, 'before')).status).toBe('stored')
    const peer = mallory.node.peerId.toString()

    expect(JSON.parse(await admin('block', peer, '--data', rv.dataDir, '--reason', 'spam', '--json'))).toEqual({ kind: 'peer', value: peer, added: true })
    expect(await admin('block', peer, '--data', rv.dataDir)).toMatch(/already blocked/)
    expect(JSON.parse(await admin('block', '--list', '--data', rv.dataDir, '--json'))).toMatchObject([{ kind: 'peer', value: peer, reason: 'spam' }])

    // The running node drops the open connection and refuses new ones: no deposit gets through.
    await waitFor(() => mallory.node.getConnections(rv.node.node.peerId).length === 0, { what: 'the blocked connection to close' })
    expect(await canDial(mallory, rv)).toBe(false)
    await expect(mallory.client.send(bob.node.peerId, 'after')).rejects.toMatchObject({ name: 'UnreachableError' })
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toMatchObject({ count: 1 })
    expect(await blockedCount(rv, 'peer')).toBeGreaterThanOrEqual(2)
    expect(await rv.node.metricsText()).toMatch(/^babacloud_blocklist_entries\{kind="peer"\} 1$/m)
    // Others are untouched (a moment later: the blocked peer's refused dials from the same loopback
    // address may have used up libp2p's per-address rate of new connections for a second).
    await waitFor(async () => await canDial(bob, rv), { what: 'another peer to connect' })

    expect(await admin('unblock', peer, '--data', rv.dataDir)).toBe(`unblocked peer ${peer}\n`)
    await expect(admin('unblock', peer, '--data', rv.dataDir)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await waitFor(async () => await canDial(mallory, rv), { what: 'the unblocked peer to connect again' })
    expect((await mallory.client.send(bob.node.peerId, 'again')).status).toBe('stored')
  })

  it('refuses dials from a blocked address prefix', async () => {
    const rv = await startRendezvous(cleanup, { blocklistRefreshInterval: '100ms' })
    const carol = await createPeer(cleanup, rv.addr)
    const before = await blockedCount(rv, 'prefix')
    expect(JSON.parse(await admin('block', '127.0.0.1', '--data', rv.dataDir, '--json'))).toMatchObject({ kind: 'prefix', value: '127.0.0.1/32' })
    await waitFor(async () => !(await canDial(carol, rv)), { what: 'dials from 127.0.0.1/32 to be refused' })
    expect(await blockedCount(rv, 'prefix')).toBeGreaterThan(before)
    await admin('unblock', '127.0.0.1/32', '--data', rv.dataDir)
    await waitFor(async () => await canDial(carol, rv), { what: 'dials from 127.0.0.1 to be accepted again' })
  })

  it('names what it cannot block', async () => {
    const rv = await startRendezvous(cleanup)
    await expect(admin('block', 'not-a-peer', '--data', rv.dataDir)).rejects.toMatchObject({ code: 'BAD_BLOCK' })
    await expect(admin('block', '10.0.0.0/33', '--data', rv.dataDir)).rejects.toMatchObject({ code: 'BAD_BLOCK' })
    expect(JSON.parse(await admin('block', '10.1.2.3/16', '--data', rv.dataDir, '--json'))).toMatchObject({ value: '10.1.0.0/16' })
    expect(JSON.parse(await admin('block', '2001:db8::1/32', '--data', rv.dataDir, '--json'))).toMatchObject({ value: '2001:db8::/32' })
  })
})
