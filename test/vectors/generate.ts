/**
 * Writes the known-answer vectors pqxdh.json, ratchet-kdf.json and safety-number.json from an
 * independent implementation: node:crypto (OpenSSL) through ./reference.ts, never the code under
 * test. The one exception is ML-KEM-768, which Node 20 lacks: keygen/encapsulate come from
 * @noble/post-quantum (a primitive, not our composition; the PQXDH layout around it is rebuilt here).
 *
 *   npx tsx test/vectors/generate.ts        # rewrite the JSON files (then review the git diff)
 *
 * It first checks the reference against the published vectors in primitives.json and refuses to
 * write anything if one fails. Inputs are fixed labels hashed with SHA-256, so reruns are identical.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import * as ref from './reference.ts'
import { concat, fixedBytes, hex, u16be, u32be, unhex, utf8 } from './reference.ts'

const here = (name: string): URL => new URL(`./${name}`, import.meta.url)

function checkReference (): void {
  const v = JSON.parse(readFileSync(here('primitives.json'), 'utf8'))
  const expect = (ok: boolean, what: string): void => { if (!ok) throw new Error(`reference disagrees with ${what}`) }
  for (const c of v.x25519.scalarMult) expect(hex(ref.x25519(unhex(c.scalar), unhex(c.u))) === c.output, 'RFC 7748 §5.2')
  expect(hex(ref.x25519(unhex(v.x25519.dh.alicePrivate), unhex(v.x25519.dh.bobPublic))) === v.x25519.dh.shared, 'RFC 7748 §6.1')
  for (const c of v.hkdfSha256.cases) expect(hex(ref.hkdfSha256(unhex(c.ikm), unhex(c.salt), unhex(c.info), c.length)) === c.okm, 'RFC 5869')
  expect(hex(ref.hmacSha256(unhex(v.hmacSha256.key), unhex(v.hmacSha256.data))) === v.hmacSha256.mac, 'RFC 4231')
  expect(hex(ref.ed25519Sign(unhex(v.ed25519.secret), new Uint8Array())) === v.ed25519.signature, 'RFC 8032')
  expect(hex(ref.hchacha20(unhex(v.hchacha20.key), unhex(v.hchacha20.nonce))) === v.hchacha20.output, 'HChaCha20 draft')
}

// Protocol constants, restated from the design rather than imported, so a typo there shows up here.
const PQXDH_INFO = utf8('BabaCloud_PQXDH_CURVE25519_SHA-256_ML-KEM-768')
const SIGNATURE_CONTEXT = utf8('BabaCloud_PQXDH_Prekey_v1:')
const RATCHET_INFO = utf8('BabaCloud_Ratchet')
const MESSAGE_KEYS_INFO = utf8('BabaCloud_MessageKeys')
const encX = (k: Uint8Array): Uint8Array => concat(Uint8Array.of(0x05), k)
const encEd = (k: Uint8Array): Uint8Array => concat(Uint8Array.of(0x06), k)
const encKem = (k: Uint8Array): Uint8Array => concat(Uint8Array.of(0x0b), k)

function identity (label: string): { seed: Uint8Array, pub: Uint8Array, xSecret: Uint8Array, xPub: Uint8Array } {
  const seed = fixedBytes(label, 32)
  const pub = ref.ed25519Public(seed)
  const xSecret = ref.ed25519SeedToX25519(seed)
  const xPub = ref.ed25519PublicToX25519(pub)
  // Two independent routes to the same X25519 public key: OpenSSL from the secret, BigInt from the point.
  if (hex(ref.x25519Public(xSecret)) !== hex(xPub)) throw new Error('Ed25519→X25519 conversion mismatch')
  return { seed, pub, xSecret, xPub }
}

interface PqxdhVector {
  name: string
  bob: { signedPrekey: { secret: string, [field: string]: unknown }, [field: string]: unknown }
  expected: { sharedSecret: string, associatedData: string, initialMessageBytes: string, [field: string]: unknown }
  [field: string]: unknown
}

function pqxdhCase (name: string, withOneTime: boolean): PqxdhVector {
  const alice = identity('alice-identity')
  const bob = identity('bob-identity')
  const spk = { id: 7, secret: fixedBytes('bob-spk', 32) }
  const spkPub = ref.x25519Public(spk.secret)
  const spkSig = ref.ed25519Sign(bob.seed, concat(SIGNATURE_CONTEXT, encX(spkPub)))
  const opk = { id: 1001, secret: fixedBytes('bob-opk', 32) }
  const opkPub = ref.x25519Public(opk.secret)
  const pqSeed = fixedBytes('bob-pq', 64)
  const pq = ml_kem768.keygen(pqSeed)
  const pqId = 42
  const pqSig = ref.ed25519Sign(bob.seed, concat(SIGNATURE_CONTEXT, encKem(pq.publicKey)))

  const ekSecret = fixedBytes(`${name}-alice-ephemeral`, 32)
  const ekPub = ref.x25519Public(ekSecret)
  const kemRandomness = fixedBytes(`${name}-alice-kem`, 32)
  const { cipherText, sharedSecret: ss } = ml_kem768.encapsulate(pq.publicKey, kemRandomness)
  if (hex(ml_kem768.decapsulate(cipherText, pq.secretKey)) !== hex(ss)) throw new Error('ML-KEM round trip failed')

  const dh1 = ref.x25519(alice.xSecret, spkPub)
  const dh2 = ref.x25519(ekSecret, bob.xPub)
  const dh3 = ref.x25519(ekSecret, spkPub)
  const dh4 = withOneTime ? ref.x25519(ekSecret, opkPub) : new Uint8Array()
  if (hex(ref.x25519(spk.secret, alice.xPub)) !== hex(dh1)) throw new Error('DH1 not symmetric')
  const km = concat(new Uint8Array(32).fill(0xff), dh1, dh2, dh3, dh4, ss)
  const sharedSecret = ref.hkdfSha256(km, new Uint8Array(32), PQXDH_INFO, 32)
  const associatedData = concat(encEd(alice.pub), encEd(bob.pub))

  const bundleBytes = concat(Uint8Array.of(1), bob.pub, u32be(spk.id), spkPub, spkSig,
    withOneTime ? concat(Uint8Array.of(1), u32be(opk.id), opkPub) : Uint8Array.of(0),
    u32be(pqId), pq.publicKey, pqSig)
  const initialMessageBytes = concat(Uint8Array.of(1), alice.pub, ekPub, u32be(spk.id),
    withOneTime ? concat(Uint8Array.of(1), u32be(opk.id)) : Uint8Array.of(0), u32be(pqId), cipherText)

  return {
    name,
    alice: { identitySeed: hex(alice.seed), identityPublic: hex(alice.pub), identityX25519Public: hex(alice.xPub) },
    bob: {
      identitySeed: hex(bob.seed),
      identityPublic: hex(bob.pub),
      identityX25519Public: hex(bob.xPub),
      signedPrekey: { id: spk.id, secret: hex(spk.secret), public: hex(spkPub), signature: hex(spkSig) },
      oneTimePrekey: withOneTime ? { id: opk.id, secret: hex(opk.secret), public: hex(opkPub) } : null,
      pqPrekey: { id: pqId, seed: hex(pqSeed), public: hex(pq.publicKey), signature: hex(pqSig) }
    },
    initiatorRandomness: { ephemeralSecret: hex(ekSecret), kemRandomness: hex(kemRandomness) },
    expected: {
      ephemeralPublic: hex(ekPub),
      dh1: hex(dh1),
      dh2: hex(dh2),
      dh3: hex(dh3),
      dh4: withOneTime ? hex(dh4) : null,
      kemCiphertext: hex(cipherText),
      kemSharedSecret: hex(ss),
      sharedSecret: hex(sharedSecret),
      associatedData: hex(associatedData),
      bundleBytes: hex(bundleBytes),
      initialMessageBytes: hex(initialMessageBytes)
    }
  }
}

const kdfRk = (rk: Uint8Array, dhOut: Uint8Array): [Uint8Array, Uint8Array] => {
  const out = ref.hkdfSha256(dhOut, rk, RATCHET_INFO, 64)
  return [out.slice(0, 32), out.slice(32)]
}
const kdfCk = (ck: Uint8Array): [Uint8Array, Uint8Array] =>
  [ref.hmacSha256(ck, Uint8Array.of(2)), ref.hmacSha256(ck, Uint8Array.of(1))]
const messageKeys = (mk: Uint8Array): [Uint8Array, Uint8Array] => {
  const out = ref.hkdfSha256(mk, new Uint8Array(32), MESSAGE_KEYS_INFO, 56)
  return [out.slice(0, 32), out.slice(32)]
}
const seal = (mk: Uint8Array, ad: Uint8Array, pt: Uint8Array): Uint8Array => {
  const [key, nonce] = messageKeys(mk)
  return ref.xchacha20poly1305Encrypt(key, nonce, ad, pt)
}

/** A minimal in-order Double Ratchet (spec §3.3–3.5 without skipping) for the conversation vector. */
interface Party { rk: Uint8Array, dhs: Uint8Array, dhsPub: Uint8Array, dhr?: Uint8Array, cks?: Uint8Array, ckr?: Uint8Array, ns: number, nr: number, pn: number, randomness: Uint8Array[] }

