// "Delete for everyone" as a control plugin on its own: a request tombstones a message only when it
// comes from the message's author, 1:1 or in a group, and goes to every other member of a group.
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { decodeIds, encodeIds } from '../../../protocol/control/control-ids.ts'
import { DELETE_REQUEST, Deletion } from '../../../protocol/control/deletion.ts'
import { MessageActions } from '../../../protocol/control/message-actions.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { ErrorCode, ProtocolError } from '../../../protocol/errors.ts'
import { ContactTrust } from '../../../protocol/session/contact-trust.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { message } from '../../compliance/chat-store.ts'
import type { ControlMessage } from '../../../protocol/control/types.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger
const group = 'a'.repeat(32)

describe('Deletion', () => {
  let store: MemoryChatStore
  let channel: ControlChannel
  let queued: Array<{ to: string, ids: string[] }>
  let actions: MessageActions
  let deletion: Deletion
  let bob: DeviceIdentity
  let carol: DeviceIdentity

  beforeEach(async () => {
    bob = await DeviceIdentity.generate()
    carol = await DeviceIdentity.generate()
    store = new MemoryChatStore()
    queued = []
    channel = new ControlChannel({
      log,
      sender: {
        sendControl: async () => { throw new Error('deletion sends through the outbox') },
        queueControl: async (to, _type, body) => { queued.push({ to, ids: decodeIds(body) }); return String(queued.length) }
      }
    })
    const onDeleted = (): void => {}
    actions = new MessageActions({ control: channel, store, trust: new ContactTrust(store), log, self: 'me', sendQueued: async id => ({ id, status: 'stored', devices: [] }), onChanged: () => {}, onDeleted, now: () => 5_000 })
    actions.setGroupMembers(async g => g === group ? ['me', bob.peerId.toString(), carol.peerId.toString()] : undefined)
    deletion = new Deletion({ store, actions, onDeleted })
  })

  const request = (from: DeviceIdentity, ids: string[], n: number): ControlMessage =>
    ({ id: n.toString(16).padStart(32, '0'), from: from.peerId, type: DELETE_REQUEST, body: encodeIds(ids), sentAt: 7, path: 'mailbox' })

  it('tombstones its author\'s messages, 1:1 and in a group; nobody else\'s', async () => {
    const bobId = bob.peerId.toString()
    const direct = message(1, { peer: bobId })
    const inGroup = message(2, { peer: bobId, group, sender: bobId })
    const carols = message(3, { peer: carol.peerId.toString(), group, sender: carol.peerId.toString() })
    const mine = message(4, { peer: bobId, direction: 'out', status: 'delivered' })
    for (const m of [direct, inGroup, carols, mine]) await store.addMessage(m)
    await channel.dispatch(request(bob, [direct.id, inGroup.id, carols.id, mine.id], 1))
    expect(await store.getMessage(direct.id)).toEqual({ ...direct, text: '', deletedAt: 7 })
    expect(await store.getMessage(inGroup.id)).toEqual({ ...inGroup, text: '', deletedAt: 7 })
    // Bob is a member, but not the author of Carol's message, and not of the one we sent him.
    expect(await store.getMessage(carols.id)).toEqual(carols)
    expect(await store.getMessage(mine.id)).toEqual(mine)
  })

  it('deletes a sent group message for everyone: a request to every other member, a tombstone here', async () => {
    const sent = message(3, { peer: group, direction: 'out', status: 'stored', group, sender: 'me' })
    await store.addMessage(sent)
    await deletion.deleteForEveryone(sent.id)
    expect(queued).toEqual([{ to: bob.peerId.toString(), ids: [sent.id] }, { to: carol.peerId.toString(), ids: [sent.id] }])
    expect(await store.getMessage(sent.id)).toEqual({ ...sent, text: '', deletedAt: 5_000 })
  })

  it('refuses to delete someone else\'s message for everyone', async () => {
    const received = message(5, { peer: bob.peerId.toString() })
    await store.addMessage(received)
    const err = await deletion.deleteForEveryone(received.id).catch((e: unknown) => e)
    expect(ProtocolError.is(err, ErrorCode.UNAUTHORIZED)).toBe(true)
    expect(queued).toEqual([])
  })

  it('deletes here only: no copy left, the id refused from then on', async () => {
    const m = message(6)
    await store.addMessage(m)
    await deletion.deleteHere(m.id)
    expect(await store.getMessage(m.id)).toBeUndefined()
    expect(await store.addMessage(m)).toBe(false)
    expect(queued).toEqual([])
  })
})
