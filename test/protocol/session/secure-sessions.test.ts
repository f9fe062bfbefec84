// The session layer without a network: private prekeys kept in a ChatStore, sessions set up from a
// bundle, the sealed box for first contacts only, forged bundles, and contact trust.
import { describe, expect, it } from 'vitest'
import { createPrekeyBundle } from '../../../protocol/crypto/x3dh/pqxdh.ts'
import { generateIdentity, identityFromSeed } from '../../../protocol/crypto/x3dh/keys.ts'
import { createEnvelope, verifyEnvelope } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { LocalPrekeys } from '../../../protocol/prekeys/local-prekeys.ts'
import { ContactTrust } from '../../../protocol/session/contact-trust.ts'
import { SecureSessions } from '../../../protocol/session/secure-sessions.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { Envelope } from '../../../protocol/wire/generated/messages.ts'
import { PowerCutStore } from '../../helpers/power-cut-store.ts'
import type { StoreWrite } from '../../helpers/power-cut-store.ts'
import type { PrekeyBundle } from '../../../protocol/crypto/x3dh/pqxdh.ts'
import type { PrekeyClient } from '../../../protocol/prekeys/prekey-client.ts'
import type { IdentityChange } from '../../../protocol/session/secure-sessions.ts'
import type { Logger, PeerId } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger

interface Party {
  identity: DeviceIdentity
  store: MemoryChatStore
  local: LocalPrekeys
  sessions: SecureSessions
  changes: IdentityChange[]
}

/** A device whose "rendezvous" hands out bundles built from `directory` (one one-time key each). */
async function party (directory: Map<string, () => Promise<PrekeyBundle | undefined>>, withPrekeys = true, store = new MemoryChatStore()): Promise<Party> {
  const identity = await DeviceIdentity.generate()
  const local = new LocalPrekeys(store, identityFromSeed(identity.toSeed()))
  const prekeys = { fetch: async (peer: PeerId) => await directory.get(peer.toString())?.() } as unknown as PrekeyClient
  const changes: IdentityChange[] = []
  const sessions = new SecureSessions({ identity, store, prekeys: withPrekeys ? prekeys : undefined, log, onIdentityChanged: c => { changes.push(c) } })
  return { identity, store, local, sessions, changes }
}

/** Publishes `p`'s keys to the directory the way the rendezvous would hand them out. */
async function publish (directory: Map<string, () => Promise<PrekeyBundle | undefined>>, p: Party, oneTime = 2): Promise<void> {
  const upload = await p.local.createBatch({ oneTime, pqOneTime: 0 })
  const queue = [...upload.oneTimePrekeys]
  directory.set(p.identity.peerId.toString(), async () => {
    const signed = upload.signedPrekey
    const pq = upload.pqLastResort
    if (signed == null || pq == null) return undefined
    const ot = queue.shift()
    return { identityKey: p.identity.publicKey, signedPrekey: signed, pqPrekey: pq, ...(ot != null ? { oneTimePrekey: ot } : {}) }
  })
}