function newRatchetKey (p: Party): Uint8Array {
  const secret = fixedBytes(`ratchet-${p.randomness.length}-${hex(p.dhsPub).slice(0, 8)}`, 32)
  p.randomness.push(secret)
  return secret
}

interface Step { plaintext: string, header: { dh: string, pn: number, n: number }, headerBytes: string, messageKey: string, ciphertext: string }

function send (p: Party, ad: Uint8Array, text: string): Step {
  if (p.cks === undefined) throw new Error('no sending chain')
  const [cks, mk] = kdfCk(p.cks)
  p.cks = cks
  const headerBytes = concat(p.dhsPub, u32be(p.pn), u32be(p.ns))
  const step = { plaintext: text, header: { dh: hex(p.dhsPub), pn: p.pn, n: p.ns }, headerBytes: hex(headerBytes), messageKey: hex(mk), ciphertext: hex(seal(mk, concat(ad, headerBytes), utf8(text))) }
  p.ns++
  return step
}

function receive (p: Party, header: { dh: string, n: number }): void {
  if (p.dhr === undefined || hex(p.dhr) !== header.dh) {
    p.pn = p.ns; p.ns = 0; p.nr = 0; p.dhr = unhex(header.dh)
    ;[p.rk, p.ckr] = kdfRk(p.rk, ref.x25519(p.dhs, p.dhr))
    p.dhs = newRatchetKey(p); p.dhsPub = ref.x25519Public(p.dhs)
    ;[p.rk, p.cks] = kdfRk(p.rk, ref.x25519(p.dhs, p.dhr))
  }
  if (p.ckr === undefined || header.n !== p.nr) throw new Error('script must deliver in order')
  p.ckr = kdfCk(p.ckr)[0]
  p.nr++
}

