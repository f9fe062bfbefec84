// The RendezvousStore contract, run against every adapter (SQLite, PostgreSQL). An adapter passes
// when this suite passes; a behaviour it does not check is not part of the contract.
import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './harness.ts'
import type { StoreFactory } from './harness.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { MailboxLimits, NewEnvelope, RendezvousStore, StoredEnvelope } from '../../rendezvous/storage/store.ts'

/** A fixed clock: expiry must follow the `now` passed in, never the wall clock. */
const T0 = 1_700_000_000_000
const LIMITS: MailboxLimits = { maxMessages: 1000, maxBytes: 1 << 20, retentionMs: 60_000 }

let counter = 0
export function makeEnvelope (recipient: string, size = 32, sender = 'sender-a'): NewEnvelope {
  counter++
  const id = new Uint8Array(16)
  new DataView(id.buffer).setUint32(0, counter)
  id.set(crypto.getRandomValues(new Uint8Array(12)), 4)
  return { id, sender, recipient, sentAt: T0 - counter, bytes: new Uint8Array(size).fill(counter & 0xff) }
}

async function rejection (p: Promise<unknown>): Promise<unknown> {
  return await p.then(() => { throw new Error('expected a rejection') }, (err: unknown) => err)
}

async function within<T> (ms: number, what: string, wait: (resolve: (value: T) => void) => void): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms waiting for ${what}`)) }, ms)
    wait(value => { clearTimeout(timer); resolve(value) })
  })
}

export function rendezvousStoreCompliance (name: string, factory: StoreFactory<RendezvousStore>): void {
  describe(`RendezvousStore compliance: ${name}`, () => {
    const opened = useStore(factory)
    let store: RendezvousStore
    const open = async (): Promise<RendezvousStore> => await opened().reopen()
    beforeEach(() => { store = opened().store })

    it('resolves a deposit with its record, and the envelope survives reopening the store', async () => {
      const e = makeEnvelope('bob', 100)
      const stored = await store.deposit(e, LIMITS, T0)
      expect(typeof stored.seq).toBe('bigint')
      expect(stored).toMatchObject({ sender: e.sender, recipient: 'bob', sentAt: e.sentAt, receivedAt: T0, expiresAt: T0 + LIMITS.retentionMs })
      await store.close()
      const reopened = await open()
      const page = await reopened.fetch('bob', 0n, 10, T0)
      expect(page.more).toBe(false)
      expect(page.envelopes).toHaveLength(1)
      expect(page.envelopes[0]).toEqual({ ...e, seq: stored.seq, receivedAt: T0, expiresAt: T0 + LIMITS.retentionMs })
      expect(page.envelopes[0].bytes).toBeInstanceOf(Uint8Array)
    })

    it('fetches only the recipient\'s envelopes, oldest first, with increasing seqs', async () => {
      const mine = [makeEnvelope('bob'), makeEnvelope('bob'), makeEnvelope('bob')]
      for (const [i, e] of mine.entries()) {
        await store.deposit(e, LIMITS, T0 + i)
        await store.deposit(makeEnvelope('carol'), LIMITS, T0 + i)
      }
      const { envelopes } = await store.fetch('bob', 0n, 10, T0 + 10)
      expect(envelopes.map(e => e.id)).toEqual(mine.map(e => e.id))
      expect(envelopes.every((e, i) => i === 0 || e.seq > envelopes[i - 1].seq)).toBe(true)
      expect((await store.fetch('nobody', 0n, 10, T0)).envelopes).toEqual([])
    })

    it('pages with a seq cursor and says whether more are waiting', async () => {
      const sent = Array.from({ length: 5 }, () => makeEnvelope('bob'))
      for (const e of sent) await store.deposit(e, LIMITS, T0)
      const seen: Uint8Array[] = []
      const pages: boolean[] = []
      let after = 0n
      while (true) {
        const page = await store.fetch('bob', after, 2, T0)
        seen.push(...page.envelopes.map(e => e.id))
        pages.push(page.more)
        if (!page.more) break
        after = page.envelopes.at(-1)?.seq ?? after
      }
      expect(pages).toEqual([true, true, false])
      expect(seen).toEqual(sent.map(e => e.id))
      // A page that ends exactly at the last envelope has nothing more.
      const exact = await store.fetch('bob', 0n, 5, T0)
      expect(exact.envelopes).toHaveLength(5)
      expect(exact.more).toBe(false)
    })

    it('refuses a deposit over the message cap with MAILBOX_FULL and keeps what it holds', async () => {
      const limits = { ...LIMITS, maxMessages: 3 }
      const kept = [makeEnvelope('bob'), makeEnvelope('bob'), makeEnvelope('bob')]
      for (const e of kept) await store.deposit(e, limits, T0)
      const refused = makeEnvelope('bob')
      const err = await rejection(store.deposit(refused, limits, T0))
      expect(ProtocolError.is(err, ErrorCode.MAILBOX_FULL)).toBe(true)
      expect((await store.fetch('bob', 0n, 10, T0)).envelopes.map(e => e.id)).toEqual(kept.map(e => e.id))
      // Caps are per recipient.
      await store.deposit(makeEnvelope('carol'), limits, T0)
      // A refused envelope left no replay record: once there is room, its retry is accepted.
      expect(await store.ack('bob', [kept[0].id])).toBe(1)
      await expect(store.deposit(refused, limits, T0)).resolves.toMatchObject({ recipient: 'bob' })
    })

    it('refuses a deposit over the byte cap with MAILBOX_FULL; exactly at the cap fits', async () => {
      const limits = { ...LIMITS, maxBytes: 100 }
      await store.deposit(makeEnvelope('bob', 60), limits, T0)
      const err = await rejection(store.deposit(makeEnvelope('bob', 41), limits, T0))
      expect(ProtocolError.is(err, ErrorCode.MAILBOX_FULL)).toBe(true)
      await store.deposit(makeEnvelope('bob', 40), limits, T0)
      expect(await store.usage('bob', T0)).toEqual({ count: 2, bytes: 100 })
    })

    it('does not count expired envelopes against the caps', async () => {
      const limits = { ...LIMITS, maxMessages: 1, retentionMs: 1000 }
      await store.deposit(makeEnvelope('bob'), limits, T0)
      await store.deposit(makeEnvelope('bob'), limits, T0 + 1000)
      expect((await store.usage('bob', T0 + 1000)).count).toBe(1)
    })

    it('rejects a replayed (sender, id) with REPLAY, even after delivery', async () => {
      const e = makeEnvelope('bob')
      await store.deposit(e, LIMITS, T0)
      expect(ProtocolError.is(await rejection(store.deposit(e, LIMITS, T0 + 1)), ErrorCode.REPLAY)).toBe(true)
      expect(await store.ack('bob', [e.id])).toBe(1)
      expect(ProtocolError.is(await rejection(store.deposit(e, LIMITS, T0 + 2)), ErrorCode.REPLAY)).toBe(true)
      expect((await store.fetch('bob', 0n, 10, T0 + 2)).envelopes).toEqual([])
    })

    it('takes one id from one sender for each device of an account, and refuses another sender reusing a pending id', async () => {
      const e = makeEnvelope('laptop')
      await store.deposit(e, LIMITS, T0)
      await expect(store.deposit({ ...e, recipient: 'phone' }, LIMITS, T0)).resolves.toMatchObject({ recipient: 'phone' })
      // A different sender with an id already waiting for that device is refused, and only it:
      // deposits committed alongside it still land.
      const results = await Promise.allSettled([
        store.deposit({ ...e, sender: 'sender-b' }, LIMITS, T0),
        store.deposit(makeEnvelope('laptop'), LIMITS, T0)
      ])
      expect(results[0].status === 'rejected' && ProtocolError.is(results[0].reason, ErrorCode.REPLAY)).toBe(true)
      expect(results[1].status).toBe('fulfilled')
      expect((await store.fetch('laptop', 0n, 10, T0)).envelopes).toHaveLength(2)
    })

    it('hides expired envelopes, and purgeExpired deletes them and their replay records', async () => {
      const limits = { ...LIMITS, retentionMs: 1000 }
      const old = makeEnvelope('bob', 10)
      await store.deposit(old, limits, T0)
      const fresh = makeEnvelope('bob', 20)
      await store.deposit(fresh, limits, T0 + 500)
      expect((await store.fetch('bob', 0n, 10, T0 + 999)).envelopes).toHaveLength(2)
      expect((await store.fetch('bob', 0n, 10, T0 + 1000)).envelopes.map(e => e.id)).toEqual([fresh.id])
      expect(await store.usage('bob', T0 + 1000)).toEqual({ count: 1, bytes: 20 })
      expect(await store.purgeExpired(T0 + 1000)).toBe(1)
      expect(await store.stats()).toEqual({ envelopes: 1, bytes: 20, recipients: 1 })
      // Its replay record went with it, so the id is accepted again.
      await expect(store.deposit(old, limits, T0 + 1000)).resolves.toMatchObject({ expiresAt: T0 + 2000 })
      expect(await store.purgeExpired(T0 + 1000)).toBe(0)
    })

    it('takes expired envelopes in bounded steps, earliest expiry first, saying whose they were', async () => {
      const limits = { ...LIMITS, retentionMs: 1000 }
      const first = makeEnvelope('bob', 10, 'sender-a')
      const second = makeEnvelope('carol', 10, 'sender-b')
      const third = makeEnvelope('bob', 10, 'sender-b')
      const unexpired = makeEnvelope('bob', 10, 'sender-a')
      await store.deposit(first, limits, T0)
      await store.deposit(second, limits, T0 + 100)
      await store.deposit(third, limits, T0 + 200)
      await store.deposit(unexpired, limits, T0 + 5000)
      expect(await store.takeExpired(T0 + 2000, 2)).toEqual([
        { id: first.id, sender: 'sender-a', recipient: 'bob' },
        { id: second.id, sender: 'sender-b', recipient: 'carol' }
      ])
      expect(await store.takeExpired(T0 + 2000, 2)).toEqual([{ id: third.id, sender: 'sender-b', recipient: 'bob' }])
      expect(await store.takeExpired(T0 + 2000, 2)).toEqual([])
      expect(await store.stats()).toEqual({ envelopes: 1, bytes: 10, recipients: 1 })
    })

    it('says which envelopes an ack deleted and who sent them, and counts what waits from one sender', async () => {
      const fromA = makeEnvelope('bob', 32, 'sender-a')
      const fromB = makeEnvelope('bob', 32, 'sender-b')
      const alsoA = makeEnvelope('bob', 32, 'sender-a')
      for (const e of [fromA, fromB, alsoA]) await store.deposit(e, LIMITS, T0)
      expect(await store.countFrom('bob', 'sender-a', T0)).toBe(2)
      expect(await store.countFrom('bob', 'sender-b', T0)).toBe(1)
      // Expired envelopes do not count.
      expect(await store.countFrom('bob', 'sender-a', T0 + LIMITS.retentionMs)).toBe(0)
      expect(await store.ackWithSenders('carol', [fromA.id])).toEqual([])
      const acked = await store.ackWithSenders('bob', [fromA.id, fromB.id, makeEnvelope('bob').id])
      expect(acked.map(a => ({ id: Array.from(a.id), sender: a.sender })).sort((x, y) => x.sender.localeCompare(y.sender)))
        .toEqual([{ id: Array.from(fromA.id), sender: 'sender-a' }, { id: Array.from(fromB.id), sender: 'sender-b' }])
      expect(await store.ackWithSenders('bob', [fromA.id])).toEqual([])
      expect(await store.countFrom('bob', 'sender-a', T0)).toBe(1)
    })

    it('acks delete only the caller\'s own envelopes and count what was deleted', async () => {
      const forBob = makeEnvelope('bob')
      const forCarol = makeEnvelope('carol')
      await store.deposit(forBob, LIMITS, T0)
      await store.deposit(forCarol, LIMITS, T0)
      expect(await store.ack('carol', [forBob.id])).toBe(0)
      expect(await store.ack('bob', [])).toBe(0)
      expect(await store.ack('bob', [forBob.id, makeEnvelope('bob').id])).toBe(1)
      expect(await store.ack('bob', [forBob.id])).toBe(0)
      expect((await store.fetch('bob', 0n, 10, T0)).envelopes).toEqual([])
      expect((await store.fetch('carol', 0n, 10, T0)).envelopes.map(e => e.id)).toEqual([forCarol.id])
    })

    it('deletes a device\'s received and/or sent envelopes on request, and nobody else\'s', async () => {
      const toBob = makeEnvelope('bob', 8, 'alice')
      const fromBob = makeEnvelope('carol', 8, 'bob')
      const unrelated = makeEnvelope('carol', 8, 'dave')
      const toSelf = makeEnvelope('bob', 8, 'bob')
      for (const e of [toBob, fromBob, unrelated, toSelf]) await store.deposit(e, LIMITS, T0)
      expect(await store.deleteMailbox('bob', { received: true, sent: false })).toBe(2)
      expect((await store.fetch('carol', 0n, 10, T0)).envelopes.map(e => e.id)).toEqual([fromBob.id, unrelated.id])
      expect(await store.deleteMailbox('bob', { received: false, sent: false })).toBe(0)
      expect(await store.deleteMailbox('bob')).toBe(1)
      expect((await store.fetch('carol', 0n, 10, T0)).envelopes.map(e => e.id)).toEqual([unrelated.id])
      // Both at once count an envelope a device sent to itself once.
      await store.deposit(makeEnvelope('erin', 8, 'erin'), LIMITS, T0)
      await store.deposit(makeEnvelope('erin', 8, 'frank'), LIMITS, T0)
      expect(await store.deleteMailbox('erin')).toBe(2)
      expect(await store.stats()).toEqual({ envelopes: 1, bytes: 8, recipients: 1 })
    })

    it('reports usage per recipient and stats over the whole store', async () => {
      expect(await store.usage('bob', T0)).toEqual({ count: 0, bytes: 0 })
      expect(await store.stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
      await store.deposit(makeEnvelope('bob', 10), LIMITS, T0)
      await store.deposit(makeEnvelope('bob', 15), LIMITS, T0)
      await store.deposit(makeEnvelope('carol', 7), LIMITS, T0)
      expect(await store.usage('bob', T0)).toEqual({ count: 2, bytes: 25 })
      expect(await store.stats()).toEqual({ envelopes: 3, bytes: 32, recipients: 2 })
    })

    it('lands every one of many concurrent deposits, each with its own seq', async () => {
      const sent = Array.from({ length: 40 }, (_, i) => makeEnvelope(i % 2 === 0 ? 'bob' : 'carol'))
      const stored = await Promise.all(sent.map(async e => await store.deposit(e, LIMITS, T0)))
      expect(new Set(stored.map(s => s.seq)).size).toBe(40)
      expect((await store.fetch('bob', 0n, 100, T0)).envelopes).toHaveLength(20)
      expect(await store.stats()).toMatchObject({ envelopes: 40, recipients: 2 })
    })

    it('holds the cap exactly under concurrent deposits', async () => {
      const limits = { ...LIMITS, maxMessages: 5 }
      const results = await Promise.allSettled(Array.from({ length: 12 }, async () => await store.deposit(makeEnvelope('bob'), limits, T0)))
      const refused = results.filter(r => r.status === 'rejected')
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(5)
      expect(refused.every(r => ProtocolError.is(r.reason, ErrorCode.MAILBOX_FULL))).toBe(true)
      expect((await store.usage('bob', T0)).count).toBe(5)
    })

    it('commits concurrent deposits together in call order, each bad one refused with its own error', async () => {
      const replayed = makeEnvelope('bob')
      await store.deposit(replayed, LIMITS, T0)
      const pendingForCarol = makeEnvelope('carol')
      await store.deposit(pendingForCarol, LIMITS, T0)
      const before = store.commitStats?.()
      const good = Array.from({ length: 10 }, (_, i) => makeEnvelope(i % 2 === 0 ? 'bob' : 'dave', 40))
      const twice = makeEnvelope('dave')
      // All in one turn, so they queue for the same group commit; bad ones sit between good ones.
      const calls: Array<Promise<StoredEnvelope>> = [
        store.deposit(good[0], LIMITS, T0),
        store.deposit(replayed, LIMITS, T0),
        store.deposit(good[1], LIMITS, T0),
        store.deposit(makeEnvelope('bob', 200), { ...LIMITS, maxBytes: 100 }, T0),
        store.deposit(good[2], LIMITS, T0),
        store.deposit({ ...pendingForCarol, sender: 'sender-b' }, LIMITS, T0),
        store.deposit(twice, LIMITS, T0),
        store.deposit(twice, LIMITS, T0),
        ...good.slice(3).map(async e => await store.deposit(e, LIMITS, T0))
      ]
      const results = await Promise.allSettled(calls)
      const codeOf = (r: PromiseSettledResult<StoredEnvelope>): string => r.status === 'fulfilled' ? 'ok' : ProtocolError.is(r.reason) ? r.reason.code : String(r.reason)
      expect(results.map(codeOf)).toEqual(['ok', 'REPLAY', 'ok', 'MAILBOX_FULL', 'ok', 'REPLAY', 'ok', 'REPLAY', ...good.slice(3).map(() => 'ok')])
      const stored = results.flatMap(r => r.status === 'fulfilled' ? [r.value] : [])
      // Seqs follow the order of the calls, so each mailbox fetches in that order.
      expect(stored.every((e, i) => i === 0 || e.seq > stored[i - 1].seq)).toBe(true)
      expect((await store.fetch('bob', 0n, 100, T0)).envelopes.map(e => e.id)).toEqual([replayed.id, ...good.filter(e => e.recipient === 'bob').map(e => e.id)])
      expect((await store.fetch('dave', 0n, 100, T0)).envelopes.map(e => e.id)).toEqual([good[1].id, twice.id, ...good.slice(3).filter(e => e.recipient === 'dave').map(e => e.id)])
      expect((await store.fetch('carol', 0n, 100, T0)).envelopes.map(e => e.sender)).toEqual(['sender-a'])
      // A refused deposit left no replay record: once it fits, it is taken.
      const after = store.commitStats?.()
      if (before != null && after != null) {
        expect(after.deposits - before.deposits).toBe(calls.length)
        expect(after.commits - before.commits).toBeLessThan(calls.length)
        expect(after.largest).toBeGreaterThan(1)
      }
    })

    it('holds every recipient\'s cap exactly when their deposits share commits', async () => {
      const limits = { ...LIMITS, maxMessages: 5 }
      const results = await Promise.allSettled(Array.from({ length: 24 }, async (_, i) => await store.deposit(makeEnvelope(i % 2 === 0 ? 'bob' : 'carol'), limits, T0)))
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(10)
      expect(results.every(r => r.status === 'fulfilled' || ProtocolError.is(r.reason, ErrorCode.MAILBOX_FULL))).toBe(true)
      expect((await store.usage('bob', T0)).count).toBe(5)
      expect((await store.usage('carol', T0)).count).toBe(5)
    })

    it('stores the exact bytes of a view into a larger buffer', async () => {
      const frame = new Uint8Array(64).map((_, i) => i)
      const e = { ...makeEnvelope('bob'), bytes: frame.subarray(10, 30) }
      await store.deposit(e, LIMITS, T0)
      const [fetched] = (await store.fetch('bob', 0n, 10, T0)).envelopes
      expect(fetched.bytes).toEqual(frame.slice(10, 30))
      expect(await store.usage('bob', T0)).toEqual({ count: 1, bytes: 20 })
    })

    it('acks hundreds of ids in one call, deleting only the caller\'s', async () => {
      const sent = Array.from({ length: 300 }, () => makeEnvelope('bob', 8))
      await Promise.all(sent.map(async e => await store.deposit(e, LIMITS, T0)))
      const foreign = makeEnvelope('carol', 8)
      await store.deposit(foreign, LIMITS, T0)
      const ids = [...sent.slice(0, 250).map(e => e.id), foreign.id, makeEnvelope('bob').id]
      expect(await store.ack('bob', ids)).toBe(250)
      expect((await store.fetch('bob', 0n, 100, T0)).envelopes.map(e => e.id)).toEqual(sent.slice(250).map(e => e.id))
      expect((await store.usage('carol', T0)).count).toBe(1)
    })

    it('tells subscribers about each committed deposit, and nothing of refused ones', async () => {
      if (store.subscribeDeposits == null) return
      const events: string[] = []
      let wake: (() => void) | undefined
      const unsubscribe = await store.subscribeDeposits(recipient => { events.push(recipient); wake?.() })
      const seen = async (n: number): Promise<void> => {
        await within<void>(5_000, `${n} deposit events`, resolve => {
          wake = () => { if (events.length >= n) resolve() }
          wake()
        })
      }
      const e = makeEnvelope('bob')
      await store.deposit(e, LIMITS, T0)
      await seen(1)
      await rejection(store.deposit(e, LIMITS, T0))
      await rejection(store.deposit(makeEnvelope('dave'), { ...LIMITS, maxMessages: 0 }, T0))
      await store.deposit(makeEnvelope('carol'), LIMITS, T0)
      await seen(2)
      expect(events).toEqual(['bob', 'carol'])

      // After unsubscribing, nothing more arrives: a second subscriber marks when it would have.
      await unsubscribe()
      const sentinel: string[] = []
      let sentinelSeen: (() => void) | undefined
      const stopSentinel = await store.subscribeDeposits(recipient => { sentinel.push(recipient); sentinelSeen?.() })
      await store.deposit(makeEnvelope('erin'), LIMITS, T0)
      await within<void>(5_000, 'the sentinel subscriber', resolve => {
        sentinelSeen = () => { if (sentinel.length > 0) resolve() }
        sentinelSeen()
      })
      expect(events).toEqual(['bob', 'carol'])
      expect(sentinel).toEqual(['erin'])
      await stopSentinel()
    })
  })
}