describe('SecureSessions', () => {
  it('sets up a ratchet session from a bundle, accepts it with stored prekeys, and uses each one-time key once', async () => {
    const directory = new Map()
    const alice = await party(directory)
    const bob = await party(directory)
    await publish(directory, bob)
    const env = await alice.sessions.seal(bob.identity.peerId, { text: 'hello bob' })
    expect(env.scheme).toBe(Envelope.Scheme.RATCHET)
    const header = verifyEnvelope(env)
    expect((await bob.sessions.open(env, header, 'direct'))?.text).toBe('hello bob')
    // The one-time prekey the bundle named is gone from Bob's store; the last-resort key stays.
    const oneTimeLeft = await bob.store.listValues('prekeys/one-time/')
    expect(oneTimeLeft).toHaveLength(1)
    expect(await bob.store.listValues('prekeys/pq/')).toHaveLength(1)
    // A replay is reported as already seen (undefined), not as an error.
    expect(await bob.sessions.open(env, header, 'mailbox')).toBeUndefined()

    // Restart: fresh objects over the same stores carry on.
    const bob2 = new SecureSessions({ identity: bob.identity, store: bob.store, log, onIdentityChanged: () => {} })
    const reply = await bob2.seal(alice.identity.peerId, { text: 'hi', type: '', body: new Uint8Array(0) })
    expect((await alice.sessions.open(reply, verifyEnvelope(reply), 'direct'))?.text).toBe('hi')
  })

  it('seals to a first contact without a bundle, and refuses forged bundles and failed fetches with typed errors', async () => {
    const directory = new Map()
    const alice = await party(directory)
    const bob = await party(directory)
    const sealed = await alice.sessions.seal(bob.identity.peerId, { text: 'no bundle yet' })
    expect(sealed.scheme).toBe(Envelope.Scheme.SEALED)
    expect((await bob.sessions.open(sealed, verifyEnvelope(sealed), 'mailbox'))?.text).toBe('no bundle yet')

    // A rendezvous substituting its own keys for Bob's: signed, but not by Bob's PeerId key.
    const mallory = generateIdentity()
    const mLocal = new LocalPrekeys(new MemoryChatStore(), mallory)
    const upload = await mLocal.createBatch({ oneTime: 1, pqOneTime: 0 })
    directory.set(bob.identity.peerId.toString(), async () => ({ identityKey: mallory.publicKey, signedPrekey: upload.signedPrekey, pqPrekey: upload.pqLastResort }))
    await expect(alice.sessions.seal(bob.identity.peerId, { text: 'x' })).rejects.toMatchObject({ name: 'InvalidPrekeyBundleError', reason: 'wrong-identity' })
    // Bob's real identity key with Mallory's prekey signatures: initSession refuses it too.
    directory.set(bob.identity.peerId.toString(), async () => ({ identityKey: bob.identity.publicKey, signedPrekey: upload.signedPrekey, pqPrekey: upload.pqLastResort }))
    await expect(alice.sessions.seal(bob.identity.peerId, { text: 'x' })).rejects.toMatchObject({ name: 'InvalidPrekeyBundleError', reason: 'bad-signature' })
    // A fetch that fails is no reason to seal either: the caller sends again later.
    directory.set(bob.identity.peerId.toString(), async () => { throw new Error('connection reset') })
    await expect(alice.sessions.seal(bob.identity.peerId, { text: 'x' })).rejects.toMatchObject({ name: 'UnreachableError' })
    expect(await alice.sessions.cipher.hasSession(bob.identity.peerId.toString())).toBe(false)
  })

  it('never seals to a peer it had a session with, and refuses sealed envelopes from a session peer', async () => {
    const directory = new Map()
    const alice = await party(directory)
    const bob = await party(directory)
    await publish(directory, bob)
    const first = await alice.sessions.seal(bob.identity.peerId, { text: 'ratchet' })
    await bob.sessions.open(first, verifyEnvelope(first), 'direct')
    const reply = await bob.sessions.seal(alice.identity.peerId, { text: 'ratchet reply' })
    await alice.sessions.open(reply, verifyEnvelope(reply), 'direct')
    // Bob's sealed envelope to Alice, signed after his ratchet reply (as if he had been tricked).
    const downgraded = createEnvelope(bob.identity, alice.identity.peerId, { text: 'sealed' }, { sentAt: verifyEnvelope(reply).sentAt + 1 })
    await expect(alice.sessions.open(downgraded, verifyEnvelope(downgraded), 'mailbox')).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNAUTHORIZED' })
    expect(alice.sessions.refusedSealed).toBe(1)
    // The node now claims Bob published nothing, after Alice lost her session with him.
    directory.delete(bob.identity.peerId.toString())
    await alice.store.deleteValue(`sessions/${bob.identity.peerId.toString()}`)
    // The client keeps sessions in memory: the loss shows once it starts again on that store.
    const restarted = new SecureSessions({ identity: alice.identity, store: alice.store, prekeys: { fetch: async (peer: PeerId) => await directory.get(peer.toString())?.() } as unknown as PrekeyClient, log, onIdentityChanged: () => {} })
    await expect(restarted.seal(bob.identity.peerId, { text: 'x' })).rejects.toMatchObject({ name: 'InvalidPrekeyBundleError', reason: 'withdrawn' })
  })

  it('accepts a first-contact sealed message that crossed a session we started; refuses one signed after the peer\'s ratchet answer', async () => {
    const directory = new Map()
    const alice = await party(directory)
    const bob = await party(directory)
    // Alice writes first while Bob has no keys published: sealed, by design.
    const crossing = await alice.sessions.seal(bob.identity.peerId, { text: 'first contact' }, { sentAt: Date.now() - 60_000 })
    expect(crossing.scheme).toBe(Envelope.Scheme.SEALED)
    // Before reading it, Bob writes to Alice, who has keys now: Bob starts a ratchet session.
    await publish(directory, alice)
    const init = await bob.sessions.seal(alice.identity.peerId, { text: 'reply written before reading' })
    expect((await bob.sessions.open(crossing, verifyEnvelope(crossing), 'mailbox'))?.text).toBe('first contact')
    // Alice answers over the session; a sealed envelope she signed after that is a downgrade.
    await alice.sessions.open(init, verifyEnvelope(init), 'direct')
    const answer = await alice.sessions.seal(bob.identity.peerId, { text: 'over the ratchet' })
    expect(answer.scheme).toBe(Envelope.Scheme.RATCHET)
    await bob.sessions.open(answer, verifyEnvelope(answer), 'direct')
    const late = createEnvelope(alice.identity, bob.identity.peerId, { text: 'late' }, { sentAt: verifyEnvelope(answer).sentAt + 1 })
    await expect(bob.sessions.open(late, verifyEnvelope(late), 'mailbox')).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNAUTHORIZED' })
    expect(bob.sessions.refusedSealed).toBe(1)
  })

  it('sets up one session for racing sends on its own signal: the first caller giving up fails no one else', async () => {
    const directory = new Map<string, () => Promise<PrekeyBundle | undefined>>()
    const alice = await party(directory)
    const bob = await party(directory)
    await publish(directory, bob)
    const bundle = directory.get(bob.identity.peerId.toString()) as () => Promise<PrekeyBundle | undefined>
    // A slow node: the bundle comes after the first caller has given up.
    let fetches = 0
    directory.set(bob.identity.peerId.toString(), async () => {
      fetches++
      await new Promise(resolve => setTimeout(resolve, 300))
      return await bundle()
    })
    const impatient = alice.sessions.seal(bob.identity.peerId, { text: 'first' }, { signal: AbortSignal.timeout(50) })
    const patient = alice.sessions.seal(bob.identity.peerId, { text: 'second' })
    await expect(impatient).rejects.toMatchObject({ name: 'TimeoutError' })
    const env = await patient
    expect(env.scheme).toBe(Envelope.Scheme.RATCHET)
    expect(fetches).toBe(1)
    expect((await bob.sessions.open(env, verifyEnvelope(env), 'direct'))?.text).toBe('second')
  })

  // Receiving a first message writes three things, in this order; a crash may come after any.
  it.each<[string, (w: StoreWrite) => boolean]>([
    ['the message', w => w.op === 'addMessage'],
    ['the session', w => w.op === 'setValue' && w.key.startsWith('sessions/')],
    ['the used one-time prekey\'s deletion', w => w.op === 'deleteValue' && w.key.startsWith('prekeys/one-time/')]
  ])('a crash right after storing %s costs a redelivery, never the message', async (_, cutAfter) => {
    const directory = new Map()
    const alice = await party(directory)
    const store = new PowerCutStore()
    const bob = await party(directory, true, store)
    await publish(directory, bob)
    const env = await alice.sessions.seal(bob.identity.peerId, { text: 'survives' })
    const header = verifyEnvelope(env)
    // What ChatClient does with a text payload: the store dedupes by id.
    const receive = async (sessions: SecureSessions): Promise<boolean | undefined> => await sessions.receive(env, header, 'mailbox', async payload =>
      await store.addMessage({ id: header.id, peer: header.from.toString(), direction: 'in', text: payload.text, sentAt: header.sentAt, receivedAt: Date.now(), status: 'received' }))

    store.cutAfter(cutAfter)
    await receive(bob.sessions).catch(() => {})
    expect(store.isCut).toBe(true)
    // Restarted on what reached the store, the device gets the envelope again (it was never acked).
    store.restore()
    const bob2 = new SecureSessions({ identity: bob.identity, store, log, onIdentityChanged: () => {} })
    await receive(bob2)
    expect((await store.listMessages()).map(m => m.text)).toEqual(['survives'])
    expect(await bob2.open(env, header, 'mailbox')).toBeUndefined()
    // The session carries on both ways.
    const reply = await bob2.seal(alice.identity.peerId, { text: 'reply' })
    expect((await alice.sessions.open(reply, verifyEnvelope(reply), 'direct'))?.text).toBe('reply')
    const next = await alice.sessions.seal(bob.identity.peerId, { text: 'next' })
    expect((await bob2.open(next, verifyEnvelope(next), 'direct'))?.text).toBe('next')
  })

  it('keeps nothing when the payload cannot be kept: the next copy decrypts', async () => {
    const directory = new Map()
    const alice = await party(directory)
    const bob = await party(directory)
    await publish(directory, bob)
    const env = await alice.sessions.seal(bob.identity.peerId, { text: 'retry me' })
    const header = verifyEnvelope(env)
    await expect(bob.sessions.receive(env, header, 'direct', async () => { throw new Error('disk full') })).rejects.toThrow('disk full')
    expect(await bob.store.listValues('sessions/')).toEqual([])
    expect(await bob.store.listValues('prekeys/one-time/')).toHaveLength(2)
    expect((await bob.sessions.open(env, header, 'mailbox'))?.text).toBe('retry me')
    expect(await bob.store.listValues('prekeys/one-time/')).toHaveLength(1)
  })

  it('keeps private prekeys across LocalPrekeys instances and builds bundles that verify', async () => {
    const store = new MemoryChatStore()
    const id = generateIdentity()
    const first = await new LocalPrekeys(store, id).createBatch({ oneTime: 3, pqOneTime: 1 })
    expect(first.replaceOneTime).toBe(true)
    const again = new LocalPrekeys(store, id)
    const second = await again.createBatch({ oneTime: 2, pqOneTime: 0 })
    expect(second.signedPrekey).toBeUndefined()
    expect(second.replaceOneTime).toBe(false)
    expect(new Set([...first.oneTimePrekeys, ...second.oneTimePrekeys].map(k => k.id)).size).toBe(5)
    const signed = await again.loadSignedPrekey(first.signedPrekey?.id ?? -1)
    const pq = await again.loadPqPrekey(first.pqLastResort?.id ?? -1)
    const ot = await again.loadOneTimePrekey(second.oneTimePrekeys[0].id)
    if (signed == null || pq == null || ot == null) throw new Error('records missing')
    expect(createPrekeyBundle(id, signed, pq, ot).signedPrekey.publicKey).toEqual(first.signedPrekey?.publicKey)
    await again.removePqPrekey(pq.id)
    expect(await again.loadPqPrekey(pq.id)).toBeDefined()
    const pqOneTime = first.pqOneTimePrekeys[0].id
    await again.removePqPrekey(pqOneTime)
    expect(await again.loadPqPrekey(pqOneTime)).toBeUndefined()
  })
})

describe('ContactTrust', () => {
  it('trusts the first device set, holds back new devices until trusted, forgets removed ones', async () => {
    const trust = new ContactTrust(new MemoryChatStore())
    expect(await trust.check('@gina', ['laptop'])).toEqual([])
    expect(await trust.device('laptop')).toEqual({ contact: '@gina', state: 'trusted' })
    expect(await trust.check('@gina', ['laptop', 'phone'])).toEqual(['phone'])
    expect(await trust.device('phone')).toEqual({ contact: '@gina', state: 'pending' })
    // Asking again does not trust it by repetition.
    expect(await trust.check('@gina', ['laptop', 'phone'])).toEqual(['phone'])
    expect(await trust.trust('@gina')).toEqual(['phone'])
    expect(await trust.check('@gina', ['phone'])).toEqual([])
    expect(await trust.device('laptop')).toBeUndefined()
    expect(await trust.trust('@nobody')).toEqual([])
  })
})