function conversation (pqxdh: PqxdhVector): Record<string, unknown> {
  const sk = unhex(pqxdh.expected.sharedSecret)
  const ad = unhex(pqxdh.expected.associatedData)
  const bobSpk = unhex(pqxdh.bob.signedPrekey.secret)
  const alice: Party = { rk: sk, dhs: new Uint8Array(), dhsPub: new Uint8Array(4), ns: 0, nr: 0, pn: 0, randomness: [] }
  alice.dhs = newRatchetKey(alice); alice.dhsPub = ref.x25519Public(alice.dhs)
  alice.dhr = ref.x25519Public(bobSpk)
  ;[alice.rk, alice.cks] = kdfRk(sk, ref.x25519(alice.dhs, alice.dhr))
  const bob: Party = { rk: sk, dhs: bobSpk, dhsPub: ref.x25519Public(bobSpk), ns: 0, nr: 0, pn: 0, randomness: [] }

  const script: Array<['alice' | 'bob', string]> = [
    ['alice', 'hello bob'], ['alice', 'are you there?'], ['bob', 'hi alice'], ['bob', ''],
    ['alice', 'new chain after DH ratchet'], ['bob', 'and another one']
  ]
  const steps = script.map(([from, text]) => {
    const [sender, receiver] = from === 'alice' ? [alice, bob] : [bob, alice]
    const step = send(sender, ad, text)
    receive(receiver, step.header)
    return { from, ...step }
  })
  // SessionCipher wire bytes of Alice's first message: a prekey message carrying the initial message.
  const initial = unhex(pqxdh.expected.initialMessageBytes)
  const first = steps[0]
  const firstWire = concat(Uint8Array.of(1, 2), u16be(initial.length), initial, unhex(first.headerBytes), unhex(first.ciphertext))
  return {
    pqxdhCase: pqxdh.name,
    sharedSecret: hex(sk),
    associatedData: hex(ad),
    bobRatchetSecret: hex(bobSpk),
    aliceRandomness: alice.randomness.map(hex),
    bobRandomness: bob.randomness.map(hex),
    steps,
    firstMessageWire: hex(firstWire)
  }
}

