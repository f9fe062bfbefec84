/**
 * Independent reference primitives for generating known-answer vectors: node:crypto (OpenSSL) for
 * X25519, Ed25519, HKDF, HMAC, SHA-2 and ChaCha20-Poly1305, plus a from-the-draft HChaCha20 and a
 * BigInt Ed25519→X25519 map. Nothing here imports the code under test or @noble/curves/hashes/ciphers.
 */
import * as nodeCrypto from 'node:crypto'

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
export const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
export const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))

const X25519_PKCS8 = unhex('302e020100300506032b656e04220420')
const X25519_SPKI = unhex('302a300506032b656e032100')
const ED25519_PKCS8 = unhex('302e020100300506032b657004220420')

function rawPublic (key: nodeCrypto.KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' })
  return new Uint8Array(der.subarray(der.length - 32))
}

export function x25519Public (secret: Uint8Array): Uint8Array {
  const key = nodeCrypto.createPrivateKey({ key: Buffer.from(concat(X25519_PKCS8, secret)), format: 'der', type: 'pkcs8' })
  return rawPublic(nodeCrypto.createPublicKey(key))
}

export function x25519 (secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const privateKey = nodeCrypto.createPrivateKey({ key: Buffer.from(concat(X25519_PKCS8, secret)), format: 'der', type: 'pkcs8' })
  const pub = nodeCrypto.createPublicKey({ key: Buffer.from(concat(X25519_SPKI, publicKey)), format: 'der', type: 'spki' })
  return new Uint8Array(nodeCrypto.diffieHellman({ privateKey, publicKey: pub }))
}

function ed25519Key (seed: Uint8Array): nodeCrypto.KeyObject {
  return nodeCrypto.createPrivateKey({ key: Buffer.from(concat(ED25519_PKCS8, seed)), format: 'der', type: 'pkcs8' })
}

export function ed25519Public (seed: Uint8Array): Uint8Array {
  return rawPublic(nodeCrypto.createPublicKey(ed25519Key(seed)))
}

export function ed25519Sign (seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.sign(null, message, ed25519Key(seed)))
}

export function sha256 (data: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.createHash('sha256').update(data).digest())
}

export function sha512 (data: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.createHash('sha512').update(data).digest())
}

export function hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.createHmac('sha256', key).update(data).digest())
}

export function hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(nodeCrypto.hkdfSync('sha256', ikm, salt, info, length))
}

/** X25519 secret of an Ed25519 seed: the first half of SHA-512(seed) (X25519 clamps it itself). */
export function ed25519SeedToX25519 (seed: Uint8Array): Uint8Array {
  return sha512(seed).slice(0, 32)
}

/** The birational map u = (1 + y) / (1 - y) mod p, from the RFC 7748 §4.1 equivalence. */
export function ed25519PublicToX25519 (publicKey: Uint8Array): Uint8Array {
  const p = 2n ** 255n - 19n
  const le = Uint8Array.from(publicKey)
  le[31] &= 0x7f
  const y = BigInt('0x' + hex(le.reverse()))
  const mod = (a: bigint): bigint => ((a % p) + p) % p
  const pow = (b: bigint, e: bigint): bigint => {
    let r = 1n
    for (b = mod(b); e > 0n; e >>= 1n, b = mod(b * b)) if ((e & 1n) === 1n) r = mod(r * b)
    return r
  }
  const u = mod((1n + y) * pow(1n - y, p - 2n))
  return unhex(u.toString(16).padStart(64, '0')).reverse()
}

/** HChaCha20 from draft-irtf-cfrg-xchacha-03 §2.2: 20 ChaCha rounds, output words 0–3 and 12–15. */
export function hchacha20 (key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const words = (b: Uint8Array): number[] => Array.from({ length: b.length / 4 }, (_, i) => Buffer.from(b).readUInt32LE(i * 4))
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...words(key), ...words(nonce16)]
  const rotl = (v: number, c: number): number => ((v << c) | (v >>> (32 - c))) >>> 0
  const qr = (a: number, b: number, c: number, d: number): void => {
    s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 7)
  }
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
  }
  const out = Buffer.alloc(32)
  ;[0, 1, 2, 3, 12, 13, 14, 15].forEach((w, i) => out.writeUInt32LE(s[w], i * 4))
  return new Uint8Array(out)
}

/** XChaCha20-Poly1305 = ChaCha20-Poly1305 (OpenSSL) under the HChaCha20 subkey, nonce 0^4 || n[16..24]. */
export function xchacha20poly1305Encrypt (key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const subkey = hchacha20(key, nonce.subarray(0, 16))
  const cipher = nodeCrypto.createCipheriv('chacha20-poly1305', subkey, concat(new Uint8Array(4), nonce.subarray(16)), { authTagLength: 16 })
  cipher.setAAD(ad, { plaintextLength: plaintext.length })
  return concat(cipher.update(plaintext), cipher.final(), cipher.getAuthTag())
}

/** Fixed "randomness" for vectors: SHA-256 of a label, stretched with a counter when longer. */
export function fixedBytes (label: string, length: number): Uint8Array {
  const parts: Uint8Array[] = []
  for (let i = 0; parts.length * 32 < length; i++) parts.push(sha256(utf8(`babacloud-vector:${label}:${i}`)))
  return concat(...parts).slice(0, length)
}

export function u32be (v: number): Uint8Array {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(v)
  return new Uint8Array(b)
}

export function u16be (v: number): Uint8Array {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(v)
  return new Uint8Array(b)
}
