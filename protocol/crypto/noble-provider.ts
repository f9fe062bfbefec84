// The pure-JavaScript backend: the fallback everywhere and the reference the native ones are
// tested against. Constant-time, synchronous, the same bytes in every JavaScript engine.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { CryptoProviderError, checkSharedSecret } from './provider-types.ts'
import type { CryptoProvider } from './provider-types.ts'

/**
 * Strict RFC 8032 public key: canonical encoding, not of small order. OpenSSL and BoringSSL (hence
 * node:crypto and Chromium's WebCrypto) verify against small-order keys, for which a forger can make
 * a signature valid for any message; native backends run this once per key before trusting it.
 */
export function isStrictEd25519PublicKey (publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder()
  } catch {
    return false
  }
}

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  xchachaEncrypt: (key, nonce, plaintext, ad) => xchacha20poly1305(key, nonce, ad).encrypt(plaintext),
  xchachaDecrypt: (key, nonce, sealed, ad) => {
    try {
      return xchacha20poly1305(key, nonce, ad).decrypt(sealed)
    } catch (err) {
      throw new CryptoProviderError('authentication failed', { cause: err })
    }
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify: (publicKey, message, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false })
    } catch {
      return false
    }
  },
  x25519KeyPair: () => {
    const secretKey = randomBytes(32)
    return { secretKey, publicKey: x25519.getPublicKey(secretKey) }
  },
  x25519PublicKey: (secretKey) => x25519.getPublicKey(secretKey),
  x25519: (secretKey, publicKey) => {
    let shared: Uint8Array
    try {
      shared = x25519.getSharedSecret(secretKey, publicKey)
    } catch (err) {
      throw new CryptoProviderError('X25519 with an invalid key', { cause: err })
    }
    return checkSharedSecret(shared)
  }
}
