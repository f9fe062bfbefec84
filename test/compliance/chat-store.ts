// One suite for every ChatStore implementation (memory, SQLite, IndexedDB): they must behave alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatMessage, ChatStore } from '../../protocol/store/chat-store.ts'

export function message (id: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: id.toString(16).padStart(32, '0'),
    peer: 'peer-a',
    direction: 'in',
    text: `message ${id}`,
    sentAt: 1_700_000_000_000 + id,
    receivedAt: 1_700_000_000_500 + id,
    status: 'received',
    ...overrides
  }
}

export function chatStoreCompliance (name: string, open: () => Promise<{ store: ChatStore, reopen?: () => Promise<ChatStore>, dispose?: () => void }>, options: { persistent: boolean }): void {
  describe(`ChatStore compliance: ${name}`, () => {
    let store: ChatStore
    let reopen: (() => Promise<ChatStore>) | undefined
    let dispose: (() => void) | undefined

    beforeEach(async () => {
      ({ store, reopen, dispose } = await open())
    })
    afterEach(async () => {
      await store.close()
      dispose?.()
    })

    it('adds a message once; a duplicate id is refused and changes nothing', async () => {
      expect(await store.addMessage(message(1))).toBe(true)
      expect(await store.addMessage(message(1, { text: 'replayed' }))).toBe(false)
      expect(await store.getMessage(message(1).id)).toEqual(message(1))
      expect(await store.listMessages()).toHaveLength(1)
    })

    it('lists in storage order, filtered by peer, newest `limit` still oldest first', async () => {
      // Storage order, not sentAt order: a late-arriving old message shows where it arrived.
      await store.addMessage(message(3))
      await store.addMessage(message(1, { peer: 'peer-b' }))
      await store.addMessage(message(2))
      expect((await store.listMessages()).map(m => m.text)).toEqual(['message 3', 'message 1', 'message 2'])
      expect((await store.listMessages({ peer: 'peer-a' })).map(m => m.text)).toEqual(['message 3', 'message 2'])
      expect((await store.listMessages({ limit: 2 })).map(m => m.text)).toEqual(['message 1', 'message 2'])
    })

    it('updates status', async () => {
      await store.addMessage(message(5, { direction: 'out', status: 'sending' }))
      await store.setStatus(message(5).id, 'delivered')
      expect((await store.getMessage(message(5).id))?.status).toBe('delivered')
      expect(await store.getMessage('f'.repeat(32))).toBeUndefined()
    })

    it('deletes a message; other messages and a missing id are unaffected', async () => {
      await store.addMessage(message(8))
      await store.addMessage(message(9))
      await store.setStatus(message(9).id, 'read')
      await store.deleteMessage(message(8).id)
      await store.deleteMessage('e'.repeat(32))
      expect(await store.getMessage(message(8).id)).toBeUndefined()
      expect((await store.listMessages()).map(m => [m.id, m.status])).toEqual([[message(9).id, 'read']])
    })

    it('remembers deleted ids: a replayed message with a deleted id is refused', async () => {
      await store.addMessage(message(10, { direction: 'out', status: 'delivered' }))
      await store.deleteMessage(message(10).id)
      expect(await store.addMessage(message(10, { text: 'resurrected' }))).toBe(false)
      // A delete that came before the message (delete for everyone overtaking it) holds too.
      await store.deleteMessage(message(11).id)
      expect(await store.addMessage(message(11))).toBe(false)
      expect(await store.getMessage(message(10).id)).toBeUndefined()
      expect(await store.listMessages()).toEqual([])
      expect(await store.addMessage(message(12))).toBe(true)
      if (reopen != null) {
        await store.close()
        store = await reopen()
        expect(await store.addMessage(message(10))).toBe(false)
        expect(await store.listMessages()).toEqual([message(12)])
      }
    })

    it('keeps values by key', async () => {
      expect(await store.getValue('session/x')).toBeUndefined()
      await store.setValue('session/x', Uint8Array.of(1, 2, 3))
      await store.setValue('session/x', Uint8Array.of(4))
      expect(await store.getValue('session/x')).toEqual(Uint8Array.of(4))
      await store.setValue('session/y', Uint8Array.of(5))
      await store.setValue('other', Uint8Array.of(6))
      expect(await store.listValues('session/')).toEqual([['session/x', Uint8Array.of(4)], ['session/y', Uint8Array.of(5)]])
      expect((await store.listValues()).map(([k]) => k)).toEqual(['other', 'session/x', 'session/y'])
      await store.deleteValue('session/x')
      expect(await store.getValue('session/x')).toBeUndefined()
    })

    if (options.persistent) it('keeps everything across a reopen', async () => {
      if (reopen == null) throw new Error(`${name} is persistent but gave no reopen()`)
      await store.addMessage(message(7))
      await store.setValue('k', Uint8Array.of(9))
      await store.close()
      store = await reopen()
      expect(await store.getMessage(message(7).id)).toEqual(message(7))
      expect(await store.getValue('k')).toEqual(Uint8Array.of(9))
      expect(await store.addMessage(message(7))).toBe(false)
    })
  })
}
