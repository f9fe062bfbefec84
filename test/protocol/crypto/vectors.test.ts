/**
 * Known-answer tests. primitives.json holds published RFC vectors (checked against the @noble
 * primitives we rely on); pqxdh.json, ratchet-kdf.json and safety-number.json were produced once by
 * test/vectors/generate.ts from node:crypto, independently of the code under test.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { extract, hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import primitives from '../../vectors/primitives.json' with { type: 'json' }
import pqxdh from '../../vectors/pqxdh.json' with { type: 'json' }
import ratchet from '../../vectors/ratchet-kdf.json' with { type: 'json' }
import safety from '../../vectors/safety-number.json' with { type: 'json' }
import {
  acceptSession, createPrekeyBundle, decodeInitialMessage, decodePrekeyBundle, encodeInitialMessage, encodePrekeyBundle,
  generateOneTimePrekeys, generatePqPrekey, generateSignedPrekey, identityFromSeed, identityToX25519Public,
  identityToX25519Secret, initiateSession, safetyNumber
} from '../../../protocol/crypto/x3dh/index.ts'
import { SessionCipher, initReceiver, initSender, kdfCk, kdfRk, messageKeys, ratchetDecrypt, ratchetEncrypt } from '../../../protocol/crypto/ratchet/index.ts'
import type { RatchetState } from '../../../protocol/crypto/ratchet/index.ts'
import { dh } from '../../../protocol/crypto/x3dh/keys.ts'
import { CryptoProviderError } from '../../../protocol/crypto/provider.ts'
import { open, seal } from '../../../protocol/crypto/ratchet/kdf.ts'
import { encodeHeader } from '../../../protocol/crypto/ratchet/state.ts'
import { decodeText, hex, queue, text, unhex } from './helpers.ts'
import { BACKENDS, backend } from './backends.ts'
import { useBackend } from './backends.ts'

describe('published primitive vectors', () => {
  it('X25519 matches RFC 7748 §5.2 and §6.1', () => {
    for (const c of primitives.x25519.scalarMult) expect(hex(x25519.scalarMult(unhex(c.scalar), unhex(c.u)))).toBe(c.output)
    const v = primitives.x25519.dh
    expect(hex(x25519.getPublicKey(unhex(v.alicePrivate)))).toBe(v.alicePublic)
    expect(hex(x25519.getPublicKey(unhex(v.bobPrivate)))).toBe(v.bobPublic)
    expect(hex(dh(unhex(v.alicePrivate), unhex(v.bobPublic)))).toBe(v.shared)
    expect(hex(dh(unhex(v.bobPrivate), unhex(v.alicePublic)))).toBe(v.shared)
  })

  it('HKDF-SHA256 matches RFC 5869 (PRK and OKM)', () => {
    for (const c of primitives.hkdfSha256.cases) {
      expect(hex(extract(sha256, unhex(c.ikm), unhex(c.salt)))).toBe(c.prk)
      expect(hex(hkdf(sha256, unhex(c.ikm), unhex(c.salt), unhex(c.info), c.length))).toBe(c.okm)
    }
  })

  it('HMAC-SHA256 matches RFC 4231 and Ed25519 matches RFC 8032', () => {
    const h = primitives.hmacSha256
    expect(hex(hmac(sha256, unhex(h.key), unhex(h.data)))).toBe(h.mac)
    const e = primitives.ed25519
    expect(hex(identityFromSeed(unhex(e.secret)).publicKey)).toBe(e.public)
    expect(hex(ed25519.sign(unhex(e.message), unhex(e.secret)))).toBe(e.signature)
  })
})

describe.each(BACKENDS)('the %s provider on the published vectors', (name) => {
  let b: Awaited<ReturnType<typeof backend>>
  beforeAll(async () => { b = await backend(name) })

  it('X25519: RFC 7748 §6.1 key pairs and shared secret; a low-order point is refused', async () => {
    const v = primitives.x25519.dh
    for (const p of [b.async, b.sync]) {
      expect(hex(await p.x25519PublicKey(unhex(v.alicePrivate)))).toBe(v.alicePublic)
      expect(hex(await p.x25519PublicKey(unhex(v.bobPrivate)))).toBe(v.bobPublic)
      expect(hex(await p.x25519(unhex(v.alicePrivate), unhex(v.bobPublic)))).toBe(v.shared)
      expect(hex(await p.x25519(unhex(v.bobPrivate), unhex(v.alicePublic)))).toBe(v.shared)
      // u = 0 and u = 1 are of low order: the result would be all zeros.
      for (const low of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
        await expect(Promise.resolve().then(async () => await p.x25519(unhex(v.alicePrivate), low))).rejects.toThrow(CryptoProviderError)
      }
    }
    for (const c of primitives.x25519.scalarMult) expect(hex(await b.async.x25519(unhex(c.scalar), unhex(c.u)))).toBe(c.output)
  })

  it('HKDF-SHA256 (RFC 5869), HMAC-SHA256 (RFC 4231), SHA-256', async () => {
    for (const p of [b.async, b.sync]) {
      for (const c of primitives.hkdfSha256.cases) {
        expect(hex(await p.hkdfSha256(unhex(c.ikm), unhex(c.salt), unhex(c.info), c.length))).toBe(c.okm)
      }
      const h = primitives.hmacSha256
      expect(hex(await p.hmacSha256(unhex(h.key), unhex(h.data)))).toBe(h.mac)
      expect(hex(await p.sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    }
  })

  it('Ed25519 (RFC 8032 TEST 1): public key, signature, verification; a changed byte fails', async () => {
    const e = primitives.ed25519
    for (const p of [b.async, b.sync]) {
      expect(hex(await p.ed25519PublicKey(unhex(e.secret)))).toBe(e.public)
      expect(hex(await p.ed25519Sign(unhex(e.secret), unhex(e.message)))).toBe(e.signature)
      expect(await p.ed25519Verify(unhex(e.public), unhex(e.message), unhex(e.signature))).toBe(true)
      const bad = unhex(e.signature)
      bad[5] ^= 1
      expect(await p.ed25519Verify(unhex(e.public), unhex(e.message), bad)).toBe(false)
      expect(await p.ed25519Verify(new Uint8Array(32).fill(0xff), unhex(e.message), unhex(e.signature))).toBe(false)
      // The identity point as key with R = identity, S = 0 "verifies" any message unless small-order
      // keys are refused (OpenSSL and BoringSSL do not refuse them by themselves).
      const identityPoint = Uint8Array.of(1, ...new Uint8Array(31))
      const trivial = Uint8Array.of(...identityPoint, ...new Uint8Array(32))
      expect(await p.ed25519Verify(identityPoint, text('anything'), trivial)).toBe(false)
    }
  })

  it('XChaCha20-Poly1305 on the ratchet vectors; a flipped bit fails authentication', async () => {
    for (const p of [b.async, b.sync]) {
      for (const c of ratchet.encrypt) {
        const [key, nonce] = [unhex(c.aeadKey), unhex(c.nonce)]
        expect(hex(await p.xchachaEncrypt(key, nonce, unhex(c.plaintext), unhex(c.associatedData)))).toBe(c.ciphertext)
        expect(hex(await p.xchachaDecrypt(key, nonce, unhex(c.ciphertext), unhex(c.associatedData)))).toBe(c.plaintext)
        // Inputs as a network stack hands them over: Node Buffers, views at odd offsets.
        const view = (h: string): Uint8Array => Buffer.from('00' + h, 'hex').subarray(1)
        expect(hex(await p.xchachaDecrypt(view(c.aeadKey), view(c.nonce), view(c.ciphertext), view(c.associatedData)))).toBe(c.plaintext)
        expect(hex(await p.xchachaEncrypt(view(c.aeadKey), view(c.nonce), view(c.plaintext), view(c.associatedData)))).toBe(c.ciphertext)
        const bad = unhex(c.ciphertext)
        bad[0] ^= 1
        await expect(Promise.resolve().then(async () => await p.xchachaDecrypt(key, nonce, bad, unhex(c.associatedData)))).rejects.toThrow(CryptoProviderError)
      }
    }
  })
})

describe.each(BACKENDS)('on the %s backend', (name) => {
  useBackend(name)

  describe.each(pqxdh.cases)('PQXDH vector: $name', (v) => {
    const alice = identityFromSeed(unhex(v.alice.identitySeed))
    const bob = identityFromSeed(unhex(v.bob.identitySeed))
    const spk = generateSignedPrekey(bob, { id: v.bob.signedPrekey.id, randomBytes: queue(v.bob.signedPrekey.secret) })
    const opks = v.bob.oneTimePrekey === null
      ? []
      : generateOneTimePrekeys(1, { firstId: v.bob.oneTimePrekey.id, randomBytes: queue(v.bob.oneTimePrekey.secret) })
    const pq = generatePqPrekey(bob, { id: v.bob.pqPrekey.id, randomBytes: queue(v.bob.pqPrekey.seed) })
    const bundle = createPrekeyBundle(bob, spk, pq, opks[0])

    it('step 1: identities and their X25519 forms', () => {
      expect(hex(alice.publicKey)).toBe(v.alice.identityPublic)
      expect(hex(bob.publicKey)).toBe(v.bob.identityPublic)
      expect(hex(identityToX25519Public(bob.publicKey))).toBe(v.bob.identityX25519Public)
      expect(hex(x25519.getPublicKey(identityToX25519Secret(alice)))).toBe(v.alice.identityX25519Public)
    })

    it('step 2: prekeys, signatures and bundle bytes', () => {
      expect(hex(spk.keyPair.publicKey)).toBe(v.bob.signedPrekey.public)
      expect(hex(spk.signature)).toBe(v.bob.signedPrekey.signature)
      if (v.bob.oneTimePrekey !== null) expect(hex(opks[0].keyPair.publicKey)).toBe(v.bob.oneTimePrekey.public)
      expect(hex(pq.keyPair.publicKey)).toBe(v.bob.pqPrekey.public)
      expect(hex(pq.signature)).toBe(v.bob.pqPrekey.signature)
      expect(hex(encodePrekeyBundle(bundle))).toBe(v.expected.bundleBytes)
      expect(decodePrekeyBundle(unhex(v.expected.bundleBytes))).toEqual(bundle)
    })

    it('step 3: the four DH outputs', () => {
      const ek = unhex(v.initiatorRandomness.ephemeralSecret)
      expect(hex(dh(identityToX25519Secret(alice), spk.keyPair.publicKey))).toBe(v.expected.dh1)
      expect(hex(dh(ek, identityToX25519Public(bob.publicKey)))).toBe(v.expected.dh2)
      expect(hex(dh(ek, spk.keyPair.publicKey))).toBe(v.expected.dh3)
      if (v.expected.dh4 !== null) expect(hex(dh(ek, opks[0].keyPair.publicKey))).toBe(v.expected.dh4)
    })

    it('step 4: initiator derives SK, AD and the initial message', () => {
      const random = queue(v.initiatorRandomness.ephemeralSecret, v.initiatorRandomness.kemRandomness)
      const session = initiateSession(alice, bundle, { randomBytes: random })
      expect(random.remaining()).toBe(0)
      expect(hex(session.initialMessage.ephemeralKey)).toBe(v.expected.ephemeralPublic)
      expect(hex(session.initialMessage.kemCiphertext)).toBe(v.expected.kemCiphertext)
      expect(hex(session.sharedSecret)).toBe(v.expected.sharedSecret)
      expect(hex(session.associatedData)).toBe(v.expected.associatedData)
      expect(hex(encodeInitialMessage(session.initialMessage))).toBe(v.expected.initialMessageBytes)
    })

    it('step 5: responder recomputes SK and AD from the initial message bytes', () => {
      const message = decodeInitialMessage(unhex(v.expected.initialMessageBytes))
      const accepted = acceptSession({ identity: bob, signedPrekeys: [spk], oneTimePrekeys: opks, pqPrekeys: [pq] }, message)
      expect(hex(accepted.sharedSecret)).toBe(v.expected.sharedSecret)
      expect(hex(accepted.associatedData)).toBe(v.expected.associatedData)
      expect(accepted.consumedOneTimePrekeyId).toBe(v.bob.oneTimePrekey?.id)
    })
  })

  describe('Double Ratchet KDF vectors', () => {
    it('KDF_RK', async () => {
      for (const c of ratchet.kdfRk) {
        const out = await kdfRk(unhex(c.rootKey), unhex(c.dhOutput))
        expect([hex(out.rootKey), hex(out.chainKey)]).toEqual([c.newRootKey, c.chainKey])
      }
    })

    it('KDF_CK, three steps along one chain', async () => {
      let chainKey: Uint8Array = unhex(ratchet.kdfCk[0].chainKey)
      for (const step of ratchet.kdfCk) {
        expect(hex(chainKey)).toBe(step.chainKey)
        const out = await kdfCk(chainKey)
        expect(hex(out.messageKey)).toBe(step.messageKey)
        expect(hex(out.chainKey)).toBe(step.nextChainKey)
        chainKey = out.chainKey
      }
    })

    it('message key → XChaCha20-Poly1305 key, nonce and ciphertext', async () => {
      for (const c of ratchet.encrypt) {
        const mk = unhex(c.messageKey)
        const keys = await messageKeys(mk)
        expect([hex(keys.key), hex(keys.nonce)]).toEqual([c.aeadKey, c.nonce])
        expect(hex(await seal(mk, unhex(c.plaintext), unhex(c.associatedData)))).toBe(c.ciphertext)
        expect(hex(await open(mk, unhex(c.ciphertext), unhex(c.associatedData)))).toBe(c.plaintext)
      }
    })
  })

  describe('Double Ratchet conversation vector', () => {
    const c = ratchet.conversation
    const bobRatchet = { secretKey: unhex(c.bobRatchetSecret), publicKey: x25519.getPublicKey(unhex(c.bobRatchetSecret)) }

    it('replays the conversation step by step with identical headers and ciphertexts', async () => {
      const aliceRandom = queue(...c.aliceRandomness)
      const bobRandom = queue(...c.bobRandomness)
      const ad = unhex(c.associatedData)
      let alice: RatchetState = await initSender(unhex(c.sharedSecret), bobRatchet.publicKey, ad, { randomBytes: aliceRandom })
      let bob: RatchetState = initReceiver(unhex(c.sharedSecret), bobRatchet, ad)
      for (const step of c.steps) {
        const fromAlice = step.from === 'alice'
        const sent = await ratchetEncrypt(fromAlice ? alice : bob, text(step.plaintext))
        expect({ dh: hex(sent.header.dh), pn: sent.header.pn, n: sent.header.n }).toEqual(step.header)
        expect(hex(encodeHeader(sent.header))).toBe(step.headerBytes)
        expect(hex(sent.ciphertext)).toBe(step.ciphertext)
        const received = await ratchetDecrypt(fromAlice ? bob : alice, sent.header, sent.ciphertext, { randomBytes: fromAlice ? bobRandom : aliceRandom })
        expect(decodeText(received.plaintext)).toBe(step.plaintext)
        if (fromAlice) { alice = sent.state; bob = received.state } else { bob = sent.state; alice = received.state }
      }
      expect([aliceRandom.remaining(), bobRandom.remaining()]).toEqual([0, 0])
    })

    it('SessionCipher produces the same first prekey message on the wire', async () => {
      const v = pqxdh.cases[0]
      const bob = identityFromSeed(unhex(v.bob.identitySeed))
      const sessions = new Map<string, Uint8Array>()
      const cipher = new SessionCipher({
        identity: identityFromSeed(unhex(v.alice.identitySeed)),
        sessionStore: { loadSession: async (p) => sessions.get(p), storeSession: async (p, b) => { sessions.set(p, b) } },
        randomBytes: queue(v.initiatorRandomness.ephemeralSecret, v.initiatorRandomness.kemRandomness, ...c.aliceRandomness)
      })
      await cipher.initSession('bob', decodePrekeyBundle(unhex(v.expected.bundleBytes)))
      expect(hex(bob.publicKey)).toBe(v.bob.identityPublic)
      expect(hex(await cipher.encrypt('bob', text(c.steps[0].plaintext)))).toBe(c.firstMessageWire)
    })
  })
})

describe('safety number vector', () => {
  it('matches the independently computed 60 digits, from either side', () => {
    const [a, b] = [unhex(safety.identityKeyA), unhex(safety.identityKeyB)]
    expect(safetyNumber(a, safety.idA, b, safety.idB)).toBe(safety.safetyNumber)
    expect(safetyNumber(b, safety.idB, a, safety.idA)).toBe(safety.safetyNumber)
    expect(safety.safetyNumber).toHaveLength(60)
  })
})
