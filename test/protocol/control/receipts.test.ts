// Receipts as a control plugin on its own: owed receipts are queued durably (one control message per
// sender and batch) before the mailbox ack; a receipt only moves its author's conversation, and only
// forward, even when it overtakes the sender's own "stored".
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { decodeIds, encodeIds } from '../../../protocol/control/control-ids.ts'
import { DELIVERED_RECEIPT, READ_RECEIPT, Receipts } from '../../../protocol/control/receipts.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { ContactTrust } from '../../../protocol/session/contact-trust.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { message } from '../../compliance/chat-store.ts'
import type { ControlMessage } from '../../../protocol/control/types.ts'
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

  it('marks a group message read here but owes its author no 1:1 read receipt', async () => {
    const bobId = bob.peerId.toString()
    const inGroup = message(8, { peer: bobId, group: 'a'.repeat(32), sender: bobId })
    await store.addMessage(inGroup)
    expect(await receipts.markRead([inGroup.id])).toBe(1)
    expect((await store.getMessage(inGroup.id))?.status).toBe('read')
    expect(queued).toEqual([])
  })
})
