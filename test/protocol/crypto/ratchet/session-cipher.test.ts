import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CryptoErrorCode, SessionCipher, decodeRatchetMessage, deserializeSessionRecord, encodeRatchetMessage, isPrekeyMessage } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateIdentity, generateX25519KeyPair, safetyNumber } from '../../../../protocol/crypto/x3dh/index.ts'
import type { IdentityKeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { decodeText, flip, makeResponder, seededRandom, text } from '../helpers.ts'
import type { Responder } from '../helpers.ts'
import { MemorySessions, device, expectCode, initiate, prekeyStore } from './fixtures.ts'
import type { Device } from './fixtures.ts'

interface Setup {
  aliceIdentity: IdentityKeyPair
  bob: Responder
  aliceSessions: MemorySessions
  bobSessions: MemorySessions
  bobPrekeys: ReturnType<typeof prekeyStore>
  alice: SessionCipher
  bobCipher: SessionCipher
}

async function setup (seed: string, withOneTime = true, bobSeed = `${seed}-bob`): Promise<Setup> {
  const aliceIdentity = generateIdentity({ randomBytes: seededRandom(`${seed}-alice`) })
  const bob = makeResponder(bobSeed)
  const aliceSessions = new MemorySessions()
  const bobSessions = new MemorySessions()
  const bobPrekeys = prekeyStore(bob)
  const alice = new SessionCipher({ identity: aliceIdentity, sessionStore: aliceSessions })
  const bobCipher = new SessionCipher({ identity: bob.identity, sessionStore: bobSessions, prekeyStore: bobPrekeys })
  await alice.initSession('bob', bob.bundle(withOneTime))
  return { aliceIdentity, bob, aliceSessions, bobSessions, bobPrekeys, alice, bobCipher }
}

describe('SessionCipher', () => {
  it('starts with prekey messages, switches to plain messages after the first reply', async () => {
    const s = await setup('basic')
    const first = await s.alice.encrypt('bob', text('hello'))
    const second = await s.alice.encrypt('bob', text('again'))
    expect([isPrekeyMessage(first), isPrekeyMessage(second)]).toEqual([true, true])
    expect(decodeText(await s.bobCipher.decrypt('alice', second))).toBe('again')
    expect(decodeText(await s.bobCipher.decrypt('alice', first))).toBe('hello')
    expect(s.bobPrekeys.removed).toEqual([s.bob.oneTimePrekeys[0].id])

    const reply = await s.bobCipher.encrypt('alice', text('hi'))
    expect(isPrekeyMessage(reply)).toBe(false)
    expect(decodeText(await s.alice.decrypt('bob', reply))).toBe('hi')
    expect(isPrekeyMessage(await s.alice.encrypt('bob', text('now plain')))).toBe(false)

    const aliceView = await s.bobCipher.remoteIdentityKey('alice')
    const bobView = await s.alice.remoteIdentityKey('bob')
    expect(aliceView).toEqual(s.aliceIdentity.publicKey)
    expect(safetyNumber(s.aliceIdentity.publicKey, 'alice', bobView ?? new Uint8Array(), 'bob'))
      .toBe(safetyNumber(s.bob.identity.publicKey, 'bob', aliceView ?? new Uint8Array(), 'alice'))
  })

  it('serialises concurrent encrypts on one peer into one consistent sequence', async () => {
    const s = await setup('concurrent')
    const messages = await Promise.all(Array.from({ length: 12 }, async (_, i) => await s.alice.encrypt('bob', text(`m${i}`))))
    expect(messages.map((m) => decodeRatchetMessage(m).header.n)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    const plaintexts = await Promise.all([...messages].reverse().map(async (m) => decodeText(await s.bobCipher.decrypt('alice', m))))
    expect(plaintexts.reverse()).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`))
  })

  it('serialises concurrent encrypt and decrypt on one peer', async () => {
    const s = await setup('mixed')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('start')))
    const replies = await Promise.all([1, 2, 3].map(async (i) => await s.bobCipher.encrypt('alice', text(`r${i}`))))
    const results = await Promise.all([
      ...replies.map(async (r) => decodeText(await s.alice.decrypt('bob', r))),
      ...[4, 5].map(async (i) => await s.alice.encrypt('bob', text(`a${i}`)))
    ])
    expect(results.slice(0, 3)).toEqual(['r1', 'r2', 'r3'])
    for (const m of results.slice(3) as Uint8Array[]) await s.bobCipher.decrypt('alice', m)
  })

  it('continues a session after a restart (new instances, same stores)', async () => {
    const s = await setup('restart')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('before')))
    const alice2 = new SessionCipher({ identity: s.aliceIdentity, sessionStore: s.aliceSessions })
    const bob2 = new SessionCipher({ identity: s.bob.identity, sessionStore: s.bobSessions, prekeyStore: s.bobPrekeys })
    expect(decodeText(await bob2.decrypt('alice', await alice2.encrypt('bob', text('after'))))).toBe('after')
    expect(decodeText(await alice2.decrypt('bob', await bob2.encrypt('alice', text('reply'))))).toBe('reply')
  })

  it('stores nothing and deletes no prekey when a prekey message fails to decrypt', async () => {
    const s = await setup('forged')
    const message = await s.alice.encrypt('bob', text('x'))
    await expectCode(s.bobCipher.decrypt('alice', flip(message, message.length - 1)), CryptoErrorCode.DecryptFailed)
    expect([s.bobSessions.writes, s.bobPrekeys.removed.length]).toEqual([0, 0])
    expect(decodeText(await s.bobCipher.decrypt('alice', message))).toBe('x')
  })

  it('rejects a replayed message and leaves the stored session as it was', async () => {
    const s = await setup('replay')
    const message = await s.alice.encrypt('bob', text('once'))
    await s.bobCipher.decrypt('alice', message)
    const stored = s.bobSessions.records.get('alice')
    await expectCode(s.bobCipher.decrypt('alice', message), CryptoErrorCode.DuplicateMessage)
    expect(s.bobSessions.records.get('alice')).toBe(stored)
  })

  it('rejects the prekey message of a replaced session even without a one-time prekey', async () => {
    const s = await setup('old-session', false)
    const old = await s.alice.encrypt('bob', text('session 1'))
    await s.bobCipher.decrypt('alice', old)
    await s.alice.initSession('bob', s.bob.bundle(false))
    expect(decodeText(await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('session 2'))))).toBe('session 2')
    await expectCode(s.bobCipher.decrypt('alice', old), CryptoErrorCode.DuplicateMessage)
  })

  it('typed errors: no session, unknown prekey, untrusted identity, aborted', async () => {
    const s = await setup('errors')
    await expectCode(s.alice.encrypt('carol', text('x')), CryptoErrorCode.NoSession)
    const first = await s.alice.encrypt('bob', text('x'))
    const noSignedPrekey = new SessionCipher({
      identity: s.bob.identity, sessionStore: new MemorySessions(), prekeyStore: { ...s.bobPrekeys, loadSignedPrekey: async () => undefined }
    })
    await expectCode(noSignedPrekey.decrypt('alice', first), CryptoErrorCode.UnknownPrekey)
    const distrustful = new SessionCipher({
      identity: s.bob.identity, sessionStore: new MemorySessions(), prekeyStore: s.bobPrekeys, isTrustedIdentity: async () => false
    })
    await expectCode(distrustful.decrypt('alice', first), CryptoErrorCode.UntrustedIdentity)
    await expectCode(distrustful.initSession('bob', s.bob.bundle()), CryptoErrorCode.UntrustedIdentity)
    await s.bobCipher.decrypt('alice', first)
    const plain = await s.bobCipher.encrypt('alice', text('y'))
    await expectCode(new SessionCipher({ identity: s.aliceIdentity, sessionStore: new MemorySessions() }).decrypt('bob', plain), CryptoErrorCode.NoSession)
    await expect(s.alice.encrypt('bob', text('z'), { signal: AbortSignal.abort() })).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }))
  })

  it('by default refuses a new session from a different identity key for the same peer', async () => {
    const s = await setup('tofu')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('x')))
    const impostor = new SessionCipher({ identity: generateIdentity(), sessionStore: new MemorySessions() })
    await impostor.initSession('bob', s.bob.bundle(false))
    await expectCode(s.bobCipher.decrypt('alice', await impostor.encrypt('bob', text('trust me'))), CryptoErrorCode.UntrustedIdentity)
  })

  it('malformed wire bytes → Malformed', async () => {
    const s = await setup('wire')
    const message = await s.alice.encrypt('bob', text('payload'))
    const cuts = [0, 1, 2, 3, 50, 1100, 1200, message.length - 17]
    for (const cut of cuts) await expectCode(s.bobCipher.decrypt('alice', message.subarray(0, cut)), CryptoErrorCode.Malformed)
    for (const [index, value] of [[0, 9], [1, 7], [4, 0]] as const) {
      const bad = message.slice()
      bad[index] = value
      await expectCode(s.bobCipher.decrypt('alice', bad), CryptoErrorCode.Malformed)
    }
    expect(s.bobSessions.writes).toBe(0)
  })

  it('any order of early prekey messages, with duplicates, decrypts each exactly once', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys(), ...Array(n).keys()], { minLength: n }))),
      async ([n, order]) => {
        // Bob's prekeys are shared across runs (fresh stores each time); Alice's ephemeral keys are not.
        const s = await setup(`shuffle-${n}-${order.join('')}`, true, 'shuffle-bob')
        const sent = await Promise.all(Array.from({ length: n }, async (_, i) => await s.alice.encrypt('bob', text(`p${i}`))))
        const seen = new Set<number>()
        for (const i of order) {
          if (seen.has(i)) await expectCode(s.bobCipher.decrypt('alice', sent[i]), CryptoErrorCode.DuplicateMessage)
          else expect(decodeText(await s.bobCipher.decrypt('alice', sent[i]))).toBe(`p${i}`)
          seen.add(i)
        }
        for (let i = 0; i < n; i++) if (!seen.has(i)) expect(decodeText(await s.bobCipher.decrypt('alice', sent[i]))).toBe(`p${i}`)
        expect(s.bobPrekeys.removed).toHaveLength(1)
      }
    ), { numRuns: 8 })
  })

  it('two devices starting sessions with each other at once lose nothing and converge on one session', async () => {
    const a = device('a', 'crossing')
    const b = device('b', 'crossing')
    await Promise.all([initiate(a, b), initiate(b, a)])
    const sent: Array<[from: Device, to: Device, bytes: Uint8Array, text: string]> = []
    const send = async (from: Device, to: Device, t: string): Promise<Uint8Array> => {
      const bytes = await from.cipher.encrypt(to.name, text(t))
      sent.push([from, to, bytes, t])
      return bytes
    }
    const receive = async (to: Device, from: Device, bytes: Uint8Array): Promise<string> => decodeText(await to.cipher.decrypt(from.name, bytes))
    const current = async (d: Device, peer: string): Promise<string> => {
      const bytes = d.sessions.records.get(peer)
      return bytes === undefined ? '' : Buffer.from(deserializeSessionRecord(bytes).baseKey).toString('hex')
    }

    // Both first messages are prekey messages of two different sessions, and they cross.
    const [a1, b1] = [await send(a, b, 'a1'), await send(b, a, 'b1')]
    expect([isPrekeyMessage(a1), isPrekeyMessage(b1)]).toEqual([true, true])
    expect(await receive(b, a, a1)).toBe('a1')
    expect(await receive(a, b, b1)).toBe('b1')
    // Each took the other's session and archived its own instead of dropping it.
    for (const d of [a, b]) expect(deserializeSessionRecord(d.sessions.records.get(d === a ? 'b' : 'a') ?? new Uint8Array()).previousSessions).toHaveLength(1)

    // Still in lockstep: each sends on the session the other just archived, and it decrypts there.
    for (let i = 2; i < 5; i++) {
      const [x, y] = [await send(a, b, `a${i}`), await send(b, a, `b${i}`)]
      expect([await receive(b, a, x), await receive(a, b, y)]).toEqual([`a${i}`, `b${i}`])
    }
    // A reply that follows a received message uses the session the peer chose: both now share it.
    for (let i = 5; i < 8; i++) {
      expect(await receive(b, a, await send(a, b, `a${i}`))).toBe(`a${i}`)
      expect(await receive(a, b, await send(b, a, `b${i}`))).toBe(`b${i}`)
    }
    expect(await current(a, 'b')).toBe(await current(b, 'a'))
    expect(isPrekeyMessage(await send(a, b, 'plain'))).toBe(false)

    // Every message decrypted once; replays are duplicates whichever session they were on, and a
    // forgery that no kept session opens changes nothing.
    for (const [from, to, bytes] of sent.slice(0, -1)) await expectCode(to.cipher.decrypt(from.name, bytes), CryptoErrorCode.DuplicateMessage)
    const writes = b.sessions.writes
    const last = sent[sent.length - 1][2]
    await expectCode(b.cipher.decrypt('a', flip(last, last.length - 1)), CryptoErrorCode.DecryptFailed)
    expect(b.sessions.writes).toBe(writes)
    expect(await receive(b, a, last)).toBe('plain')
  })

  it('a prekey message of an archived session decrypts on it; a forged initial message around a genuine one does not', async () => {
    const a = device('a', 'archived')
    const b = device('b', 'archived')
    await initiate(a, b)
    const early = [await a.cipher.encrypt('b', text('e1')), await a.cipher.encrypt('b', text('e2'))]
    expect(decodeText(await b.cipher.decrypt('a', early[0]))).toBe('e1')
    // B starts a session of its own, archiving A's; A's next prekey message still lands on A's.
    await initiate(b, a)
    expect(decodeText(await b.cipher.decrypt('a', early[1]))).toBe('e2')
    await expectCode(b.cipher.decrypt('a', early[1]), CryptoErrorCode.DuplicateMessage)
    expect(b.prekeys.removed).toEqual([b.keys.oneTimePrekeys[0].id])

    expect(decodeText(await a.cipher.decrypt('b', await b.cipher.encrypt('a', text('reply'))))).toBe('reply')
    const plain = await a.cipher.encrypt('b', text('genuine'))
    expect(isPrekeyMessage(plain)).toBe(false)
    // Someone wraps it in an initial message of their own: only the session that message names may
    // open it, so it fails instead of decrypting on the current session and archiving junk.
    const { oneTimePrekeyId: _, ...initial } = decodeRatchetMessage(early[0]).initialMessage ?? expect.fail('no initial message')
    const forged = encodeRatchetMessage({ ...decodeRatchetMessage(plain), initialMessage: { ...initial, ephemeralKey: generateX25519KeyPair().publicKey } })
    const writes = b.sessions.writes
    await expectCode(b.cipher.decrypt('a', forged), CryptoErrorCode.DecryptFailed)
    expect(b.sessions.writes).toBe(writes)
    expect(decodeText(await b.cipher.decrypt('a', plain))).toBe('genuine')
  })

  it('decryptDeferred stores nothing until commit; a copy decrypted again before it commits as a no-op', async () => {
    const s = await setup('deferred')
    const first = await s.alice.encrypt('bob', text('kept first'))
    const pending = await s.bobCipher.decryptDeferred('alice', first)
    expect(decodeText(pending.plaintext)).toBe('kept first')
    expect([s.bobSessions.writes, s.bobPrekeys.removed.length]).toEqual([0, 0])
    // As after a crash before the commit: the redelivered copy decrypts again.
    const again = await s.bobCipher.decryptDeferred('alice', first)
    expect(decodeText(again.plaintext)).toBe('kept first')
    await pending.commit()
    expect([s.bobSessions.writes, s.bobPrekeys.removed]).toEqual([1, [s.bob.oneTimePrekeys[0].id]])
    await again.commit()
    await pending.commit()
    expect(s.bobSessions.writes).toBe(1)
    await expectCode(s.bobCipher.decrypt('alice', first), CryptoErrorCode.DuplicateMessage)
  })

  it('a deferred commit after other operations on the peer applies the message to the record as it is now', async () => {
    const s = await setup('deferred-late')
    const [m1, m2, m3] = [await s.alice.encrypt('bob', text('m1')), await s.alice.encrypt('bob', text('m2')), await s.alice.encrypt('bob', text('m3'))]
    const late = await s.bobCipher.decryptDeferred('alice', m1)
    expect(decodeText(await s.bobCipher.decrypt('alice', m2))).toBe('m2')
    const reply = await s.bobCipher.encrypt('alice', text('r1'))
    await late.commit()
    expect(decodeText(await s.alice.decrypt('bob', reply))).toBe('r1')
    for (const m of [m1, m2]) await expectCode(s.bobCipher.decrypt('alice', m), CryptoErrorCode.DuplicateMessage)
    expect(decodeText(await s.bobCipher.decrypt('alice', m3))).toBe('m3')
    expect(s.bobPrekeys.removed).toEqual([s.bob.oneTimePrekeys[0].id])
  })

  it('keeps a peer\'s record in memory but stores every step before it is used', async () => {
    const s = await setup('cached')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('hello')))
    await s.alice.decrypt('bob', await s.bobCipher.encrypt('alice', text('hi')))
    const [loads, writes] = [s.aliceSessions.loads, s.aliceSessions.writes]
    for (let i = 0; i < 5; i++) await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text(`m${i}`)))
    // Read from the store once; written once per message, before encrypt returned.
    expect([s.aliceSessions.loads - loads, s.aliceSessions.writes - writes]).toEqual([0, 5])
    // A crash right after the last encrypt: a new instance on the store must not reuse its key.
    const last = await s.alice.encrypt('bob', text('last before the crash'))
    const restarted = new SessionCipher({ identity: s.aliceIdentity, sessionStore: s.aliceSessions })
    const after = await restarted.encrypt('bob', text('after the crash'))
    expect(decodeRatchetMessage(after).header.n).toBe(decodeRatchetMessage(last).header.n + 1)
    expect(decodeText(await s.bobCipher.decrypt('alice', after))).toBe('after the crash')
    expect(decodeText(await s.bobCipher.decrypt('alice', last))).toBe('last before the crash')
  })

  it('a failed write leaves memory on what the store holds: nothing is returned, no key is used twice', async () => {
    const s = await setup('failed-write')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('hello')))
    const reply = await s.bobCipher.encrypt('alice', text('hi'))
    s.aliceSessions.failWrites = 1
    await expect(s.alice.encrypt('bob', text('lost to the disk'))).rejects.toThrow('disk full')
    s.aliceSessions.failWrites = 1
    await expect(s.alice.decrypt('bob', reply)).rejects.toThrow('disk full')
    // Neither failed step counts: the reply decrypts now, and the next message takes the number again.
    expect(decodeText(await s.alice.decrypt('bob', reply))).toBe('hi')
    const next = await s.alice.encrypt('bob', text('stored'))
    expect(decodeRatchetMessage(next).header.n).toBe(0)
    expect(decodeText(await s.bobCipher.decrypt('alice', next))).toBe('stored')
    await expectCode(s.bobCipher.decrypt('alice', next), CryptoErrorCode.DuplicateMessage)
  })

  it('deleteSession forgets the session in memory and in the store', async () => {
    const s = await setup('delete')
    await s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('hello')))
    await s.alice.decrypt('bob', await s.bobCipher.encrypt('alice', text('hi')))
    expect(await s.bobCipher.hasSession('alice')).toBe(true)
    await s.bobCipher.deleteSession('alice')
    expect([await s.bobCipher.hasSession('alice'), s.bobSessions.records.has('alice')]).toEqual([false, false])
    await expectCode(s.bobCipher.decrypt('alice', await s.alice.encrypt('bob', text('plain'))), CryptoErrorCode.NoSession)
  })
})
