// The durable outbox on its own, with a real DeliveryRouter over in-memory stream pairs: one sealed
// envelope per message for every try (also after a restart), order per recipient, statuses that
// only move forward, failures with a reason, and a caller's abort that leaves the message queued.
import { beforeEach, describe, expect, it } from 'vitest'
import { createEnvelope, envelopeIdToString } from '../../../protocol/crypto/envelope.ts'
import { DeliveryRouter } from '../../../protocol/delivery/router.ts'
import { DeviceIdentity, parsePeerId } from '../../../protocol/identity.ts'
import { Outbox } from '../../../protocol/messages/outbox.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { Envelope } from '../../../protocol/wire/generated/messages.ts'
import { FakeConnections, PairedMailbox, PairedRecipient } from '../../helpers/stream-parts.ts'
import type { ChatMessage } from '../../../protocol/store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger

describe('Outbox', () => {
  let alice: DeviceIdentity
  let bob: DeviceIdentity
  let store: MemoryChatStore
  let recipient: PairedRecipient
  let mailbox: PairedMailbox
  let sealed: number
  let changes: ChatMessage[]

  const outbox = (): Outbox => {
    const router = new DeliveryRouter({ node: new FakeConnections(), dm: recipient, log, mailbox, timeoutMs: 300, liveTimeoutMs: 100, circuitFallback: false })
    return new Outbox({
      store,
      log,
      resolve: async to => [parsePeerId(to)],
      seal: async (device, payload, options) => { sealed++; return createEnvelope(alice, device, payload, options) },
      deliver: async (device, env, options) => await router.deliver(device, env, options),
      parsePeer: parsePeerId,
      onChanged: m => { changes.push(m) }
    })
  }
  const to = (): string => bob.peerId.toString()
  const statuses = (id: string): string[] => changes.filter(m => m.id === id).map(m => m.status)

  beforeEach(async () => {
    [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    store = new MemoryChatStore()
    recipient = new PairedRecipient()
    mailbox = new PairedMailbox()
    sealed = 0
    changes = []
  })

  it('sends at once: queued → sent → delivered, and the entry is gone', async () => {
    const o = outbox()
    const m = await o.queueText(to(), 'hello')
    expect(await o.send(m.id)).toMatchObject({ id: m.id, status: 'delivered', path: 'direct' })
    expect(statuses(m.id)).toEqual(['queued', 'sent', 'delivered'])
    expect(recipient.received).toEqual([m.id])
    expect(await store.listOutbox()).toEqual([])
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'delivered', path: 'direct' })
  })

  it('keeps a message it cannot send, with its sealed envelope, and sends those same bytes later', async () => {
    const o = outbox()
    recipient.behaviour = ['hang']
    mailbox.behaviour = ['hang']
    const m = await o.queueText(to(), 'while the node is down')
    const first = await o.send(m.id)
    expect(first).toMatchObject({ status: 'queued', error: expect.stringContaining('unreachable') })
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'queued' })
    const [entry] = await store.listOutbox()
    expect(entry).toMatchObject({ id: m.id, attempts: 1 })
    expect(entry.envelopes).toHaveLength(1)
    const bytes = entry.envelopes[0].envelope

    // A restarted device: a new Outbox on the same store.
    recipient.behaviour = ['hang']
    const again = outbox()
    again.start()
    await again.flush()
    await again.stop()
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'stored', path: 'mailbox' })
    expect(sealed).toBe(1)
    expect(Envelope.encode(mailbox.stored.get(m.id) as Envelope)).toEqual(bytes)
  })

  it('retries a deposit whose ack was lost with the same envelope: stored once', async () => {
    const o = outbox()
    recipient.behaviour = ['hang', 'hang']
    mailbox.behaviour = ['drop-ack']
    const m = await o.queueText(to(), 'ack lost')
    expect((await o.send(m.id)).status).toBe('queued')
    o.start()
    await o.flush()
    await o.stop()
    expect(mailbox.deposits).toEqual([m.id, m.id])
    expect(mailbox.stored.size).toBe(1)
    expect(sealed).toBe(1)
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'stored' })
  })

  it('keeps each recipient\'s order: a later message waits behind one that waits', async () => {
    const o = outbox()
    // Down for both tries of `one` (its own, and again before `two`).
    recipient.behaviour = ['hang', 'hang']
    mailbox.behaviour = ['hang', 'hang']
    const one = await o.queueText(to(), 'one')
    expect((await o.send(one.id)).status).toBe('queued')
    const two = await o.queueText(to(), 'two')
    expect(await o.send(two.id)).toMatchObject({ status: 'queued', error: expect.stringContaining('earlier message') })
    recipient.behaviour = ['ack', 'ack']
    o.start()
    await o.flush()
    await o.stop()
    expect(recipient.received).toEqual([one.id, two.id])
  })

  it('fails a message for good with the reason, and forgets its entry', async () => {
    const o = outbox()
    mailbox.behaviour = ['MAILBOX_FULL' as never]
    recipient.behaviour = ['hang']
    const m = await o.queueText(to(), 'no room')
    await expect(o.send(m.id)).rejects.toMatchObject({ code: 'MAILBOX_FULL' })
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('MAILBOX_FULL') })
    expect(await store.listOutbox()).toEqual([])
  })

  it('surfaces a caller\'s abort as AbortError and leaves the message queued for later', async () => {
    const o = outbox()
    recipient.behaviour = ['hang']
    const m = await o.queueText(to(), 'abandoned wait')
    const abort = new AbortController()
    setTimeout(() => { abort.abort() }, 30)
    await expect(o.send(m.id, { signal: abort.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(await store.getMessage(m.id)).toMatchObject({ status: 'queued' })
    expect((await store.listOutbox()).map(e => e.id)).toEqual([m.id])
  })

  it('sends reliable control messages in the background without a history entry', async () => {
    const o = outbox()
    o.start()
    const id = await o.queueControl(to(), 'receipt/delivered', new Uint8Array(16))
    await o.flush()
    await o.stop()
    expect(recipient.received).toEqual([id])
    expect(await store.listOutbox()).toEqual([])
    expect(await store.listMessages()).toEqual([])
    expect(envelopeIdToString(new Uint8Array(16))).toHaveLength(32)
  })
})
