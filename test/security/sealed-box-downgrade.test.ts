// Guards the defence against downgrading a 1:1 chat to the sealed box (no forward secrecy, no
// post-quantum key, no replay protection): a forged or broken prekey bundle from a hostile node is a
// typed error and nothing is sent; a prekey fetch without an answer leaves the message to be sent
// again (UnreachableError), never sealed; and a receiver that has a ratchet session with a peer
// refuses and reports a sealed envelope that peer signed after its first ratchet message, while a
// first contact signed before it and delivered late is still shown (SecureSessions #setUp, receive).
import { afterEach, describe, expect, it } from 'vitest'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { encodePrekeyBundle } from '../../protocol/crypto/x3dh/wire.ts'
import { generateIdentity } from '../../protocol/crypto/x3dh/keys.ts'
import { DirectMessages } from '../../protocol/dm/direct-messages.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { LocalPrekeys } from '../../protocol/prekeys/local-prekeys.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { PrekeyRequest } from '../../protocol/wire/generated/messages.ts'
import { createTestPeer, startHostileNode } from '../helpers/hostile-node.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'
import type { PrekeyResponse } from '../../protocol/wire/generated/messages.ts'

const answer = (bundle: Uint8Array): PrekeyResponse => ({ bundle: bundle as Uint8Array<ArrayBuffer>, oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: true })

describe('sealed-box downgrade', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a forged or malformed bundle from a hostile node is a typed error shown on the message; nothing is sent', async () => {
    const hostile = await startHostileNode(cleanup)
    const alice = await createTestPeer(cleanup, hostile.addr, { timeoutMs: 5_000, liveTimeoutMs: 1_000 })
    const bob = await createTestPeer(cleanup, hostile.addr)
    const statuses: Array<ChatClientEvents['status']['detail']> = []
    alice.client.addEventListener('status', evt => { statuses.push(evt.detail) })
    await alice.client.start()
    await alice.client.sessions.ensurePrekeys()

    // Mallory's own, correctly signed keys; and Bob's identity key over Mallory's signatures.
    const mallory = generateIdentity()
    const keys = await new LocalPrekeys(new MemoryChatStore(), mallory).createBatch({ oneTime: 1, pqOneTime: 0 })
    const signedPrekey = keys.signedPrekey as NonNullable<typeof keys.signedPrekey>
    const pqPrekey = keys.pqLastResort as NonNullable<typeof keys.pqLastResort>
    const forgeries: Array<[string, Uint8Array]> = [
      ['wrong-identity', encodePrekeyBundle({ identityKey: mallory.publicKey, signedPrekey, pqPrekey })],
      ['bad-signature', encodePrekeyBundle({ identityKey: bob.identity.publicKey, signedPrekey, pqPrekey })],
      ['malformed', Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)]
    ]
    for (const [reason, bundle] of forgeries) {
      await hostile.answerPrekeys(async req => req.type === PrekeyRequest.Type.FETCH ? answer(bundle) : answer(new Uint8Array(0)))
      await expect(alice.client.send(bob.node.peerId, `secret (${reason})`)).rejects.toMatchObject({ name: 'InvalidPrekeyBundleError', reason })
      const failed = statuses.at(-1)
      expect(failed).toMatchObject({ status: 'failed' })
      expect(failed?.error).toContain(reason)
      expect(await alice.store.getMessage(failed?.id as string)).toMatchObject({ status: 'failed', text: `secret (${reason})` })
    }
    // No envelope left Alice, sealed or otherwise.
    expect(hostile.deposits).toHaveLength(0)
    expect(await alice.client.sessions.cipher.hasSession(bob.node.peerId.toString())).toBe(false)
  })

  it('a prekey fetch that gets no answer leaves the message to be sent again, never sealed', async () => {
    const hostile = await startHostileNode(cleanup)
    const alice = await createTestPeer(cleanup, hostile.addr, { timeoutMs: 1_500, liveTimeoutMs: 1_000 })
    const bob = await createTestPeer(cleanup, hostile.addr)
    await alice.client.start()
    await alice.client.sessions.ensurePrekeys()
    // The node takes the request and says nothing until the sender gives up.
    await hostile.answerPrekeys(async () => await new Promise<PrekeyResponse>(() => {}))
    await expect(alice.client.send(bob.node.peerId, 'wait for me')).rejects.toMatchObject({ name: 'UnreachableError' })
    expect(hostile.deposits).toHaveLength(0)
  })

  it('a receiver with a ratchet session refuses a sealed envelope from that peer and reports it', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createTestPeer(cleanup, rv.addr)
    const bob = await createTestPeer(cleanup, rv.addr)
    const refused: Array<ChatClientEvents['refused']['detail']> = []
    bob.client.addEventListener('refused', evt => { refused.push(evt.detail) })
    await bob.client.start()
    await bob.client.sessions.ensurePrekeys()
    await alice.client.start()
    await alice.client.send(bob.node.peerId, 'over the ratchet')
    await waitFor(() => bob.received.some(m => m.text === 'over the ratchet'), { what: 'the ratchet message' })
    expect(await bob.client.sessions.cipher.hasSession(alice.node.peerId.toString())).toBe(true)

    // A first contact Alice sealed before she had a session, reaching Bob only now: still shown.
    const ratchetSentAt = bob.received.find(m => m.text === 'over the ratchet')?.sentAt ?? 0
    const early = createEnvelope(alice.identity, bob.node.peerId, { text: 'first contact, late' }, { sentAt: ratchetSentAt - 60_000 })
    await new MailboxClient(alice.node, rv.addr).deposit(early)
    // A sealed envelope Alice really signed after her first ratchet message: a tricked client.
    const sealed = createEnvelope(alice.identity, bob.node.peerId, { text: 'downgraded' }, { sentAt: ratchetSentAt + 1 })
    await new MailboxClient(alice.node, rv.addr).deposit(sealed)
    // sync() resolves once the drain has handled every pending envelope.
    await bob.client.sync()
    expect(refused).toEqual([{ id: Buffer.from(sealed.id).toString('hex'), from: alice.node.peerId.toString(), reason: 'sealed-with-session' }])
    expect(bob.client.sessions.refusedSealed).toBe(1)

    // Live, the refusal is Bob's answer on the DM protocol.
    const live = createEnvelope(alice.identity, bob.node.peerId, { text: 'downgraded live' }, { sentAt: ratchetSentAt + 2 })
    const dm = new DirectMessages(alice.node, { onEnvelope: async () => {} })
    await expect(dm.send(await bob.client.waitUntilReachable(), live)).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNAUTHORIZED' })
    expect(bob.client.sessions.refusedSealed).toBe(2)
    expect(bob.received.map(m => m.text)).toEqual(['over the ratchet', 'first contact, late'])
    expect((await bob.store.listMessages()).map(m => m.text).sort()).toEqual(['first contact, late', 'over the ratchet'])
  })
})
