/**
 * The Double Ratchet's KDF chains and ENCRYPT/DECRYPT (spec §3.1, §5.2).
 *
 * ENCRYPT uses XChaCha20-Poly1305 instead of the spec's AES-256-CBC + HMAC-SHA256 (the spec allows
 * any AEAD): one primitive with no padding or MAC-then-decrypt ordering to get wrong, constant-time
 * in pure JavaScript (no AES table lookups), the same @noble code in browsers and Node, and a
 * 24-byte nonce that can simply be taken from the HKDF output. Each message key encrypts exactly one
 * message, so the derived (key, nonce) pair is never reused.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import {
  CHAIN_KEY_SEED, KEY_LENGTH, MESSAGE_KEY_SEED, MESSAGE_KEYS_INFO, RATCHET_INFO, XCHACHA_NONCE_LENGTH
} from './constants.ts'

/** KDF_RK(rk, dh_out) = HKDF-SHA256(salt = rk, IKM = dh_out, info), split into (rk', ck). */
export function kdfRk (rootKey: Uint8Array, dhOutput: Uint8Array): { rootKey: Uint8Array, chainKey: Uint8Array } {
  const out = hkdf(sha256, dhOutput, rootKey, RATCHET_INFO, 2 * KEY_LENGTH)
  return { rootKey: out.slice(0, KEY_LENGTH), chainKey: out.slice(KEY_LENGTH) }
}

/** KDF_CK(ck) = (HMAC(ck, 0x02), HMAC(ck, 0x01)): next chain key and this step's message key. */
export function kdfCk (chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return { chainKey: hmac(sha256, chainKey, CHAIN_KEY_SEED), messageKey: hmac(sha256, chainKey, MESSAGE_KEY_SEED) }
}

/** HKDF(IKM = mk, salt = 0^32, info) → 32-byte AEAD key || 24-byte nonce, as the spec's ENCRYPT does. */
export function messageKeys (messageKey: Uint8Array): { key: Uint8Array, nonce: Uint8Array } {
  const out = hkdf(sha256, messageKey, new Uint8Array(32), MESSAGE_KEYS_INFO, KEY_LENGTH + XCHACHA_NONCE_LENGTH)
  return { key: out.slice(0, KEY_LENGTH), nonce: out.slice(KEY_LENGTH) }
}

export function seal (messageKey: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const { key, nonce } = messageKeys(messageKey)
  return xchacha20poly1305(key, nonce, associatedData).encrypt(plaintext)
}

export function open (messageKey: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const { key, nonce } = messageKeys(messageKey)
  try {
    return xchacha20poly1305(key, nonce, associatedData).decrypt(ciphertext)
  } catch (err) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'message authentication failed', { cause: err })
  }
}
