// The expiry sweeper on an injected clock: what expired while the app was closed goes at start, the
// rest at its expiry time, and a deleted id stays a tombstone (a replay cannot bring it back).
import { describe, expect, it } from 'vitest'
import { defaultLogger } from '@libp2p/logger'
import { VirtualClock } from '../../../protocol/clock.ts'
import { ExpirySweeper } from '../../../protocol/messages/expiry-sweeper.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { waitFor } from '../../helpers/wait.ts'
import type { ChatMessage } from '../../../protocol/messages/message.ts'

const T0 = 1_800_000_000_000

function message (id: string, expiresAt?: number): ChatMessage {
  return { id: id.padStart(32, '0'), peer: 'peer', direction: 'in', text: `text ${id}`, sentAt: T0 - 1000, receivedAt: T0 - 1000, status: 'received', ...(expiresAt != null ? { expiresAt } : {}) }
}

describe('ExpirySweeper', () => {
  it('deletes at start what expired meanwhile, then each message at its expiry, on the injected clock', async () => {
    let now = T0
    const store = new MemoryChatStore()
    const deleted: string[] = []
    const sweeper = new ExpirySweeper({ store, log: defaultLogger().forComponent('test'), onDeleted: id => { deleted.push(id) }, now: () => now })
    const [old, soon, later, kept] = [message('1', T0 - 1), message('2', T0 + 40), message('3', T0 + 3_600_000), message('4')]
    for (const m of [old, soon, later, kept]) await store.addMessage(m)
    try {
      await sweeper.start()
      expect(deleted).toEqual([old.id])
      // The clock reaches `soon`'s expiry: its timer (40 ms of the injected clock) deletes it.
      now = T0 + 40
      await waitFor(() => deleted.includes(soon.id), { what: 'the timer to delete the next expiring message' })
      expect((await store.listMessages()).map(m => m.id)).toEqual([later.id, kept.id])
      // A message added later with a past expiry goes at the next sweep; `later` not before its time.
      const late = message('5', T0)
      await store.addMessage(late)
      sweeper.add(late)
      await waitFor(() => deleted.includes(late.id), { what: 'the added message' })
      now = T0 + 3_600_000 - 1
      expect(await sweeper.sweep()).toBe(0)
      now = T0 + 3_600_000
      expect(await sweeper.sweep()).toBe(1)
      expect((await store.listMessages()).map(m => m.id)).toEqual([kept.id])
      expect(await store.addMessage(soon)).toBe(false)
    } finally {
      sweeper.stop()
    }
  })

  it('deletes a message a month away when a stepped clock reaches its expiry, not a moment before', async () => {
    const clock = new VirtualClock({ step: true, start: T0 })
    const store = new MemoryChatStore()
    const deleted: string[] = []
    const sweeper = new ExpirySweeper({ store, log: defaultLogger().forComponent('test'), onDeleted: id => { deleted.push(id) }, clock })
    // Past the longest real timer (24.8 days): the sweeper re-arms on the way.
    const month = message('6', T0 + 30 * 24 * 3_600_000)
    await store.addMessage(month)
    try {
      await sweeper.start()
      await clock.advance(30 * 24 * 3_600_000 - 1)
      expect(deleted).toEqual([])
      await clock.advance(1)
      await waitFor(() => deleted.includes(month.id), { what: 'the deletion at the expiry' })
      expect(await store.listMessages()).toEqual([])
    } finally {
      sweeper.stop()
    }
  })
})
