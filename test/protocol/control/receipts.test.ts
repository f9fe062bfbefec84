// Receipts as a control plugin on its own: owed receipts are queued durably (one control message per
// sender and batch) before the mailbox ack; a receipt only moves its author's conversation, and only
// forward, even when it overtakes the sender's own "stored"; group receipts count members, and only members.
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { decodeIds, encodeIds } from '../../../protocol/control/control-ids.ts'
import { GROUP_DELIVERED_RECEIPT, GROUP_READ_RECEIPT } from '../../../protocol/control/group-receipts.ts'
import { DELIVERED_RECEIPT, READ_RECEIPT, Receipts } from '../../../protocol/control/receipts.ts'
import { GroupEncryption } from '../../../protocol/groups/generated/groups.ts'
import { GroupStore } from '../../../protocol/groups/group-store.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { ContactTrust } from '../../../protocol/session/contact-trust.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { message } from '../../compliance/chat-store.ts'
import type { ControlMessage } from '../../../protocol/control/types.ts'
import type { GroupState } from '../../../protocol/groups/generated/groups.ts'
import type { ChatMessage } from '../../../protocol/store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger

describe('Receipts', () => {
  let store: MemoryChatStore
  let channel: ControlChannel
  let queued: Array<{ to: string, type: string, ids: string[] }>
  let changed: ChatMessage[]
  let receipts: Receipts
  let bob: DeviceIdentity
  let carol: DeviceIdentity

  beforeEach(async () => {
    [bob, carol] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    store = new MemoryChatStore()
    queued = []
    changed = []
    channel = new ControlChannel({
      log,
      sender: {
        sendControl: async () => { throw new Error('receipts never send outside the outbox') },
        queueControl: async (to, type, body) => { queued.push({ to, type, ids: decodeIds(body) }); return String(queued.length) }
      }
    })
    receipts = new Receipts({ control: channel, store, trust: new ContactTrust(store), log, onChanged: m => { changed.push(m) } })
  })

  const receipt = (from: DeviceIdentity, type: string, ids: string[], n: number): ControlMessage =>
    ({ id: n.toString(16).padStart(32, '0'), from: from.peerId, type, body: encodeIds(ids), sentAt: 1, path: 'mailbox' })

  it('queues what is owed at commit, one batch per sender, and nothing twice', async () => {
    const a = message(1, { peer: bob.peerId.toString() })
    const b = message(2, { peer: bob.peerId.toString() })
    const c = message(3, { peer: carol.peerId.toString() })
    for (const m of [a, b, c]) receipts.delivered(m)
    expect(queued).toEqual([])
    await receipts.commit()
    expect(queued).toEqual([
      { to: bob.peerId.toString(), type: DELIVERED_RECEIPT, ids: [a.id, b.id] },
      { to: carol.peerId.toString(), type: DELIVERED_RECEIPT, ids: [c.id] }
    ])
    await receipts.commit()
    expect(queued).toHaveLength(2)
  })

  it('moves our message to delivered, then read; never back, and only on its recipient\'s word', async () => {
    const out = message(5, { direction: 'out', peer: bob.peerId.toString(), status: 'sent' })
    await store.addMessage(out)
    // Carol cannot speak for Bob's conversation.
    expect(await channel.dispatch(receipt(carol, DELIVERED_RECEIPT, [out.id], 1))).toBe(true)
    expect((await store.getMessage(out.id))?.status).toBe('sent')
    // The receipt overtakes the sender's own "stored": the late "stored" must not undo it.
    await channel.dispatch(receipt(bob, DELIVERED_RECEIPT, [out.id], 2))
    expect(await store.updateMessage(out.id, { status: 'stored' })).toBeUndefined()
    await channel.dispatch(receipt(bob, READ_RECEIPT, [out.id], 3))
    await channel.dispatch(receipt(bob, DELIVERED_RECEIPT, [out.id], 4))
    expect((await store.getMessage(out.id))?.status).toBe('read')
    expect(changed.map(m => m.status)).toEqual(['delivered', 'read'])
    // The same control message twice is handled once.
    expect(await channel.dispatch(receipt(bob, READ_RECEIPT, [out.id], 3))).toBe(false)
  })

  it('marks incoming messages read once and owes each sender one read receipt', async () => {
    const m = message(7, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    expect(await receipts.markRead([m.id, 'f'.repeat(32)])).toBe(1)
    expect(await receipts.markRead([m.id])).toBe(0)
    expect(queued).toEqual([{ to: bob.peerId.toString(), type: READ_RECEIPT, ids: [m.id] }])
  })

  it('still owes the read receipt when the outbox write failed (a tab closed mid-write): the retry sends it', async () => {
    const m = message(10, { peer: bob.peerId.toString() })
    await store.addMessage(m)
    const failing = new Receipts({
      control: new ControlChannel({
        log,
        sender: {
          sendControl: async () => { throw new Error('receipts never send outside the outbox') },
          queueControl: async () => { throw new Error('the page closed before the outbox write committed') }
        }
      }),
      store,
      trust: new ContactTrust(store),
      log,
      onChanged: () => {}
    })
    await expect(failing.markRead([m.id])).rejects.toThrow(/outbox write/)
    // Not read yet here, so the screen's next report marks it again and the receipt goes out.
    expect((await store.getMessage(m.id))?.status).toBe(m.status)
    expect(await receipts.markRead([m.id])).toBe(1)
    expect(queued).toEqual([{ to: bob.peerId.toString(), type: READ_RECEIPT, ids: [m.id] }])
  })

  it('marks a group message read here and owes its author a group read receipt (none when receipts are off)', async () => {
    const bobId = bob.peerId.toString()
    const inGroup = message(8, { peer: bobId, group: 'a'.repeat(32), sender: bobId })
    const quiet = message(9, { peer: bobId, group: 'a'.repeat(32), sender: bobId })
    await store.addMessage(inGroup)
    await store.addMessage(quiet)
    expect(await receipts.markRead([inGroup.id])).toBe(1)
    expect((await store.getMessage(inGroup.id))?.status).toBe('read')
    expect(queued).toEqual([{ to: bobId, type: GROUP_READ_RECEIPT, ids: [inGroup.id] }])
    expect(await receipts.markRead([quiet.id], { receipts: false })).toBe(1)
    expect((await store.getMessage(quiet.id))?.status).toBe('read')
    expect(queued).toHaveLength(1)
  })

  it('counts group receipts per member: only members, each once; read once every other member read it', async () => {
    const me = (await DeviceIdentity.generate()).peerId.toString()
    const dave = await DeviceIdentity.generate()
    const groupId = 'b'.repeat(32)
    const state: GroupState = {
      id: groupId, name: 'g', members: [me, bob.peerId.toString(), carol.peerId.toString()], admins: [me], encryption: GroupEncryption.E2EE,
      version: 1n, author: me, updatedAt: 1n, signature: new Uint8Array(), topicSecret: new Uint8Array(), topicPublic: new Uint8Array(), topicOwner: '', topicOwnerSignature: new Uint8Array()
    }
    await new GroupStore(store).putState(state)
    const out = message(10, { direction: 'out', peer: groupId, group: groupId, sender: me, status: 'stored' })
    await store.addMessage(out)
    // Dave is no member: his word changes nothing.
    await channel.dispatch(receipt(dave, GROUP_READ_RECEIPT, [out.id], 1))
    expect(await receipts.groups.state(out.id)).toEqual({ delivered: [], read: [] })
    await channel.dispatch(receipt(bob, GROUP_DELIVERED_RECEIPT, [out.id], 2))
    await channel.dispatch(receipt(bob, GROUP_DELIVERED_RECEIPT, [out.id], 3))
    await channel.dispatch(receipt(bob, GROUP_READ_RECEIPT, [out.id], 4))
    expect(await receipts.groups.state(out.id)).toEqual({ delivered: [bob.peerId.toString()], read: [bob.peerId.toString()] })
    expect((await store.getMessage(out.id))?.status).toBe('delivered')
    // Carol reads without a delivery receipt first: read counts as delivered, and all have read it.
    await channel.dispatch(receipt(carol, GROUP_READ_RECEIPT, [out.id], 5))
    expect(await receipts.groups.state(out.id)).toEqual({ delivered: [bob.peerId.toString(), carol.peerId.toString()], read: [bob.peerId.toString(), carol.peerId.toString()] })
    expect((await store.getMessage(out.id))?.status).toBe('read')
    // A receipt for someone else's group message (an incoming one) is ignored.
    const theirs = message(11, { peer: bob.peerId.toString(), group: groupId, sender: bob.peerId.toString() })
    await store.addMessage(theirs)
    await channel.dispatch(receipt(carol, GROUP_READ_RECEIPT, [theirs.id], 6))
    expect(await receipts.groups.state(theirs.id)).toEqual({ delivered: [], read: [] })
  })
})
