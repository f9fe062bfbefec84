// The local search index: word-start matching without case or accents, every word required, names of
// senders and conversations, and what must never be found (deleted, deleted for everyone, expired,
// edited-away text, system lines).
import { expect, it } from 'vitest'
import { SearchIndex, highlight, snippet, tokenize } from '../../web/services/search-index.ts'
import { message } from '../compliance/chat-store.ts'

function ids (hits: Array<{ id: string }>): string[] {
  return hits.map(h => h.id)
}

const m1 = message(1, { peer: 'alice', text: 'Lunch at the Café tomorrow?' })
const m2 = message(2, { peer: 'alice', direction: 'out', status: 'delivered', text: 'Sure, lunch at noon' })
const m3 = message(3, { peer: 'bob', text: 'The report is ready' })
const g1 = message(4, { peer: 'carol', sender: 'carol', group: 'g1', text: 'Weekend hike: bring lunch' })

function filled (): SearchIndex {
  const index = new SearchIndex()
  for (const m of [m1, m2, m3, g1]) index.put(m)
  return index
}

it('finds words by their start, ignoring case and accents, newest first, in 1:1 and groups', () => {
  const index = filled()
  expect(ids(index.search('lunch'))).toEqual([g1.id, m2.id, m1.id])
  expect(ids(index.search('LUN'))).toEqual([g1.id, m2.id, m1.id])
  expect(ids(index.search('cafe'))).toEqual([m1.id])
  // Every word must match; order does not matter.
  expect(ids(index.search('noon lunch'))).toEqual([m2.id])
  expect(ids(index.search('lunch report'))).toEqual([])
  // Inside a word is not a word start.
  expect(ids(index.search('unch'))).toEqual([])
  expect(index.search('   ?! ')).toEqual([])
  expect(index.search('lunch')[0]).toMatchObject({ key: 'group:g1', sender: 'carol', direction: 'in', text: g1.text, at: g1.sentAt })
  expect(index.search('noon')[0]).toMatchObject({ key: 'peer:alice', direction: 'out' })
  expect(index.search('noon')[0].sender).toBeUndefined()
})

it('finds messages by the names of their sender and conversation', () => {
  const index = filled()
  const names = new Map([['peer:alice', 'Alice Smith'], ['alice', 'Alice Smith'], ['group:g1', 'Hiking club'], ['carol', 'Carol'], ['peer:bob', 'Bob']])
  expect(ids(index.search('smith', { names }))).toEqual([m2.id, m1.id])
  expect(ids(index.search('hiking', { names }))).toEqual([g1.id])
  expect(ids(index.search('carol lunch', { names }))).toEqual([g1.id])
  expect(ids(index.search('alice noon', { names }))).toEqual([m2.id])
  expect(ids(index.search('bob lunch', { names }))).toEqual([])
})

it('never finds a deleted, deleted-for-everyone, expired or edited-away text, nor a system line', () => {
  const index = filled()
  index.remove(m1.id)
  expect(ids(index.search('cafe'))).toEqual([])
  index.put({ ...m3, deletedAt: m3.sentAt + 10, text: '' })
  expect(ids(index.search('report'))).toEqual([])
  index.put({ ...m2, text: 'Sure, dinner instead', edits: [{ text: m2.text, at: m2.sentAt }] })
  expect(ids(index.search('noon'))).toEqual([])
  expect(ids(index.search('dinner'))).toEqual([m2.id])
  const timer = message(9, { peer: 'alice', text: 'timer 60', timer: 60 })
  index.put(timer)
  expect(ids(index.search('timer'))).toEqual([])
  const fleeting = message(10, { peer: 'alice', text: 'fleeting words', expiresAt: 2_000 })
  index.put(fleeting)
  expect(ids(index.search('fleeting', { now: 1_000 }))).toEqual([fleeting.id])
  expect(ids(index.search('fleeting', { now: 2_000 }))).toEqual([])
  index.removeConversation('group:g1')
  expect(ids(index.search('hike'))).toEqual([])
  expect(index.size).toBe(2)
})

it('finds a file by its name and keeps working after many removals', () => {
  const index = new SearchIndex()
  index.put(message(1, { peer: 'alice', text: '', attachment: { name: 'holiday-photo.jpg', mime: 'image/jpeg', size: 10 } }))
  expect(index.search('holiday').length).toBe(1)
  for (let i = 100; i < 5100; i++) index.put(message(i, { text: `word${i} common` }))
  for (let i = 100; i < 5000; i++) index.remove(message(i).id)
  expect(index.search('common').length).toBe(50)
  expect(index.search('common', { limit: 500 }).length).toBe(100)
  expect(ids(index.search('word5050'))).toEqual([message(5050).id])
  expect(index.search('word4000')).toEqual([])
  index.put(message(4000, { text: 'word4000 back' }))
  expect(ids(index.search('word4000'))).toEqual([message(4000).id])
})

it('highlights the words a query starts and tokenizes without punctuation', () => {
  expect(tokenize('Héllo, wörld! 42x')).toEqual(['hello', 'world', '42x'])
  expect(highlight('Lunch at the Café, lunchtime!', 'lunch cafe')).toEqual([
    { text: 'Lunch', hit: true }, { text: ' at the ', hit: false }, { text: 'Café', hit: true },
    { text: ', ', hit: false }, { text: 'lunchtime', hit: true }, { text: '!', hit: false }
  ])
  expect(highlight('nothing here', 'zzz')).toEqual([{ text: 'nothing here', hit: false }])
})

it('shows a long text from shortly before its first match', () => {
  const long = `${'filler words '.repeat(30)}the quarterly numbers ${'more text '.repeat(30)}`
  const parts = snippet(long, 'quarter')
  expect(parts[0]).toEqual({ text: '…', hit: false })
  expect(parts.at(-1)).toEqual({ text: '…', hit: false })
  expect(parts.filter(p => p.hit).map(p => p.text)).toEqual(['quarterly'])
  expect(parts.map(p => p.text).join('').length).toBeLessThanOrEqual(162)
  expect(snippet('short one', 'short')).toEqual(highlight('short one', 'short'))
})

it('confirms a common word or name on the few candidates of a rare one', () => {
  const index = new SearchIndex()
  for (let i = 1; i <= 100; i++) index.put(message(i, { peer: 'alice', text: `chatter common ${i}` }))
  index.put(message(200, { peer: 'alice', text: 'unique common' }))
  index.put(message(201, { peer: 'bob', text: 'unique thing' }))
  const names = new Map([['peer:alice', 'Alice'], ['alice', 'Alice'], ['peer:bob', 'Bob'], ['bob', 'Bob']])
  expect(ids(index.search('unique common', { names }))).toEqual([message(200).id])
  expect(ids(index.search('common unique', { names }))).toEqual([message(200).id])
  // The name matches every one of Alice's messages: confirmed from the candidate's conversation.
  expect(ids(index.search('unique alice', { names }))).toEqual([message(200).id])
  expect(ids(index.search('unique bob', { names }))).toEqual([message(201).id])
  expect(ids(index.search('thing alice', { names }))).toEqual([])
  expect(ids(index.search('unique chat', { names }))).toEqual([])
})
