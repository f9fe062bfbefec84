/**
 * The Double Ratchet's KDF chains and ENCRYPT/DECRYPT (spec §3.1, §5.2).
 *
 * ENCRYPT uses XChaCha20-Poly1305 instead of the spec's AES-256-CBC + HMAC-SHA256 (the spec allows
 * any AEAD): one primitive with no padding or MAC-then-decrypt ordering to get wrong, constant-time
 * in pure JavaScript (no AES table lookups), the same @noble code in browsers and Node, and a
 * 24-byte nonce that can simply be taken from the HKDF output. Each message key encrypts exactly one
 * message, so the derived (key, nonce) pair is never reused.
 *
 * Async: the primitives come from the installed AsyncCryptoProvider (node:crypto, WebCrypto or
 * @noble), or the one passed in.
 */
import { asyncCryptoProvider } from '../provider.ts'
import type { AsyncCryptoProvider } from '../provider.ts'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import {
  CHAIN_KEY_SEED, KEY_LENGTH, MESSAGE_KEY_SEED, MESSAGE_KEYS_INFO, RATCHET_INFO, XCHACHA_NONCE_LENGTH
} from './constants.ts'

/** KDF_RK(rk, dh_out) = HKDF-SHA256(salt = rk, IKM = dh_out, info), split into (rk', ck). */
export async function kdfRk (rootKey: Uint8Array, dhOutput: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ rootKey: Uint8Array, chainKey: Uint8Array }> {
  const out = await crypto.hkdfSha256(dhOutput, rootKey, RATCHET_INFO, 2 * KEY_LENGTH)
  return { rootKey: out.slice(0, KEY_LENGTH), chainKey: out.slice(KEY_LENGTH) }
}

/** KDF_CK(ck) = (HMAC(ck, 0x02), HMAC(ck, 0x01)): next chain key and this step's message key. */
export async function kdfCk (chainKey: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ chainKey: Uint8Array, messageKey: Uint8Array }> {
  const [next, messageKey] = await Promise.all([crypto.hmacSha256(chainKey, CHAIN_KEY_SEED), crypto.hmacSha256(chainKey, MESSAGE_KEY_SEED)])
  return { chainKey: next, messageKey }
}

/** HKDF(IKM = mk, salt = 0^32, info) → 32-byte AEAD key || 24-byte nonce, as the spec's ENCRYPT does. */
export async function messageKeys (messageKey: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ key: Uint8Array, nonce: Uint8Array }> {
  const out = await crypto.hkdfSha256(messageKey, new Uint8Array(32), MESSAGE_KEYS_INFO, KEY_LENGTH + XCHACHA_NONCE_LENGTH)
  return { key: out.slice(0, KEY_LENGTH), nonce: out.slice(KEY_LENGTH) }
}

export async function seal (messageKey: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array, crypto = asyncCryptoProvider()): Promise<Uint8Array> {
  const { key, nonce } = await messageKeys(messageKey, crypto)
  return await crypto.xchachaEncrypt(key, nonce, plaintext, associatedData)
}

export async function open (messageKey: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array, crypto: AsyncCryptoProvider = asyncCryptoProvider()): Promise<Uint8Array> {
  const { key, nonce } = await messageKeys(messageKey, crypto)
  try {
    return await crypto.xchachaDecrypt(key, nonce, ciphertext, associatedData)
  } catch (err) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'message authentication failed', { cause: err })
  }
}
