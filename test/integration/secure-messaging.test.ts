// 1:1 sessions end to end on real nodes: ratchet envelopes live and through the mailbox, sessions
// that survive a restart, out-of-order arrival, first messages that cross, a crash mid-receipt,
// contacts whose devices change, receipts and delete-for-everyone.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { isPrekeyMessage } from '../../protocol/crypto/ratchet/wire.ts'
import { deserializeSessionRecord } from '../../protocol/crypto/ratchet/session-record.ts'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { DirectMessages } from '../../protocol/dm/direct-messages.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { Envelope } from '../../protocol/wire/generated/messages.ts'
import { DELETE_REQUEST } from '../../protocol/control/deletion.ts'
import { readDeviceReceipts } from '../../protocol/control/receipts.ts'
import { messageState, receiptsOf } from '../../node/commands/status.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { PowerCutStore } from '../helpers/power-cut-store.ts'
import type { StoreWrite } from '../helpers/power-cut-store.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'
import type { IdentityChange } from '../../protocol/session/secure-sessions.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const ADULT = '1990-05-17'

describe('secure 1:1 messaging', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** Envelopes pending at the rendezvous for `peer`, decoded. */
  async function pending (rv: TestRendezvous, peer: TestPeer): Promise<Envelope[]> {
    return (await rv.node.store.fetch(peer.node.peerId.toString(), 0n, 100, Date.now())).envelopes.map(e => Envelope.decode(e.bytes))
  }

  /** Online once (so its bundle is published), then offline. */
  async function publishedThenOffline (rv: TestRendezvous): Promise<TestPeer> {
    const peer = await createPeer(cleanup, rv.addr)
    await peer.client.start()
    await peer.client.stop()
    return peer
  }

  /** A peer whose client sends delivery receipts (createPeer's clients do not). */
  async function receiptPeer (rendezvous: Multiaddr): Promise<TestPeer> {
    const base = await createPeer(cleanup, rendezvous)
    await base.client.stop()
    const node = await createChatNode({ privateKey: base.identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
    const store = new MemoryChatStore()
    const client = new ChatClient({ node, identity: base.identity, store, rendezvous, deliveryReceipts: true })
    const received: TestPeer['received'] = []
    client.addEventListener('message', (evt: ChatClientEvents['message']) => { received.push(evt.detail) })
    cleanup.add(async () => { await client.stop(); await node.stop() })
    return { identity: base.identity, node, client, store, received }
  }

  it('sends ratchet envelopes through the mailbox, in order, and replies start no new session', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await publishedThenOffline(rv)
    await alice.client.start()
    for (const text of ['one', 'two', 'three']) expect((await alice.client.send(bob.node.peerId, text)).status).toBe('stored')
    const stored = await pending(rv, bob)
    expect(stored.map(e => e.scheme)).toEqual([Envelope.Scheme.RATCHET, Envelope.Scheme.RATCHET, Envelope.Scheme.RATCHET])
    // Until Bob answers, every message carries the PQXDH initial message.
    expect(stored.every(e => isPrekeyMessage(e.ciphertext))).toBe(true)

    await bob.client.start()
    await waitFor(() => bob.received.length === 3, { what: 'three messages' })
    expect(bob.received.map(m => m.text)).toEqual(['one', 'two', 'three'])
    await bob.client.waitUntilReachable()
    await alice.client.waitUntilReachable()
    expect((await bob.client.send(alice.node.peerId, 'hi alice')).status).toBe('delivered')
    await waitFor(() => alice.received.length === 1, { what: 'the reply' })
    expect(alice.received[0]).toMatchObject({ text: 'hi alice' })
    expect(await alice.client.sessions.cipher.hasSession(bob.node.peerId.toString())).toBe(true)
  })

  it('round-trips live, continues the session after a restart, and takes out-of-order arrival', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await Promise.all([alice.client.sessions.ensurePrekeys(), bob.client.sessions.ensurePrekeys()])
    await bob.client.waitUntilReachable()
    await alice.client.waitUntilReachable()
    expect((await alice.client.send(bob.node.peerId, 'live one')).status).toBe('delivered')
    expect((await bob.client.send(alice.node.peerId, 'live two')).status).toBe('delivered')
    expect(bob.received.map(m => m.text)).toEqual(['live one'])
    await waitFor(() => alice.received.length === 1, { what: 'the live reply' })

    // Bob restarts: a new node and client on the same identity and store.
    await bob.client.stop()
    await bob.node.stop()
    const bob2 = await createPeer(cleanup, rv.addr, { identity: bob.identity, store: bob.store })
    const sessionBefore = await bob.store.getValue(`sessions/${alice.node.peerId.toString()}`)
    await bob2.client.start()
    await bob2.client.waitUntilReachable()
    // Out of order within one session: three messages sealed now, the last delivered live first,
    // the first two through the mailbox afterwards.
    const to = bob.node.peerId
    const envs = []
    for (const text of ['m1', 'm2', 'm3']) envs.push(await alice.client.sessions.seal(to, { text }, { id: crypto.getRandomValues(new Uint8Array(16)) }))
    expect(envs.every(e => e.scheme === Envelope.Scheme.RATCHET && !isPrekeyMessage(e.ciphertext))).toBe(true)
    await new DirectMessages(alice.node, { onEnvelope: async () => {} }).send(to, envs[2])
    expect(bob2.received.map(m => m.text)).toEqual(['m3'])
    const mailbox = new MailboxClient(alice.node, rv.addr)
    await mailbox.deposit(envs[0])
    await mailbox.deposit(envs[1])
    await waitFor(() => bob2.received.length === 3, { what: 'the two earlier messages' })
    expect(bob2.received.map(m => m.text)).toEqual(['m3', 'm1', 'm2'])
    expect(sessionBefore).toBeDefined()
    // A replay of an envelope already taken (its message key is used up) is acked and dropped.
    await new DirectMessages(alice.node, { onEnvelope: async () => {} }).send(to, envs[0])
    expect(bob2.received).toHaveLength(3)
  })

  it('keeps every message when two devices send each other their first messages at once', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const hellos: Record<string, number[]> = { alice: [], bob: [] }
    alice.client.handleControl('test/hello', async m => { hellos.alice.push(m.body[0]) })
    bob.client.handleControl('test/hello', async m => { hellos.bob.push(m.body[0]) })
    await Promise.all([alice.client.start(), bob.client.start()])
    await Promise.all([alice.client.sessions.ensurePrekeys(), bob.client.sessions.ensurePrekeys()])
    await Promise.all([alice.client.waitUntilReachable(), bob.client.waitUntilReachable()])
    const [a, b] = [alice.node.peerId, bob.node.peerId]

    // Each fetches the other's bundle and starts a session of its own: the prekey messages cross.
    await Promise.all([alice.client.sendControl(b, 'test/hello', Uint8Array.of(1)), bob.client.sendControl(a, 'test/hello', Uint8Array.of(2))])
    await Promise.all([alice.client.send(b, 'a1'), bob.client.send(a, 'b1')])
    await alice.client.sendControl(b, 'test/hello', Uint8Array.of(3))
    await bob.client.sendControl(a, 'test/hello', Uint8Array.of(4))
    for (let i = 2; i <= 4; i++) {
      await alice.client.send(b, `a${i}`)
      await bob.client.send(a, `b${i}`)
    }
    await waitFor(() => alice.received.length === 4 && bob.received.length === 4 && hellos.alice.length === 2 && hellos.bob.length === 2, { what: 'every message' })
    expect(bob.received.map(m => m.text)).toEqual(['a1', 'a2', 'a3', 'a4'])
    expect(alice.received.map(m => m.text)).toEqual(['b1', 'b2', 'b3', 'b4'])
    expect(hellos).toEqual({ alice: [2, 4], bob: [1, 3] })
    // Replying in turn brought both onto one session.
    const current = async (p: TestPeer, peer: string): Promise<string> => {
      const record = await p.store.getValue(`sessions/${peer}`)
      return record == null ? '' : Buffer.from(deserializeSessionRecord(record).baseKey).toString('hex')
    }
    expect(await current(alice, b.toString())).toBe(await current(bob, a.toString()))
  })

  // A crash (no write after it lands, no mailbox ack) between keeping a message and saving the
  // session that decrypted it, in either order: the restarted device still shows the message once.
  it.each<[string, (alice: string) => (w: StoreWrite) => boolean]>([
    ['the message', () => w => (w.op === 'addMessage' && w.message.text === 'crash-proof') || (w.op === 'addMessages' && w.messages.some(m => m.text === 'crash-proof'))],
    ['the session', alice => w => w.op === 'setValue' && w.key === `sessions/${alice}`]
  ])('a device that crashes right after storing %s on receipt shows the message once after a restart', async (_, cutAfter) => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const store = new PowerCutStore()
    const bob = await createPeer(cleanup, rv.addr, { store })
    await bob.client.start()
    await bob.client.sessions.ensurePrekeys()
    await bob.client.stop()
    await alice.client.start()
    expect((await alice.client.send(bob.node.peerId, 'crash-proof')).status).toBe('stored')

    store.cutAfter(cutAfter(alice.node.peerId.toString()), 'hang')
    void bob.client.start().catch(() => {})
    await waitFor(() => store.isCut, { what: 'the crash' })
    await bob.node.stop()
    store.restore()
    const bob2 = await createPeer(cleanup, rv.addr, { identity: bob.identity, store })
    await bob2.client.start()
    expect((await store.listMessages()).map(m => m.text)).toEqual(['crash-proof'])
    expect([...bob.received, ...bob2.received].map(m => m.text)).toEqual(['crash-proof'])
    expect(await pending(rv, bob)).toEqual([])

    // The session carries on both ways.
    await Promise.all([alice.client.waitUntilReachable(), bob2.client.waitUntilReachable()])
    await bob2.client.send(alice.node.peerId, 'back again')
    await alice.client.send(bob.node.peerId, 'welcome back')
    await waitFor(() => alice.received.length === 1 && bob2.received.some(m => m.text === 'welcome back'), { what: 'the next messages' })
    expect(alice.received.map(m => m.text)).toEqual(['back again'])
  })

  it('heals a conversation when one side lost its sessions: the other gets a new session', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await Promise.all([alice.client.sessions.ensurePrekeys(), bob.client.sessions.ensurePrekeys()])
    await bob.client.waitUntilReachable()
    await alice.client.waitUntilReachable()
    expect((await alice.client.send(bob.node.peerId, 'before')).status).toBe('delivered')
    expect((await bob.client.send(alice.node.peerId, 'ack')).status).toBe('delivered')

    // Bob's device comes back with an empty store (same identity): Alice's session is now useless.
    await bob.client.stop()
    await bob.node.stop()
    const bob2 = await createPeer(cleanup, rv.addr, { identity: bob.identity })
    await bob2.client.start()
    await bob2.client.sessions.ensurePrekeys()
    await bob2.client.waitUntilReachable()
    const key = `sessions/${bob.node.peerId.toString()}`
    const baseKey = async (): Promise<string> => {
      const record = await alice.store.getValue(key)
      return record == null ? '' : Buffer.from(deserializeSessionRecord(record).baseKey).toString('hex')
    }
    const stale = await baseKey()
    await expect(alice.client.send(bob.node.peerId, 'lost')).rejects.toMatchObject({ code: 'MALFORMED' })
    // Bob answered with a reset that carries a new session (a new PQXDH run); Alice switched to it.
    await waitFor(async () => { const now = await baseKey(); return now !== '' && now !== stale }, { what: 'the new session' })
    expect((await alice.client.send(bob.node.peerId, 'after the reset')).status).toBe('delivered')
    expect(bob2.received.map(m => m.text)).toEqual(['after the reset'])
  })

  it('warns when a contact\'s devices change, and holds the new device\'s messages until trusted', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const laptop = await createPeer(cleanup, rv.addr)
    const phone = await createPeer(cleanup, rv.addr)
    await Promise.all([alice.client.start(), laptop.client.start(), phone.client.start()])
    await Promise.all([alice, laptop, phone].map(async p => await p.client.sessions.ensurePrekeys()))
    const changes: IdentityChange[] = []
    alice.client.addEventListener('identity-changed', evt => { changes.push(evt.detail) })
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    await alice.client.send('@gina', 'first contact')

    const { code } = await laptop.client.accounts?.createLinkCode() ?? { code: '' }
    await phone.client.accounts?.linkDevice('gina', code)
    await expect(alice.client.send('@gina', 'to a new device?')).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNTRUSTED_IDENTITY' })
    expect(changes).toEqual([{ contact: '@gina', peers: [phone.node.peerId.toString()] }])
    expect((await alice.store.listMessages()).map(m => m.text)).toEqual(['first contact'])

    // The new device writes: not shown, reported again.
    await alice.client.waitUntilReachable()
    await phone.client.send(alice.node.peerId, 'it is me, new phone')
    await waitFor(() => changes.length === 2, { what: 'a second warning' })
    expect(alice.received).toHaveLength(0)

    // Alice compares safety numbers with the phone, then accepts it.
    await alice.client.trustIdentity('@gina')
    expect(alice.received.map(m => m.text)).toEqual(['it is me, new phone'])
    const result = await alice.client.send('@gina', 'welcome, phone')
    expect(result.devices.map(d => d.peerId).sort()).toEqual([laptop.node.peerId.toString(), phone.node.peerId.toString()].sort())
    expect(alice.client.safetyNumber(phone.node.peerId)).toBe(phone.client.safetyNumber(alice.node.peerId))
    expect(alice.client.safetyNumber(phone.node.peerId)).toMatch(/^\d{60}$/)
  })

  it('updates the sender\'s status with delivery and read receipts', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await receiptPeer(rv.addr)
    const bob = await receiptPeer(rv.addr)
    await alice.client.start()
    await bob.client.start()
    await bob.client.stop()
    const statuses: string[] = []
    alice.client.addEventListener('status', evt => { statuses.push(`${evt.detail.id}:${evt.detail.status}`) })
    const stored = await alice.client.send(bob.node.peerId, 'while you were away')
    expect(stored.status).toBe('stored')

    await bob.client.start()
    await waitFor(async () => (await alice.store.getMessage(stored.id))?.status === 'delivered', { what: 'the delivery receipt' })
    expect((await bob.store.getMessage(stored.id))?.status).toBe('received')
    expect(await bob.client.markRead([stored.id])).toBe(1)
    expect(await bob.client.markRead([stored.id])).toBe(0)
    expect((await bob.store.getMessage(stored.id))?.status).toBe('read')
    await waitFor(async () => (await alice.store.getMessage(stored.id))?.status === 'read', { what: 'the read receipt' })
    // Every step once and in order: queued, handed out, stored on the node, delivered, read.
    expect(statuses).toEqual([`${stored.id}:queued`, `${stored.id}:sent`, `${stored.id}:stored`, `${stored.id}:delivered`, `${stored.id}:read`])
  })

  it('keeps delivered and read per device of a contact with two devices, as `status` prints them', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, laptop, phone] = await Promise.all([receiptPeer(rv.addr), receiptPeer(rv.addr), receiptPeer(rv.addr)])
    await Promise.all([alice.client.start(), laptop.client.start(), phone.client.start()])
    await laptop.client.accounts?.signUp({ username: 'hana' }, ADULT)
    const { code } = await laptop.client.accounts?.createLinkCode() ?? { code: '' }
    await phone.client.accounts?.linkDevice('hana', code)
    await Promise.all([laptop, phone].map(async p => await p.client.sessions.ensurePrekeys()))

    await phone.client.stop()
    const sent = await alice.client.send('@hana', 'which of you is reading?')
    const [laptopId, phoneId] = [laptop.node.peerId.toString(), phone.node.peerId.toString()]
    expect(sent.devices.map(d => [d.peerId, d.status]).sort()).toEqual([[laptopId, 'delivered'], [phoneId, 'stored']].sort())
    // The laptop acks its copy live; the phone, away, tells later with a delivery receipt.
    await waitFor(async () => (await readDeviceReceipts(alice.store, sent.id)).delivered.includes(laptopId), { what: 'the laptop\'s live ack' })
    await phone.client.start()
    await waitFor(async () => (await readDeviceReceipts(alice.store, sent.id)).delivered.length === 2, { what: 'the phone\'s delivery receipt' })
    expect((await readDeviceReceipts(alice.store, sent.id)).read).toEqual([])

    // Only the phone reads it: "read" on the message, and per device only on the phone.
    await waitFor(async () => await phone.store.getMessage(sent.id) != null, { what: 'the phone to store it' })
    expect(await phone.client.markRead([sent.id])).toBe(1)
    await waitFor(async () => (await readDeviceReceipts(alice.store, sent.id)).read.length === 1, { what: 'the phone\'s read receipt' })
    const message = await alice.store.getMessage(sent.id)
    if (message == null) throw new Error('message gone')
    expect(message.status).toBe('read')
    const state = messageState(message, Date.now(), 3600_000, await receiptsOf(alice.store, message))
    expect(state.devices.sort((a, b) => a.device.localeCompare(b.device))).toEqual([
      { device: laptopId, delivered: true, read: false },
      { device: phoneId, delivered: true, read: true }
    ].sort((a, b) => a.device.localeCompare(b.device)))
    // A device of someone else cannot add itself to the message's record.
    const mallory = await receiptPeer(rv.addr)
    await mallory.client.start()
    await mallory.client.markRead([sent.id])
    expect((await readDeviceReceipts(alice.store, sent.id)).delivered).toHaveLength(2)
  })

  it('deletes for everyone on the sender\'s request only', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const carol = await createPeer(cleanup, rv.addr)
    await Promise.all([alice.client.start(), bob.client.start(), carol.client.start()])
    await Promise.all([alice, bob, carol].map(async p => await p.client.sessions.ensurePrekeys()))
    await bob.client.waitUntilReachable()
    const deleted: string[] = []
    bob.client.addEventListener('deleted', evt => { deleted.push(evt.detail.id) })
    const oops = await alice.client.send(bob.node.peerId, 'oops, wrong chat')
    const keep = await alice.client.send(bob.node.peerId, 'keep this one')
    expect(oops.status).toBe('delivered')

    // Carol asks Bob to delete Alice's message: ignored. Bob cannot retract Alice's either.
    expect((await carol.client.sendControl(bob.node.peerId, DELETE_REQUEST, envelopeIdFromString(keep.id))).status).toBe('delivered')
    await expect(bob.client.deleteForEveryone(keep.id)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    await alice.client.deleteForEveryone(oops.id)
    // Both ends keep a tombstone without content.
    expect(await alice.store.getMessage(oops.id)).toMatchObject({ text: '', deletedAt: expect.any(Number) })
    await waitFor(async () => (await bob.store.getMessage(oops.id))?.deletedAt != null, { what: 'the deletion at bob' })
    expect(deleted).toEqual([oops.id])
    expect((await bob.store.listMessages()).map(m => m.text)).toEqual(['', 'keep this one'])

    // Deleting only here leaves the other side alone, and no copy here.
    await bob.client.deleteMessage(keep.id)
    expect((await bob.store.listMessages()).map(m => m.id)).toEqual([oops.id])
    expect((await alice.store.listMessages()).map(m => m.text)).toEqual(['', 'keep this one'])
  })
})
