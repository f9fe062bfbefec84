// "Delete for everyone" as a control plugin on its own: a 1:1 delete request reaches 1:1 messages
// only. A group message, whose `peer` is its author, is neither deleted by one nor sends one.
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { decodeIds, encodeIds } from '../../../protocol/control/control-ids.ts'
import { DELETE_REQUEST, Deletion } from '../../../protocol/control/deletion.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { ErrorCode, ProtocolError } from '../../../protocol/errors.ts'
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
  let deletion: Deletion
  let bob: DeviceIdentity

  beforeEach(async () => {
    bob = await DeviceIdentity.generate()
    store = new MemoryChatStore()
    queued = []
    channel = new ControlChannel({
      log,
      sender: {
        sendControl: async () => { throw new Error('deletion sends through the outbox') },
        queueControl: async (to, _type, body) => { queued.push({ to, ids: decodeIds(body) }); return String(queued.length) }
      }
    })
    deletion = new Deletion({ control: channel, store, log, sendQueued: async () => { throw new Error('nothing is sent in these cases') }, onDeleted: () => {} })
  })

  const request = (ids: string[], n: number): ControlMessage =>
    ({ id: n.toString(16).padStart(32, '0'), from: bob.peerId, type: DELETE_REQUEST, body: encodeIds(ids), sentAt: 1, path: 'mailbox' })

  it('deletes its author\'s 1:1 message on request, but not the author\'s group message', async () => {
    const bobId = bob.peerId.toString()
    const direct = message(1, { peer: bobId })
    const inGroup = message(2, { peer: bobId, group, sender: bobId })
    await store.addMessage(direct)
    await store.addMessage(inGroup)
    await channel.dispatch(request([direct.id, inGroup.id], 1))
    expect(await store.getMessage(direct.id)).toBeUndefined()
    expect(await store.getMessage(inGroup.id)).toEqual(inGroup)
  })

  it('refuses to delete a sent group message for everyone: its peer is the group, no device', async () => {
    const sent = message(3, { peer: group, direction: 'out', status: 'stored', group, sender: 'me' })
    await store.addMessage(sent)
    const err = await deletion.deleteForEveryone(sent.id).catch((e: unknown) => e)
    expect(ProtocolError.is(err, ErrorCode.INVALID)).toBe(true)
    expect(queued).toEqual([])
    expect(await store.getMessage(sent.id)).toEqual(sent)
  })
})
