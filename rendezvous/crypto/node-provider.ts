// The node:crypto backend (OpenSSL): Ed25519, X25519, SHA-256, HMAC, HKDF and ChaCha20-Poly1305 in
// native code, synchronous like the @noble one it replaces. XChaCha20 is not in OpenSSL: its
// HChaCha20 subkey step (one ChaCha block) stays @noble, the bulk cipher and MAC run natively.
// Lives in rendezvous/ so both the rendezvous node and the CLI (node/ imports rendezvous/) install it.
import {
  createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey,
  diffieHellman, randomBytes, sign, verify
} from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { hchacha } from '@noble/ciphers/chacha.js'
import { isStrictEd25519PublicKey } from '../../protocol/crypto/noble-provider.ts'
import { CryptoProviderError, checkSharedSecret } from '../../protocol/crypto/provider-types.ts'
import type { CryptoProvider } from '../../protocol/crypto/provider-types.ts'

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SIGMA = new Uint32Array(new Uint8Array(Buffer.from('expand 32-byte k', 'latin1')).buffer)
const PUBLIC_CACHE_SIZE = 1024

// Key import dominates small operations (a private import recomputes the public key). Secrets are
// cached by the identity of their byte array, so a KeyObject lives no longer than the bytes it came
// from and a deleted ratchet key leaves nothing behind; public keys by value, in a bounded map.
const privateKeys = { ed25519: new WeakMap<Uint8Array, KeyObject>(), x25519: new WeakMap<Uint8Array, KeyObject>() }
const publicKeys = new Map<string, KeyObject | null>()
// In front of it, by array identity: a ratchet step uses the peer's new key twice, from one array.
// The entry keeps a copy of the bytes it was made from, so an array rewritten in place misses.
interface ByArray { raw: Uint8Array, key: KeyObject | null }
const publicByArray = { Ed25519: new WeakMap<Uint8Array, ByArray>(), X25519: new WeakMap<Uint8Array, ByArray>() }

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function privateKey (type: 'ed25519' | 'x25519', secret: Uint8Array): KeyObject {
  let key = privateKeys[type].get(secret)
  if (key === undefined) {
    if (secret.length !== 32) throw new CryptoProviderError(`${type} secret key must be 32 bytes`)
    key = createPrivateKey({ key: Buffer.concat([type === 'ed25519' ? ED25519_PKCS8 : X25519_PKCS8, secret]), format: 'der', type: 'pkcs8' })
    privateKeys[type].set(secret, key)
  }
  return key
}

/** null for an Ed25519 key strict RFC 8032 refuses (remembered, so it costs one check). */
function publicKey (crv: 'Ed25519' | 'X25519', raw: Uint8Array): KeyObject | null {
  const known = publicByArray[crv].get(raw)
  if (known !== undefined && sameBytes(known.raw, raw)) return known.key
  const id = crv + Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
  let key = publicKeys.get(id)
  if (key === undefined) {
    key = crv === 'Ed25519' && !isStrictEd25519PublicKey(raw)
      ? null
      : createPublicKey({ key: { kty: 'OKP', crv, x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
    if (publicKeys.size >= PUBLIC_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value as string)
    publicKeys.set(id, key)
  }
  publicByArray[crv].set(raw, { raw: raw.slice(), key })
  return key
}

// A key that generateKeyPairSync made is never exported as JWK: Node 20 exports it holding the key's
// lock, and a garbage collection in that export may run the generation job's destructor, which takes
// the same lock (a deadlock seen within a few thousand pairs). Keys imported from bytes have no job.
/** The raw public half of an imported private key: its JWK carries it (measured cheapest). */
function rawPublic (key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url'))
}

// Node derives the public half from `d` on import; `x` must be present but is not read.
const UNREAD_X = Buffer.alloc(32).toString('base64url')

/** A new X25519 key object from a fresh random secret: imported, not generated (see above). */
function freshX25519 (): { secretKey: Uint8Array, key: KeyObject } {
  const secretKey = new Uint8Array(randomBytes(32))
  let key: KeyObject
  try {
    key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(secretKey).toString('base64url'), x: UNREAD_X }, format: 'jwk' })
  } catch {
    key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, secretKey]), format: 'der', type: 'pkcs8' })
  }
  return { secretKey, key }
}

function bytes (b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

function hmac (key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key)
  for (const part of parts) h.update(part)
  return h.digest()
}

/**
 * HKDF-SHA256 (RFC 5869) over createHmac: `hkdfSync` wraps its key material in a KeyObject and
 * validates in JavaScript on every call, which cost 3× the three HMACs of a 64-byte output.
 */
