// The conversation list's summaries: unread counts that follow each message's status, the last
// message as a preview (a file as "📎 name"), activity for the order, and a group re-read from the store.
import { expect, it } from 'vitest'
import { ConversationSummaries, previewOf } from '../../web/services/conversation-summaries.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { message } from '../compliance/chat-store.ts'

it('counts unread per conversation, follows reads, and previews the last message', async () => {
  const store = new MemoryChatStore()
  await store.addMessage(message(1, { peer: 'alice', text: 'hello' }))
  await store.addMessage(message(2, { peer: 'alice', text: 'are you there?' }))
  await store.addMessage(message(3, { peer: 'bob', direction: 'out', status: 'delivered', text: 'hi bob' }))
  const s = new ConversationSummaries(store)
  await s.load()
  expect(s.get('peer:alice')).toMatchObject({ unread: 2, preview: 'are you there?', outgoing: false })
  expect(s.get('peer:bob')).toMatchObject({ unread: 0, preview: 'hi bob', outgoing: true })
  expect(s.totalUnread).toBe(2)

  // Read: the count drops; the preview stays the last message.
  s.apply({ ...message(1, { peer: 'alice', text: 'hello' }), status: 'read' })
  expect(s.get('peer:alice')).toMatchObject({ unread: 1, preview: 'are you there?' })
  // A newer message moves the conversation's activity on.
  const later = message(4, { peer: 'bob', text: 'sure', receivedAt: 1_800_000_000_000 })
  s.apply(later)
  expect(s.get('peer:bob')).toMatchObject({ unread: 1, preview: 'sure', at: later.receivedAt })
  expect(s.all()['peer:bob'].at).toBeGreaterThan(s.all()['peer:alice'].at)
  expect(s.get('peer:nobody')).toEqual({ unread: 0, preview: '', outgoing: false, at: 0 })
})

it('re-reads a group from the store and shows a file as its name', async () => {
  const store = new MemoryChatStore()
  const s = new ConversationSummaries(store)
  await s.load()
  const group = 'c'.repeat(32)
  await store.addMessage(message(5, { peer: 'carol', group, sender: 'carol', text: '', attachment: { name: 'plan.pdf', mime: 'application/pdf', size: 10 } }))
  expect(s.get(`group:${group}`).unread).toBe(0)
  await s.reloadGroup(group)
  expect(s.get(`group:${group}`)).toMatchObject({ unread: 1, preview: '📎 plan.pdf' })
  expect(previewOf({ text: 'see\nthis', attachment: { name: 'a.png', mime: 'image/png', size: 1 } })).toBe('📎 a.png · see this')
})
