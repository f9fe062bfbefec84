import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CryptoError, CryptoErrorCode, SessionCipher, decodeRatchetMessage, isPrekeyMessage } from '../../../../protocol/crypto/ratchet/index.ts'
import type { PrekeyStore, SessionStore } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateIdentity, safetyNumber } from '../../../../protocol/crypto/x3dh/index.ts'
import type { IdentityKeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { decodeText, flip, makeResponder, seededRandom, text } from '../helpers.ts'
import type { Responder } from '../helpers.ts'

/** An in-memory session store that yields to the event loop, so unserialised callers would interleave. */
class MemorySessions implements SessionStore {
  readonly records = new Map<string, Uint8Array>()
  writes = 0
  loadSession = async (peer: string): Promise<Uint8Array | undefined> => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    return this.records.get(peer)
  }

  storeSession = async (peer: string, record: Uint8Array): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    this.records.set(peer, record)
    this.writes++
  }
}

function prekeyStore (r: Responder): PrekeyStore & { removed: number[] } {
  const oneTime = new Map(r.oneTimePrekeys.map((k) => [k.id, k]))
  const removed: number[] = []
  return {
    removed,
    loadSignedPrekey: async (id) => id === r.signedPrekey.id ? r.signedPrekey : undefined,
    loadOneTimePrekey: async (id) => oneTime.get(id),
    loadPqPrekey: async (id) => id === r.pqPrekey.id ? r.pqPrekey : undefined,
    removeOneTimePrekey: async (id) => { oneTime.delete(id); removed.push(id) },
    removePqPrekey: async () => {}
  }
}

async function expectCode (promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(CryptoError.is(err, code), `expected CryptoError ${code}, got ${String(err)}`).toBe(true)
}

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
})