function hkdf (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) throw new CryptoProviderError('HKDF-SHA256 output length out of range')
  // An empty salt is HashLen zero bytes, which HMAC's zero padding makes the same key.
  const prk = hmac(salt, ikm)
  const out = new Uint8Array(length)
  let block: Uint8Array = new Uint8Array(0)
  const counter = new Uint8Array(1)
  for (let offset = 0, i = 1; offset < length; offset += 32, i++) {
    counter[0] = i
    block = hmac(prk, block, info, counter)
    out.set(length - offset >= 32 ? block : block.subarray(0, length - offset), offset)
  }
  return out
}

/** A Uint32Array over `b`'s bytes: a view when aligned (fresh arrays are), else a copy. */
function words (b: Uint8Array): Uint32Array {
  return b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Uint32Array(Uint8Array.from(b).buffer)
}

/** XChaCha20 = ChaCha20 with the HChaCha20 subkey and the nonce's last 8 bytes (draft-irtf-cfrg-xchacha). */
function subkey (key: Uint8Array, nonce: Uint8Array): { key: Uint8Array, iv: Uint8Array } {
  if (key.length !== 32) throw new CryptoProviderError('XChaCha20-Poly1305 key must be 32 bytes')
  if (nonce.length !== 24) throw new CryptoProviderError('XChaCha20-Poly1305 nonce must be 24 bytes')
  const out = new Uint32Array(8)
  // The inputs may be Buffers or views at any offset (Buffer#slice is a view): copy only those.
  hchacha(SIGMA, words(key), words(nonce.subarray(0, 16)), out)
  const iv = new Uint8Array(12)
  iv.set(nonce.subarray(16), 4)
  return { key: new Uint8Array(out.buffer), iv }
}

export const nodeProvider: CryptoProvider = {
  name: 'node',
  sha256: (data) => bytes(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => bytes(createHmac('sha256', key).update(data).digest()),
  hkdfSha256: hkdf,
  xchachaEncrypt: (key, nonce, plaintext, ad) => {
    const sub = subkey(key, nonce)
    const cipher = createCipheriv('chacha20-poly1305', sub.key, sub.iv, { authTagLength: 16 })
    if (ad !== undefined) cipher.setAAD(ad, { plaintextLength: plaintext.length })
    // One output buffer: ChaCha20 is a stream cipher, update() returns every byte and final() none.
    const sealed = new Uint8Array(plaintext.length + 16)
    sealed.set(cipher.update(plaintext))
    cipher.final()
    sealed.set(cipher.getAuthTag(), plaintext.length)
    return sealed
  },
  xchachaDecrypt: (key, nonce, sealed, ad) => {
    if (sealed.length < 16) throw new CryptoProviderError('authentication failed: ciphertext too short')
    const sub = subkey(key, nonce)
    const body = sealed.subarray(0, sealed.length - 16)
    try {
      const decipher = createDecipheriv('chacha20-poly1305', sub.key, sub.iv, { authTagLength: 16 })
      if (ad !== undefined) decipher.setAAD(ad, { plaintextLength: body.length })
      decipher.setAuthTag(sealed.subarray(sealed.length - 16))
      return bytes(Buffer.concat([decipher.update(body), decipher.final()]))
    } catch (err) {
      throw new CryptoProviderError('authentication failed', { cause: err })
    }
  },
  ed25519PublicKey: (seed) => rawPublic(privateKey('ed25519', seed)),
  ed25519Sign: (seed, message) => bytes(sign(null, message, privateKey('ed25519', seed))),
  ed25519Verify: (key, message, signature) => {
    if (key.length !== 32 || signature.length !== 64) return false
    try {
      const k = publicKey('Ed25519', key)
      return k !== null && verify(null, message, k, signature)
    } catch {
      return false
    }
  },
  x25519KeyPair: () => {
    const { secretKey, key } = freshX25519()
    privateKeys.x25519.set(secretKey, key)
    return { secretKey, publicKey: rawPublic(key) }
  },
  x25519PublicKey: (secretKey) => rawPublic(privateKey('x25519', secretKey)),
  x25519: (secretKey, key) => {
    if (key.length !== 32) throw new CryptoProviderError('X25519 public key must be 32 bytes')
    let shared: Buffer
    try {
      shared = diffieHellman({ privateKey: privateKey('x25519', secretKey), publicKey: publicKey('X25519', key) as KeyObject })
    } catch (err) {
      throw new CryptoProviderError('X25519 with an invalid key', { cause: err })
    }
    return checkSharedSecret(bytes(shared))
  }
}
