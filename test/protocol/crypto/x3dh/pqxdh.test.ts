import { afterEach, describe, expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { concatBytes } from '@noble/hashes/utils.js'
import {
  CryptoError, CryptoErrorCode, acceptSession, createPrekeyBundle, decodeInitialMessage, decodePrekeyBundle,
  encodeInitialMessage, encodePrekeyBundle, generateIdentity, generateOneTimePrekeys, generatePqPrekey,
  identityFromLibp2pPrivateKey, initiateSession
} from '../../../../protocol/crypto/x3dh/index.ts'
import type { CryptoErrorCode as Code, PrekeyBundle } from '../../../../protocol/crypto/x3dh/index.ts'
import { encodeX25519, generateSignedPrekey } from '../../../../protocol/crypto/x3dh/keys.ts'
import { installCryptoProvider, installedCryptoProviders } from '../../../../protocol/crypto/provider.ts'
import { flip, makeResponder, seededRandom } from '../helpers.ts'

function expectCode (fn: () => unknown, code: Code): void {
  let thrown: unknown
  try { fn() } catch (err) { thrown = err }
  expect(CryptoError.is(thrown, code), `expected CryptoError ${code}, got ${String(thrown)}`).toBe(true)
}

const bob = makeResponder('pqxdh-bob')
const alice = generateIdentity({ randomBytes: seededRandom('pqxdh-alice') })

describe('PQXDH agreement', () => {
  it.each([true, false])('both sides derive the same SK and AD (one-time prekey: %s)', (withOneTime) => {
    const session = initiateSession(alice, bob.bundle(withOneTime))
    const accepted = acceptSession(bob.records, session.initialMessage)
    expect(session.sharedSecret).toHaveLength(32)
    expect(accepted.sharedSecret).toEqual(session.sharedSecret)
    expect(accepted.associatedData).toEqual(session.associatedData)
    expect(session.associatedData).toEqual(concatBytes(Uint8Array.of(6), alice.publicKey, Uint8Array.of(6), bob.identity.publicKey))
    expect(accepted.remoteIdentityKey).toEqual(alice.publicKey)
    expect(accepted.consumedOneTimePrekeyId).toBe(withOneTime ? bob.oneTimePrekeys[0].id : undefined)
    // The bundle's pq prekey is the last-resort one: it stays.
    expect(accepted.consumedPqPrekeyId).toBeUndefined()
  })

  it('reports a one-time ML-KEM prekey as consumed', () => {
    const pq = generatePqPrekey(bob.identity, { id: 77, lastResort: false })
    const bundle = createPrekeyBundle(bob.identity, bob.signedPrekey, pq)
    const session = initiateSession(alice, bundle)
    const accepted = acceptSession({ ...bob.records, pqPrekeys: [bob.pqPrekey, pq] }, session.initialMessage)
    expect(accepted.consumedPqPrekeyId).toBe(77)
    expect(accepted.sharedSecret).toEqual(session.sharedSecret)
  })

  it('uses fresh randomness per session', () => {
    const a = initiateSession(alice, bob.bundle())
    const b = initiateSession(alice, bob.bundle())
    expect(a.sharedSecret).not.toEqual(b.sharedSecret)
    expect(a.initialMessage.ephemeralKey).not.toEqual(b.initialMessage.ephemeralKey)
  })

  it('a tampered KEM ciphertext silently yields a different secret (ML-KEM implicit rejection)', () => {
    const session = initiateSession(alice, bob.bundle())
    const tampered = { ...session.initialMessage, kemCiphertext: flip(session.initialMessage.kemCiphertext, 10) }
    expect(acceptSession(bob.records, tampered).sharedSecret).not.toEqual(session.sharedSecret)
  })

  it('generates consecutive one-time prekey ids', () => {
    expect(generateOneTimePrekeys(3, { firstId: 10 }).map((k) => k.id)).toEqual([10, 11, 12])
  })

  describe('key pairs without injected randomness', () => {
    const installed = installedCryptoProviders()
    afterEach(() => { installCryptoProvider(installed) })

    // Importing drawn bytes costs ~10× the backend's generator in node:crypto; every simulated or
    // real device pays it for each prekey it publishes, so fresh keys must come from the generator.
    it('come from the backend generator, and injected randomness still decides the keys', () => {
      const calls = { generated: 0, imported: 0 }
      const real = installed.sync
      installCryptoProvider({
        sync: {
          ...real,
          x25519KeyPair: () => { calls.generated++; return real.x25519KeyPair() },
          x25519PublicKey: (secret) => { calls.imported++; return real.x25519PublicKey(secret) }
        }
      })
      generateOneTimePrekeys(3, { firstId: 1 })
      generateSignedPrekey(alice, { id: 4 })
      expect(calls).toEqual({ generated: 4, imported: 0 })

      const a = generateOneTimePrekeys(2, { firstId: 1, randomBytes: seededRandom('otk') })
      const b = generateOneTimePrekeys(2, { firstId: 1, randomBytes: seededRandom('otk') })
      expect(a.map(k => k.keyPair.publicKey)).toEqual(b.map(k => k.keyPair.publicKey))
      expect(calls.imported).toBe(2 + 2)
    })
  })

  it('takes the libp2p 64-byte Ed25519 private key and refuses a mismatched one', () => {
    const seed = seededRandom('libp2p')(32)
    const raw = concatBytes(seed, ed25519.getPublicKey(seed))
    expect(identityFromLibp2pPrivateKey(raw).publicKey).toEqual(raw.subarray(32))
    expectCode(() => identityFromLibp2pPrivateKey(flip(raw, 40)), CryptoErrorCode.InvalidKey)
  })
})

describe('PQXDH rejects forged or unknown material', () => {
  const bundle = bob.bundle()
  const mallory = makeResponder('mallory', 1)

  it.each<[string, (b: PrekeyBundle) => PrekeyBundle]>([
    ['forged signed-prekey signature', (b) => ({ ...b, signedPrekey: { ...b.signedPrekey, signature: flip(b.signedPrekey.signature, 5) } })],
    ['forged ML-KEM prekey signature', (b) => ({ ...b, pqPrekey: { ...b.pqPrekey, signature: flip(b.pqPrekey.signature, 5) } })],
    ['substituted signed prekey', (b) => ({ ...b, signedPrekey: { ...b.signedPrekey, publicKey: mallory.signedPrekey.keyPair.publicKey } })],
    ['substituted ML-KEM prekey', (b) => ({ ...b, pqPrekey: { ...b.pqPrekey, publicKey: mallory.pqPrekey.keyPair.publicKey } })],
    ['prekeys signed by another identity', (b) => ({ ...b, identityKey: mallory.identity.publicKey })],
    ['signature moved between prekeys', (b) => ({ ...b, pqPrekey: { ...b.pqPrekey, signature: b.signedPrekey.signature } })],
    ['signature without the domain prefix', (b) => ({
      ...b,
      signedPrekey: { ...b.signedPrekey, signature: ed25519.sign(encodeX25519(b.signedPrekey.publicKey), bob.identity.secretKey) }
    })]
  ])('%s → BadSignature', (_, tamper) => {
    expectCode(() => initiateSession(alice, tamper(bundle)), CryptoErrorCode.BadSignature)
  })

  it('a small-order identity key with a trivially "valid" signature → BadSignature (strict RFC 8032)', () => {
    const identityPoint = Uint8Array.of(1, ...new Uint8Array(31))
    const signature = concatBytes(identityPoint, new Uint8Array(32)) // R = identity, S = 0
    const forged = {
      ...bundle,
      identityKey: identityPoint,
      signedPrekey: { ...bundle.signedPrekey, signature },
      pqPrekey: { ...bundle.pqPrekey, signature }
    }
    expectCode(() => initiateSession(alice, forged), CryptoErrorCode.BadSignature)
  })

  it('bad key lengths → Malformed', () => {
    expectCode(() => initiateSession(alice, { ...bundle, identityKey: new Uint8Array(31) }), CryptoErrorCode.Malformed)
    const { initialMessage } = initiateSession(alice, bundle)
    expectCode(() => acceptSession(bob.records, { ...initialMessage, kemCiphertext: new Uint8Array(10) }), CryptoErrorCode.Malformed)
  })

  it('a low-order ephemeral key → InvalidKey', () => {
    const { initialMessage } = initiateSession(alice, bundle)
    expectCode(() => acceptSession(bob.records, { ...initialMessage, ephemeralKey: new Uint8Array(32) }), CryptoErrorCode.InvalidKey)
  })

  it.each([
    ['signed prekey', { signedPrekeyId: 999 }],
    ['one-time prekey', { oneTimePrekeyId: 999 }],
    ['ML-KEM prekey', { pqPrekeyId: 999 }]
  ])('unknown %s id → UnknownPrekey', (_, patch) => {
    const { initialMessage } = initiateSession(alice, bundle)
    expectCode(() => acceptSession(bob.records, { ...initialMessage, ...patch }), CryptoErrorCode.UnknownPrekey)
  })

  it('an already consumed one-time prekey → UnknownPrekey', () => {
    const { initialMessage } = initiateSession(alice, bundle)
    const remaining = bob.records.oneTimePrekeys.filter((k) => k.id !== initialMessage.oneTimePrekeyId)
    expectCode(() => acceptSession({ ...bob.records, oneTimePrekeys: remaining }, initialMessage), CryptoErrorCode.UnknownPrekey)
  })
})

describe('bundle and initial-message encodings', () => {
  const { initialMessage } = initiateSession(alice, bob.bundle())
  const cases = [
    { name: 'bundle', bytes: encodePrekeyBundle(bob.bundle()), decode: decodePrekeyBundle },
    { name: 'bundle without one-time prekey', bytes: encodePrekeyBundle(bob.bundle(false)), decode: decodePrekeyBundle },
    { name: 'initial message', bytes: encodeInitialMessage(initialMessage), decode: decodeInitialMessage }
  ]

  it('round-trip', () => {
    expect(decodePrekeyBundle(encodePrekeyBundle(bob.bundle()))).toEqual(bob.bundle())
    expect(decodePrekeyBundle(encodePrekeyBundle(bob.bundle(false)))).toEqual(bob.bundle(false))
    expect(decodeInitialMessage(encodeInitialMessage(initialMessage))).toEqual(initialMessage)
  })

  it.each(cases)('$name: every truncation, a trailing byte, a bad version and a bad flag → Malformed', ({ bytes, decode }) => {
    for (let length = 0; length < bytes.length; length += length < 80 ? 1 : 97) {
      expectCode(() => decode(bytes.subarray(0, length)), CryptoErrorCode.Malformed)
    }
    expectCode(() => decode(concatBytes(bytes, Uint8Array.of(0))), CryptoErrorCode.Malformed)
    expectCode(() => decode(concatBytes(Uint8Array.of(9), bytes.subarray(1))), CryptoErrorCode.Malformed)
  })

  it('a presence flag other than 0/1 → Malformed', () => {
    const bytes = encodePrekeyBundle(bob.bundle(false))
    const flagAt = 1 + 32 + 4 + 32 + 64
    expect(bytes[flagAt]).toBe(0)
    const bad = bytes.slice()
    bad[flagAt] = 2
    expectCode(() => decodePrekeyBundle(bad), CryptoErrorCode.Malformed)
  })

  it('a decoded forged bundle still fails at initiateSession', () => {
    const bytes = encodePrekeyBundle(bob.bundle())
    const forged = decodePrekeyBundle(flip(bytes, 1 + 32 + 4 + 32 + 3))
    expectCode(() => initiateSession(alice, forged), CryptoErrorCode.BadSignature)
  })
})
