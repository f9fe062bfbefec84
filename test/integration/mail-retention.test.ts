// A person chooses how long their node keeps mail waiting for them (never longer than their plan
// allows): mail past that is swept unread, and its sender gets the node's signed expiry notice.
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'

const ADULT = '1990-05-17'
const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('mail retention chosen by the recipient', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('keeps mail for the chosen time only, tells the sender when it expires, and keeps others\' mail for the plan\'s time', async () => {
    let now = Date.now()
    const rv = await startRendezvous(cleanup, { mailbox: { retention: '7d' } }, undefined, () => now)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const carol = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start({ mode: 'send' })
    const accounts = bob.client.accounts
    if (accounts == null) throw new Error('no account client')
    await accounts.signUp({ username: 'bob' }, ADULT)

    // Out of bounds: refused with the limit named, and nothing changes.
    await expect(accounts.setMailRetention(8 * DAY)).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('at most 168 h (7 days)') })
    await expect(accounts.setMailRetention(HOUR / 2)).rejects.toMatchObject({ code: 'INVALID', message: expect.stringContaining('at least 1 h') })
    expect((await accounts.get()).mailRetentionMs).toBe(0n)
    expect((await accounts.setMailRetention(2 * HOUR)).mailRetentionMs).toBe(BigInt(2 * HOUR))
    await bob.client.stop()

    const toBob = await alice.client.send(bob.node.peerId, 'back in time for dinner?')
    const toCarol = await alice.client.send(carol.node.peerId, 'and you?')
    expect([toBob.status, toCarol.status]).toEqual(['stored', 'stored'])

    now += 3 * HOUR
    expect(await rv.node.sweepExpired()).toBe(1)
    const expired = await waitFor(async () => { const m = await alice.store.getMessage(toBob.id); return m?.purged != null ? m : undefined }, { what: 'the expiry notice' })
    expect(expired.purged).toEqual([expect.objectContaining({ device: bob.node.peerId.toString(), reason: 'expired' })])
    // Carol chose nothing: her mail waits the plan's seven days.
    expect(await rv.node.store.usage(carol.node.peerId.toString(), now)).toMatchObject({ count: 1 })
    expect((await alice.store.getMessage(toCarol.id))?.purged).toBeUndefined()

    // Back to the plan's retention: mail deposited from now on waits seven days again.
    await bob.client.start({ mode: 'send' })
    expect((await accounts.setMailRetention(0)).mailRetentionMs).toBe(0n)
    await bob.client.stop()
    await alice.client.send(bob.node.peerId, 'one more try')
    now += 3 * HOUR
    expect(await rv.node.sweepExpired()).toBe(0)
    expect(await rv.node.store.usage(bob.node.peerId.toString(), now)).toMatchObject({ count: 1 })
  })
})
