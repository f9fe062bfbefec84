// One suite for every ChatStore implementation (memory, SQLite, IndexedDB): they must behave alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_EDITS } from '../../protocol/messages/message.ts'
import type { ChatMessage, ChatStore, MessageQuery, OutboxEntry } from '../../protocol/store/chat-store.ts'

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

export function outboxEntry (id: number, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: id.toString(16).padStart(32, '0'),
    to: 'peer-a',
    payload: Uint8Array.of(10, 2, 104, 105),
    control: false,
    sentAt: 1_700_000_000_000 + id,
    attempts: 0,
    envelopes: [],
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

    it('adds a batch in one go: in order, skipping held, deleted and repeated ids', async () => {
      await store.addMessage(message(2))
      await store.deleteMessage(message(4).id)
      const added = await store.addMessages([message(1), message(2, { text: 'replayed' }), message(3, { peer: 'peer-b' }), message(4), message(3), message(5)])
      expect(added).toEqual([true, false, true, false, false, true])
      expect((await store.listMessages()).map(m => m.text)).toEqual(['message 2', 'message 1', 'message 3', 'message 5'])
      expect(await store.getMessage(message(3).id)).toEqual(message(3, { peer: 'peer-b' }))
      expect(await store.addMessages([])).toEqual([])
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

    it('keeps a member\'s group messages out of the 1:1 conversation with that member, and groups apart', async () => {
      const g1 = 'a'.repeat(32)
      const g2 = 'b'.repeat(32)
      await store.addMessage(message(1, { text: 'direct from a' }))
      await store.addMessage(message(2, { peer: 'peer-a', group: g1, sender: 'peer-a', text: 'a in g1' }))
      await store.addMessage(message(3, { peer: g1, direction: 'out', status: 'sent', group: g1, sender: 'me', text: 'me in g1' }))
      await store.addMessage(message(4, { peer: 'peer-a', group: g2, sender: 'peer-a', text: 'a in g2' }))
      await store.addMessage(message(5, { peer: 'peer-a', direction: 'out', status: 'sent', text: 'direct to a' }))
      await store.addMessage(message(6, { peer: 'peer-b', group: g1, sender: 'peer-b', text: 'b in g1' }))
      const texts = async (query: MessageQuery): Promise<string[]> => (await store.listMessages(query)).map(m => m.text)
      expect(await texts({ peer: 'peer-a' })).toEqual(['direct from a', 'direct to a'])
      expect(await texts({ peer: 'peer-b' })).toEqual([])
      // The group id is no 1:1 peer either, though outgoing group messages carry it as `peer`.
      expect(await texts({ peer: g1 })).toEqual([])
      expect(await texts({ group: g1 })).toEqual(['a in g1', 'me in g1', 'b in g1'])
      expect(await texts({ group: g1, limit: 2 })).toEqual(['me in g1', 'b in g1'])
      expect(await texts({ group: g2 })).toEqual(['a in g2'])
      expect(await texts({ group: 'c'.repeat(32) })).toEqual([])
      expect(await texts({ peer: 'peer-a', limit: 1 })).toEqual(['direct to a'])
      expect(await store.listMessages()).toHaveLength(6)
      // A status change keeps a message in its conversation.
      await store.updateMessage(message(3).id, { status: 'stored' })
      await store.updateMessage(message(5).id, { status: 'delivered' })
      expect(await texts({ group: g1 })).toEqual(['a in g1', 'me in g1', 'b in g1'])
      expect(await texts({ peer: 'peer-a' })).toEqual(['direct from a', 'direct to a'])
      await expect(store.listMessages({ peer: 'peer-a', group: g1 })).rejects.toThrow(/not both/)
    })

    it('updates status forward only: a late "stored" never undoes "delivered"', async () => {
      await store.addMessage(message(5, { direction: 'out', status: 'queued' }))
      expect(await store.updateMessage(message(5).id, { status: 'sent' })).toMatchObject({ status: 'sent' })
      expect(await store.updateMessage(message(5).id, { status: 'delivered', path: 'webrtc' })).toMatchObject({ status: 'delivered', path: 'webrtc' })
      expect(await store.updateMessage(message(5).id, { status: 'stored' })).toBeUndefined()
      expect(await store.updateMessage(message(5).id, { status: 'failed', error: 'too late' })).toBeUndefined()
      expect(await store.getMessage(message(5).id)).toMatchObject({ status: 'delivered', path: 'webrtc' })
      expect(await store.updateMessage(message(5).id, { status: 'read' })).toMatchObject({ status: 'read' })
      expect(await store.updateMessage('f'.repeat(32), { status: 'read' })).toBeUndefined()
      expect(await store.getMessage('f'.repeat(32))).toBeUndefined()
    })

    it('keeps a failure reason, and clears it when the message moves on', async () => {
      await store.addMessage(message(6, { direction: 'out', status: 'sent' }))
      expect(await store.updateMessage(message(6).id, { status: 'failed', error: 'refused' })).toMatchObject({ status: 'failed', error: 'refused' })
      const retried = await store.updateMessage(message(6).id, { status: 'queued' })
      expect(retried).toMatchObject({ status: 'queued', error: 'refused' })
      const stored = await store.updateMessage(message(6).id, { status: 'stored', path: 'mailbox' })
      expect(stored?.error).toBeUndefined()
      expect(await store.getMessage(message(6).id)).toEqual({ ...message(6, { direction: 'out' }), status: 'stored', path: 'mailbox' })
    })

    it('keeps the whole message model: path, attachment, group, sender, reply and edit links', async () => {
      const full = message(13, { path: 'relayed', attachment: { name: 'a.png', mime: 'image/png', size: 3 }, group: 'g1', sender: 'peer-z', replyTo: message(1).id, editOf: message(2).id })
      await store.addMessage(full)
      expect(await store.getMessage(full.id)).toEqual(full)
      expect(await store.listMessages()).toEqual([full])
    })

    it('keeps a reply quote, one reaction per person by time, and a removed one against replays', async () => {
      const m = message(30, { replyTo: message(1).id, replyPreview: 'message 1' })
      await store.addMessage(m)
      expect(await store.updateMessage(m.id, { reaction: { from: 'peer-a', emoji: '👍', at: 10 } })).toMatchObject({ reactions: [{ from: 'peer-a', emoji: '👍', at: 10 }] })
      await store.updateMessage(m.id, { reaction: { from: 'peer-b', emoji: '🎉', at: 11 } })
      // A later one replaces it; an older or equally old one (a replay) changes nothing.
      expect((await store.updateMessage(m.id, { reaction: { from: 'peer-a', emoji: '❤️', at: 12 } }))?.reactions).toEqual([{ from: 'peer-b', emoji: '🎉', at: 11 }, { from: 'peer-a', emoji: '❤️', at: 12 }])
      expect(await store.updateMessage(m.id, { reaction: { from: 'peer-a', emoji: '👍', at: 10 } })).toBeUndefined()
      // Removed, then the first one replayed: it stays removed.
      await store.updateMessage(m.id, { reaction: { from: 'peer-a', emoji: '', at: 13 } })
      expect(await store.updateMessage(m.id, { reaction: { from: 'peer-a', emoji: '👍', at: 10 } })).toBeUndefined()
      const held = await store.getMessage(m.id)
      expect(held).toEqual({ ...m, reactions: [{ from: 'peer-b', emoji: '🎉', at: 11 }, { from: 'peer-a', emoji: '', at: 13 }] })
      expect(await store.listMessages()).toEqual([held])
    })

    it('keeps the earlier texts of an edited message, newer edits only, at most MAX_EDITS', async () => {
      const m = message(31)
      await store.addMessage(m)
      const edited = await store.updateMessage(m.id, { edit: { text: 'second', at: m.sentAt + 5 } })
      expect(edited).toMatchObject({ text: 'second', editedAt: m.sentAt + 5, edits: [{ text: 'message 31', at: m.sentAt }] })
      // Replayed or overtaken: not newer than the edit shown.
      expect(await store.updateMessage(m.id, { edit: { text: 'stale', at: m.sentAt + 5 } })).toBeUndefined()
      for (let i = 1; i < MAX_EDITS; i++) expect(await store.updateMessage(m.id, { edit: { text: `v${i}`, at: m.sentAt + 5 + i } })).toBeDefined()
      expect(await store.updateMessage(m.id, { edit: { text: 'one too many', at: m.sentAt + 1000 } })).toBeUndefined()
      const held = await store.getMessage(m.id)
      expect(held?.edits).toHaveLength(MAX_EDITS)
      expect(held?.text).toBe(`v${MAX_EDITS - 1}`)
    })

    it('tombstones a message deleted for everyone: content gone, nothing brings it back', async () => {
      const m = message(32, { attachment: { name: 'a.png', mime: 'image/png', size: 3 }, replyTo: message(1).id, replyPreview: 'quoted' })
      await store.addMessage(m)
      await store.updateMessage(m.id, { edit: { text: 'edited secret', at: m.sentAt + 1 } })
      await store.updateMessage(m.id, { reaction: { from: 'peer-b', emoji: '👍', at: 3 } })
      const { text: _t, attachment: _a, replyPreview: _p, ...rest } = m
      const tomb = { ...rest, text: '', deletedAt: 99 }
      expect(await store.updateMessage(m.id, { tombstone: { at: 99 } })).toEqual(tomb)
      expect(await store.updateMessage(m.id, { tombstone: { at: 100 } })).toBeUndefined()
      expect(await store.updateMessage(m.id, { edit: { text: 'back', at: m.sentAt + 50 } })).toBeUndefined()
      expect(await store.updateMessage(m.id, { reaction: { from: 'peer-b', emoji: '🎉', at: 50 } })).toBeUndefined()
      expect(await store.addMessage(m)).toBe(false)
      expect(await store.getMessage(m.id)).toEqual(tomb)
      if (reopen != null) {
        await store.close()
        store = await reopen()
        expect(await store.getMessage(m.id)).toEqual(tomb)
      }
    })

    it('queues outbox entries in order, replaces one in place, and deletes by id', async () => {
      expect(await store.listOutbox()).toEqual([])
      await store.putOutbox(outboxEntry(1))
      await store.putOutbox(outboxEntry(2, { control: true, to: 'peer-b' }))
      await store.putOutbox(outboxEntry(3))
      const sealed = outboxEntry(1, { attempts: 2, lastError: 'unreachable', envelopes: [{ peer: 'peer-a', envelope: Uint8Array.of(1, 2, 3) }, { peer: 'peer-c', envelope: Uint8Array.of(4), done: 'stored' }] })
      await store.putOutbox(sealed)
      expect(await store.listOutbox()).toEqual([sealed, outboxEntry(2, { control: true, to: 'peer-b' }), outboxEntry(3)])
      await store.deleteOutbox(outboxEntry(2).id)
      expect((await store.listOutbox()).map(e => e.id)).toEqual([outboxEntry(1).id, outboxEntry(3).id])
    })

    it('adds a queued message with its outbox entry; deleting the message cancels the entry', async () => {
      const queued = message(20, { direction: 'out', status: 'queued' })
      expect(await store.addMessage(queued, outboxEntry(20))).toBe(true)
      // A duplicate id adds neither.
      expect(await store.addMessage(queued, outboxEntry(20, { attempts: 9 }))).toBe(false)
      expect(await store.listOutbox()).toEqual([outboxEntry(20)])
      await store.deleteMessage(queued.id)
      expect(await store.listOutbox()).toEqual([])
      expect(await store.addMessage(queued, outboxEntry(20))).toBe(false)
      expect(await store.listOutbox()).toEqual([])
    })

    it('deletes a message; other messages and a missing id are unaffected', async () => {
      await store.addMessage(message(8))
      await store.addMessage(message(9))
      await store.updateMessage(message(9).id, { status: 'read' })
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

    it('pages through the history by position: a message deleted or added between pages neither shifts nor repeats the rest', async () => {
      await store.addMessages([1, 2, 3, 4, 5].map(i => message(i)))
      expect(await store.countMessages()).toBe(5)
      const first = await store.pageMessages(0, 2)
      expect(first.messages.map(m => m.text)).toEqual(['message 1', 'message 2'])
      // Between two pages: one already read goes, one not read yet goes, a new one comes.
      await store.deleteMessage(message(1).id)
      await store.deleteMessage(message(3).id)
      await store.addMessage(message(6, { group: 'g1', peer: 'g1', direction: 'out', status: 'sent' }))
      const second = await store.pageMessages(first.next, 2)
      expect(second.messages.map(m => m.text)).toEqual(['message 4', 'message 5'])
      const third = await store.pageMessages(second.next, 2)
      expect(third.messages).toEqual([message(6, { group: 'g1', peer: 'g1', direction: 'out', status: 'sent' })])
      const end = await store.pageMessages(third.next, 2)
      expect(end).toEqual({ messages: [], positions: [], next: third.next })
      // Each message's own position resumes right after it.
      const all = await store.pageMessages(0, 10)
      expect(all.messages.map(m => m.text)).toEqual(['message 2', 'message 4', 'message 5', 'message 6'])
      expect(all.positions).toHaveLength(4)
      expect((await store.pageMessages(all.positions[1], 10)).messages.map(m => m.text)).toEqual(['message 5', 'message 6'])
      expect(await store.countMessages()).toBe(4)
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
      // Overwriting keeps one entry; a deleted key leaves every listing; neighbours of a prefix
      // ('session' without the slash, 'session0') are not in it.
      await store.setValue('session/y', Uint8Array.of(7))
      await store.setValue('session0', Uint8Array.of(8))
      await store.setValue('session', Uint8Array.of(9))
      await store.setValue('session/a', Uint8Array.of(10))
      expect(await store.listValues('session/')).toEqual([['session/a', Uint8Array.of(10)], ['session/y', Uint8Array.of(7)]])
      await store.deleteValue('session/a')
      await store.deleteValue('not/there')
      expect((await store.listValues()).map(([k]) => k)).toEqual(['other', 'session', 'session/y', 'session0'])
    })

    it('keeps verified purge receipts per device on outgoing messages, first one per device', async () => {
      const out = message(40, { direction: 'out', status: 'stored' })
      await store.addMessage(out)
      await store.addMessage(message(41))
      const first = { device: 'device-1', node: 'node-a', at: 1_700_000_001_000 }
      expect((await store.updateMessage(out.id, { purge: first }))?.purged).toEqual([first])
      // The same device again changes nothing; another device is added after it.
      expect(await store.updateMessage(out.id, { purge: { ...first, at: 1_700_000_009_000 } })).toBeUndefined()
      const second = { device: 'device-2', node: 'node-a', at: 1_700_000_002_000 }
      await store.updateMessage(out.id, { purge: second, status: 'delivered' })
      expect(await store.getMessage(out.id)).toEqual({ ...out, status: 'delivered', purged: [first, second] })
      // An incoming message has no copy of ours at a node.
      expect(await store.updateMessage(message(41).id, { purge: first })).toBeUndefined()
      expect((await store.getMessage(message(41).id))?.purged).toBeUndefined()
      if (reopen == null) return
      await store.close()
      store = await reopen()
      expect((await store.getMessage(out.id))?.purged).toEqual([first, second])
    })

    if (options.persistent) it('keeps everything across a reopen', async () => {
      if (reopen == null) throw new Error(`${name} is persistent but gave no reopen()`)
      await store.addMessage(message(7))
      await store.setValue('k', Uint8Array.of(9))
      const sealed = outboxEntry(7, { envelopes: [{ peer: 'peer-a', envelope: Uint8Array.of(7, 7) }] })
      await store.putOutbox(sealed)
      await store.close()
      store = await reopen()
      expect(await store.getMessage(message(7).id)).toEqual(message(7))
      // The same envelope bytes after a restart: a retry sends exactly what the first try sent.
      expect(await store.listOutbox()).toEqual([sealed])
      expect(await store.getValue('k')).toEqual(Uint8Array.of(9))
      expect(await store.addMessage(message(7))).toBe(false)
    })
  })
}
