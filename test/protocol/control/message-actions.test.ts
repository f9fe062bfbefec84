// Reactions and edits as a control plugin on its own, against hostile input: malformed reactions
// and edits are dropped, a replayed control message has no second effect (also after a restart),
// actions about an unknown message wait, bounded, and apply once it arrives; quotes stay in their
// conversation.
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { DELETE_REQUEST, EDIT, MessageActions, REACTION } from '../../../protocol/control/message-actions.ts'
import { MAX_REACTION_BYTES, isReaction } from '../../../protocol/control/message-rules.ts'
import { MAX_PENDING_ACTIONS, MAX_PENDING_PER_SENDER, PENDING_ACTION_TTL_MS } from '../../../protocol/control/pending-actions.ts'
import { envelopeIdFromString } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { MAX_TEXT_BYTES } from '../../../protocol/constants.ts'
import { ContactTrust } from '../../../protocol/session/contact-trust.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { EditBody, ReactionBody } from '../../../protocol/wire/generated/messages.ts'
import { message } from '../../compliance/chat-store.ts'
import type { ControlMessage } from '../../../protocol/control/types.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger
let seq = 0
const nextId = (): string => (++seq).toString(16).padStart(32, '0')

describe('MessageActions', () => {
  let store: MemoryChatStore
  let now: number
  let bob: DeviceIdentity
  let channel: ControlChannel
  let actions: MessageActions

  /** A client on `store`, as after a restart: nothing remembered but what the store holds. */
  function start (): void {
    channel = new ControlChannel({ log, sender: { sendControl: async () => { throw new Error('unused') }, queueControl: async () => nextId() } })
    actions = new MessageActions({ control: channel, store, trust: new ContactTrust(store), log, self: 'me', sendQueued: async id => ({ id, status: 'stored', devices: [] }), onChanged: () => {}, onDeleted: () => {}, now: () => now })
  }

  beforeEach(async () => {
    store = new MemoryChatStore()
    now = 1_000_000
    bob = await DeviceIdentity.generate()
    start()
  })

  const control = (type: string, body: Uint8Array, sentAt: number, from = bob, id = nextId()): ControlMessage =>
    ({ id, from: from.peerId, type, body, sentAt, path: 'direct' })
  const react = (messageId: string, emoji: string, sentAt: number, from = bob): ControlMessage =>
    control(REACTION, ReactionBody.encode({ messageId: envelopeIdFromString(messageId) as Uint8Array<ArrayBuffer>, emoji }), sentAt, from)
  const edit = (messageId: string, text: string, sentAt: number, from = bob): ControlMessage =>
    control(EDIT, EditBody.encode({ messageId: envelopeIdFromString(messageId) as Uint8Array<ArrayBuffer>, text }), sentAt, from)

  it('changes nothing here when the request could not be queued (a tab closed mid-write): edit, reaction and delete stay possible', async () => {
    const m = message(40, { direction: 'out', peer: bob.peerId.toString(), status: 'delivered' })
    await store.addMessage(m)
    now = m.sentAt + 60_000
    const queued: string[] = []
    let outboxUp = false
    channel = new ControlChannel({
      log,
      sender: {
        sendControl: async () => { throw new Error('unused') },
        queueControl: async (_to, type) => {
          if (!outboxUp) throw new Error('the page closed before the outbox write committed')
          queued.push(type)
          return nextId()
        }
      }
    })
    actions = new MessageActions({ control: channel, store, trust: new ContactTrust(store), log, self: 'me', sendQueued: async id => ({ id, status: 'stored', devices: [] }), onChanged: () => {}, onDeleted: () => {}, now: () => now })
    await expect(actions.edit(m.id, 'fixed typo')).rejects.toThrow(/outbox write/)
    await expect(actions.react(m.id, '👍')).rejects.toThrow(/outbox write/)
    await expect(actions.deleteForEveryone(m.id)).rejects.toThrow(/outbox write/)
    const after = await store.getMessage(m.id)
    expect([after?.text, after?.edits, after?.reactions, after?.deletedAt]).toEqual([m.text, m.edits, m.reactions, undefined])
    // Tried again, each is queued for Bob and made here.
    outboxUp = true
    await actions.edit(m.id, 'fixed typo')
    await actions.react(m.id, '👍')
    await actions.deleteForEveryone(m.id)
    expect(queued).toEqual([EDIT, REACTION, DELETE_REQUEST])
    expect((await store.getMessage(m.id))?.deletedAt).toBe(now)
  })

  it('takes one emoji grapheme as a reaction, nothing else', async () => {
    for (const ok of ['👍', '❤️', '👨‍👩‍👧‍👦', '🇫🇷', '1️⃣', '👍🏽']) expect(isReaction(ok), ok).toBe(true)
    for (const bad of ['', 'a', 'ok', '👍👍', '👍 ', '<script>', 'e\u0301', '👍'.padEnd(MAX_REACTION_BYTES, '\u200D')]) expect(isReaction(bad), JSON.stringify(bad)).toBe(false)
    const m = message(1, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    for (const bad of ['lol', '👍👍', 'x'.repeat(1000)]) await channel.dispatch(react(m.id, bad, 10))
    expect((await store.getMessage(m.id))?.reactions).toBeUndefined()
    await channel.dispatch(react(m.id, '👍', 10))
    expect((await store.getMessage(m.id))?.reactions).toEqual([{ from: bob.peerId.toString(), emoji: '👍', at: 10 }])
  })

  it('drops an edit over the size bound or without text', async () => {
    const m = message(2, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    await channel.dispatch(edit(m.id, 'x'.repeat(MAX_TEXT_BYTES + 1), m.sentAt + 1))
    await channel.dispatch(edit(m.id, '  ', m.sentAt + 2))
    expect(await store.getMessage(m.id)).toEqual(m)
    await channel.dispatch(edit(m.id, 'x'.repeat(MAX_TEXT_BYTES), m.sentAt + 3))
    expect((await store.getMessage(m.id))?.text).toHaveLength(MAX_TEXT_BYTES)
  })

  it('gives a replayed edit or reaction no second effect, also after a restart', async () => {
    const m = message(3, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    const first = edit(m.id, 'first edit', m.sentAt + 1)
    await channel.dispatch(first)
    await channel.dispatch(edit(m.id, 'second edit', m.sentAt + 2))
    const like = react(m.id, '👍', 5)
    await channel.dispatch(like)
    await channel.dispatch(react(m.id, '', 6))
    const before = await store.getMessage(m.id)
    expect(before).toMatchObject({ text: 'second edit', edits: [{ text: 'message 3' }, { text: 'first edit' }] })
    // The same control messages again: once in this run, once after a restart (the id cache is gone).
    expect(await channel.dispatch(first)).toBe(false)
    start()
    expect(await channel.dispatch(first)).toBe(true)
    await channel.dispatch(like)
    expect(await store.getMessage(m.id)).toEqual(before)
  })

  it('keeps actions about an unknown message waiting, bounded, and applies them when it arrives', async () => {
    const later = message(4, { peer: bob.peerId.toString() })
    await channel.dispatch(edit(later.id, 'edited before it came', later.sentAt + 1))
    await channel.dispatch(react(later.id, '🎉', 9))
    expect(await actions.pending.list()).toHaveLength(2)
    await store.addMessage(later)
    await actions.arrived(later)
    expect(await store.getMessage(later.id)).toMatchObject({ text: 'edited before it came', reactions: [{ emoji: '🎉' }] })
    expect(await actions.pending.list()).toEqual([])

    // One sender fills only its own share; the rest is dropped.
    for (let i = 0; i < MAX_PENDING_PER_SENDER + 5; i++) await channel.dispatch(react(message(100 + i).id, '👍', 1))
    expect(await actions.pending.list()).toHaveLength(MAX_PENDING_PER_SENDER)
    // Many senders: the oldest go past the total bound.
    const others = await Promise.all(Array.from({ length: Math.ceil(MAX_PENDING_ACTIONS / MAX_PENDING_PER_SENDER) + 1 }, async () => await DeviceIdentity.generate()))
    for (const [n, other] of others.entries()) {
      now += 1
      for (let i = 0; i < MAX_PENDING_PER_SENDER; i++) await channel.dispatch(react(message(1000 + n * 100 + i).id, '👍', 1, other))
    }
    const waiting = await actions.pending.list()
    expect(waiting).toHaveLength(MAX_PENDING_ACTIONS)
    expect(waiting.some(a => a.from === bob.peerId.toString())).toBe(false)
    // And nothing waits longer than the time bound.
    now += PENDING_ACTION_TTL_MS + 1
    expect(await actions.pending.list()).toEqual([])
  })

  it('an action that waited is still checked: a stranger\'s edit of Bob\'s message is not applied', async () => {
    const carol = await DeviceIdentity.generate()
    const later = message(5, { peer: bob.peerId.toString() })
    await channel.dispatch(edit(later.id, 'forged', later.sentAt + 1, carol))
    await store.addMessage(later)
    await actions.arrived(later)
    expect(await store.getMessage(later.id)).toEqual(later)
  })

  it('takes random bodies without throwing, and they change no message', async () => {
    const m = message(10, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    await fc.assert(fc.asyncProperty(fc.constantFrom(REACTION, EDIT, DELETE_REQUEST), fc.uint8Array({ maxLength: 300 }), async (type, body) => {
      await channel.dispatch(control(type, body, m.sentAt + 1))
    }), { numRuns: 300 })
    expect(await store.getMessage(m.id)).toEqual(m)
    // Well-formed ones about made-up ids may wait, within the sender's share.
    expect((await actions.pending.list()).length).toBeLessThanOrEqual(MAX_PENDING_PER_SENDER)
  })

  it('quotes only a message of the reply\'s own conversation', async () => {
    const carol = await DeviceIdentity.generate()
    const withBob = message(6, { peer: bob.peerId.toString(), text: 'for bob only' })
    const withCarol = message(7, { peer: carol.peerId.toString(), text: 'a secret with carol' })
    const inGroup = message(8, { peer: bob.peerId.toString(), group: 'a'.repeat(32), sender: bob.peerId.toString(), text: 'group talk' })
    for (const m of [withBob, withCarol, inGroup]) await store.addMessage(m)
    const reply = { peer: bob.peerId.toString() }
    expect(await actions.quote(withBob.id, reply, bob.peerId)).toBe('for bob only')
    expect(await actions.quote(withCarol.id, reply, bob.peerId)).toBeUndefined()
    expect(await actions.quote(inGroup.id, reply, bob.peerId)).toBeUndefined()
    expect(await actions.quote(inGroup.id, { peer: bob.peerId.toString(), group: 'a'.repeat(32) }, bob.peerId)).toBe('group talk')
    const long = message(9, { peer: bob.peerId.toString(), text: 'x'.repeat(500) })
    await store.addMessage(long)
    expect([...await actions.quote(long.id, reply, bob.peerId) ?? ''].length).toBe(120)
  })
})