function kdfVectors (pqxdh: PqxdhVector): Record<string, unknown> {
  const rkCases = [0, 1].map((i) => {
    const rk = fixedBytes(`kdf-rk-${i}`, 32)
    const dhOutput = fixedBytes(`kdf-dh-${i}`, 32)
    const [newRootKey, chainKey] = kdfRk(rk, dhOutput)
    return { rootKey: hex(rk), dhOutput: hex(dhOutput), newRootKey: hex(newRootKey), chainKey: hex(chainKey) }
  })
  let ck = fixedBytes('kdf-ck', 32)
  const ckChain = [0, 1, 2].map(() => {
    const [next, mk] = kdfCk(ck)
    const step = { chainKey: hex(ck), messageKey: hex(mk), nextChainKey: hex(next) }
    ck = next
    return step
  })
  const encrypt = [0, 100].map((length) => {
    const mk = fixedBytes(`enc-mk-${length}`, 32)
    const [aeadKey, nonce] = messageKeys(mk)
    const ad = fixedBytes(`enc-ad-${length}`, 106)
    const plaintext = fixedBytes(`enc-pt-${length}`, length)
    return { messageKey: hex(mk), aeadKey: hex(aeadKey), nonce: hex(nonce), associatedData: hex(ad), plaintext: hex(plaintext), ciphertext: hex(seal(mk, ad, plaintext)) }
  })
  return { kdfRk: rkCases, kdfCk: ckChain, encrypt, conversation: conversation(pqxdh) }
}

function safetyNumberVector (): Record<string, unknown> {
  const digits = (key: Uint8Array, id: string): string => {
    let hash = concat(Uint8Array.of(0, 0), key, utf8(id))
    for (let i = 0; i < 5200; i++) hash = ref.sha512(concat(hash, key))
    return [0, 1, 2, 3, 4, 5].map((c) => (BigInt('0x' + hex(hash.slice(c * 5, c * 5 + 5))) % 100000n).toString().padStart(5, '0')).join('')
  }
  const a = { key: ref.ed25519Public(fixedBytes('alice-identity', 32)), id: '12D3KooWAliceExamplePeerId' }
  const b = { key: ref.ed25519Public(fixedBytes('bob-identity', 32)), id: '12D3KooWBobExamplePeerId' }
  const [da, db] = [digits(a.key, a.id), digits(b.key, b.id)]
  return {
    identityKeyA: hex(a.key), idA: a.id, identityKeyB: hex(b.key), idB: b.id,
    digitsA: da, digitsB: db, safetyNumber: da <= db ? da + db : db + da
  }
}

function write (name: string, description: string, body: Record<string, unknown>): void {
  writeFileSync(here(name), JSON.stringify({ description, generator: 'test/vectors/generate.ts', ...body }, null, 2) + '\n')
  console.log(`wrote test/vectors/${name}`)
}

checkReference()
const withOneTime = pqxdhCase('with-one-time-prekey', true)
const withoutOneTime = pqxdhCase('without-one-time-prekey', false)
write('pqxdh.json', 'PQXDH known answers: prekey generation, bundle and initial-message bytes, DH1-DH4, ML-KEM, SK, AD.',
  { cases: [withOneTime, withoutOneTime] })
write('ratchet-kdf.json', 'Double Ratchet known answers: KDF_RK, KDF_CK, message-key expansion + XChaCha20-Poly1305, and an in-order conversation starting from the first PQXDH case.',
  kdfVectors(withOneTime))
write('safety-number.json', 'Safety number (Signal numeric fingerprint v0, 5200 SHA-512 iterations) for the PQXDH identities.',
  safetyNumberVector())
