// Hostile input against disappearing messages: the expiry an envelope shows the nodes is signed (it
// cannot be stripped or moved); a node refuses an envelope already past it; a device drops one past
// it on arrival (acked, never shown) and refuses a message whose sealed expiry differs from its
// envelope's or lies outside the timer bounds; a timer out of bounds or from outside a group is
// refused. Each check fails without its defence.
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_TIMER_SECONDS, TIMER } from '../../protocol/control/disappearing.ts'
import { createEnvelope, verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { TimerBody } from '../../protocol/wire/generated/messages.ts'
import { groupPeer, waitForKeys } from '../protocol/groups/helpers.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'

const MINUTE = 60_000

async function rejection (p: Promise<unknown>): Promise<{ code?: number, message: string }> {
  try {
    await p
  } catch (err) {
    return err as { code?: number, message: string }
  }
  throw new Error('expected a rejection')
}

describe('disappearing messages against hostile input', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function pair (bobNow?: () => number): Promise<{ rv: TestRendezvous, alice: TestPeer, bob: TestPeer, mailbox: MailboxClient }> {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr, { now: bobNow })
    await alice.client.start({ mode: 'send' })
    return { rv, alice, bob, mailbox: new MailboxClient(alice.node, rv.addr) }
  }

  it('the envelope expiry is signed: stripped or moved, the envelope is refused everywhere', async () => {
    const { alice, bob, mailbox } = await pair()
    const now = Date.now()
    const env = createEnvelope(alice.identity, bob.node.peerId, { text: 'x', expiresAt: BigInt(now + MINUTE) }, { sentAt: now, expiresAt: now + MINUTE })
    expect(verifyEnvelope(env).expiresAt).toBe(now + MINUTE)
    for (const forged of [{ ...env, expiresAt: 0n }, { ...env, expiresAt: BigInt(now + 60 * MINUTE) }]) {
      expect(() => verifyEnvelope(forged)).toThrow(/signature/)
      expect((await rejection(mailbox.deposit(forged))).code).toBe(ErrorCode.BAD_SIGNATURE)
    }
  })

  it('the node refuses an envelope already past its expiry', async () => {
    const { alice, bob, mailbox, rv } = await pair()
    const now = Date.now()
    const env = createEnvelope(alice.identity, bob.node.peerId, { text: 'late', expiresAt: BigInt(now - 1) }, { sentAt: now - 5_000, expiresAt: now - 1 })
    expect((await rejection(mailbox.deposit(env))).code).toBe(ErrorCode.EXPIRED)
    expect((await rv.node.store.stats()).envelopes).toBe(0)
  })

  it('a device drops an envelope past its expiry on arrival: acked, never shown', async () => {
    // Bob's clock is 10 minutes ahead of the node's: the envelope is fetchable there, expired here.
    const { alice, bob, mailbox, rv } = await pair(() => Date.now() + 10 * MINUTE)
    const now = Date.now()
    const env = createEnvelope(alice.identity, bob.node.peerId, { text: 'gone already', expiresAt: BigInt(now + MINUTE) }, { sentAt: now, expiresAt: now + MINUTE })
    await mailbox.deposit(env)
    await bob.client.start()
    await waitFor(async () => (await rv.node.store.stats()).envelopes === 0, { what: 'the envelope acked' })
    expect(bob.received).toEqual([])
    expect(await bob.store.listMessages()).toEqual([])
  })

  it("a device refuses a message whose sealed expiry differs from its envelope's, or lies outside the bounds", async () => {
    const { alice, bob, mailbox, rv } = await pair()
    const now = Date.now()
    const cases = [
      // The sender claims a timer inside, but shows the node none (the node would keep it longer).
      createEnvelope(alice.identity, bob.node.peerId, { text: 'no expiry outside', expiresAt: BigInt(now + MINUTE) }, { sentAt: now }),
      createEnvelope(alice.identity, bob.node.peerId, { text: 'another expiry outside', expiresAt: BigInt(now + MINUTE) }, { sentAt: now, expiresAt: now + 2 * MINUTE }),
      createEnvelope(alice.identity, bob.node.peerId, { text: 'none inside' }, { sentAt: now, expiresAt: now + MINUTE }),
      createEnvelope(alice.identity, bob.node.peerId, { text: 'beyond four weeks', expiresAt: BigInt(now + (MAX_TIMER_SECONDS + 60) * 1000) }, { sentAt: now, expiresAt: now + (MAX_TIMER_SECONDS + 60) * 1000 })
    ]
    for (const env of cases) await mailbox.deposit(env)
    const fine = await alice.client.send(bob.node.peerId, 'plain')
    await bob.client.start()
    await waitFor(async () => (await rv.node.store.stats()).envelopes === 0, { what: 'every envelope acked' })
    expect((await bob.store.listMessages()).map(m => m.id)).toEqual([fine.id])
    expect(bob.received.map(m => m.text)).toEqual(['plain'])
  })

  it('a timer out of bounds is refused, and only a member may set a group timer', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, carol] = await Promise.all([0, 1].map(async () => await groupPeer(cleanup, rv)))
    const groupId = (await alice.groups.create({ name: 'g', members: [carol.id] })).group.id
    await waitForKeys([alice, carol], groupId)
    const mallory = await createPeer(cleanup, rv.addr)
    await mallory.client.start({ receive: false })
    const malloryId = mallory.node.peerId.toString()
    await mallory.client.sendControl(carol.node.peerId, TIMER, TimerBody.encode({ seconds: MAX_TIMER_SECONDS + 1, group: '' }))
    await mallory.client.sendControl(carol.node.peerId, TIMER, TimerBody.encode({ seconds: 30, group: groupId }))
    // In order on one path: once this one applies, carol has handled the two before it.
    await mallory.client.sendControl(carol.node.peerId, TIMER, TimerBody.encode({ seconds: 60, group: '' }))
    await waitFor(async () => (await carol.client.timer({ peer: malloryId })).seconds === 60, { what: "mallory's valid 1:1 timer at carol" })
    expect((await carol.client.timer({ group: groupId })).seconds).toBe(0)
    expect((await carol.store.listMessages()).filter(m => m.timer != null).map(m => m.timer)).toEqual([60])
  })
})
