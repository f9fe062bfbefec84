/**
 * The Double Ratchet's KDF chains and ENCRYPT/DECRYPT (spec §3.1, §5.2).
 *
 * ENCRYPT uses XChaCha20-Poly1305 instead of the spec's AES-256-CBC + HMAC-SHA256 (the spec allows
 * any AEAD): one primitive with no padding or MAC-then-decrypt ordering to get wrong, constant-time
 * in pure JavaScript (no AES table lookups), the same @noble code in browsers and Node, and a
 * 24-byte nonce that can simply be taken from the HKDF output. Each message key encrypts exactly one
 * message, so the derived (key, nonce) pair is never reused.
 *
 * Each computation is written once as steps (a generator that yields every backend call) and run
 * on either kind of backend: a synchronous one (node:crypto, @noble) directly, call after call; an
 * asynchronous one (WebCrypto) by awaiting each call. A step sees a failed call as a throw at its
 * `yield` either way. The exported functions are async, as before, and pick the runner.
 */
import { asyncCryptoProvider, syncBackendOf } from '../provider.ts'
import type { AsyncCryptoProvider, CryptoProvider } from '../provider.ts'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import type { KeyPair, RandomOptions } from '../x3dh/keys.ts'
import {
  CHAIN_KEY_SEED, KEY_LENGTH, MESSAGE_KEY_SEED, MESSAGE_KEYS_INFO, RATCHET_INFO, XCHACHA_NONCE_LENGTH
} from './constants.ts'

/** A backend of either kind: its calls return values or promises of them. */
export type Backend = CryptoProvider | AsyncCryptoProvider

/** A computation that yields each backend call's result (value or promise) and is resumed with its value. */
export type Steps<T> = Generator<unknown, T, unknown>

function runSync<T> (steps: Steps<T>): T {
  let r = steps.next()
  while (r.done !== true) r = steps.next(r.value)
  return r.value
}

async function runAsync<T> (steps: Steps<T>): Promise<T> {
  let r = steps.next()
  while (r.done !== true) {
    let value: unknown
    try {
      value = await r.value
    } catch (err) {
      r = steps.throw(err)
      continue
    }
    r = steps.next(value)
  }
  return r.value
}

/** Runs `make`'s steps on `crypto`: directly when it is a synchronous backend in promise form. */
export async function runSteps<T> (crypto: AsyncCryptoProvider, make: (backend: Backend) => Steps<T>): Promise<T> {
  const sync = syncBackendOf(crypto)
  return sync !== undefined ? runSync(make(sync)) : await runAsync(make(crypto))
}

/** X25519 that refuses bad lengths and low-order points with a typed error (as x3dh's dh does). */
export function * dhSteps (secretKey: Uint8Array, publicKey: Uint8Array, c: Backend): Steps<Uint8Array> {
  if (publicKey.length !== KEY_LENGTH) throw new CryptoError(CryptoErrorCode.InvalidKey, 'X25519 public key must be 32 bytes')
  try {
    return (yield c.x25519(secretKey, publicKey)) as Uint8Array
  } catch (err) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'X25519 with a low-order or invalid public key', { cause: err })
  }
}

/** Platform randomness takes the backend's native key generation; injected randomness imports it. */
export function * keyPairSteps (options: RandomOptions, c: Backend): Steps<KeyPair> {
  if (options.randomBytes === undefined) return (yield c.x25519KeyPair()) as KeyPair
  const secretKey = options.randomBytes(KEY_LENGTH)
  if (secretKey.length !== KEY_LENGTH) throw new RangeError(`randomBytes returned ${secretKey.length} bytes, wanted ${KEY_LENGTH}`)
  return { publicKey: (yield c.x25519PublicKey(secretKey)) as Uint8Array, secretKey }
}

export function * kdfRkSteps (rootKey: Uint8Array, dhOutput: Uint8Array, c: Backend): Steps<{ rootKey: Uint8Array, chainKey: Uint8Array }> {
  const out = (yield c.hkdfSha256(dhOutput, rootKey, RATCHET_INFO, 2 * KEY_LENGTH)) as Uint8Array
  return { rootKey: out.slice(0, KEY_LENGTH), chainKey: out.slice(KEY_LENGTH) }
}

export function * kdfCkSteps (chainKey: Uint8Array, c: Backend): Steps<{ chainKey: Uint8Array, messageKey: Uint8Array }> {
  const next = (yield c.hmacSha256(chainKey, CHAIN_KEY_SEED)) as Uint8Array
  const messageKey = (yield c.hmacSha256(chainKey, MESSAGE_KEY_SEED)) as Uint8Array
  return { chainKey: next, messageKey }
}

function * messageKeysSteps (messageKey: Uint8Array, c: Backend): Steps<{ key: Uint8Array, nonce: Uint8Array }> {
  const out = (yield c.hkdfSha256(messageKey, new Uint8Array(32), MESSAGE_KEYS_INFO, KEY_LENGTH + XCHACHA_NONCE_LENGTH)) as Uint8Array
  return { key: out.slice(0, KEY_LENGTH), nonce: out.slice(KEY_LENGTH) }
}

export function * sealSteps (messageKey: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array, c: Backend): Steps<Uint8Array> {
  const { key, nonce } = yield * messageKeysSteps(messageKey, c)
  return (yield c.xchachaEncrypt(key, nonce, plaintext, associatedData)) as Uint8Array
}

export function * openSteps (messageKey: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array, c: Backend): Steps<Uint8Array> {
  const { key, nonce } = yield * messageKeysSteps(messageKey, c)
  try {
    return (yield c.xchachaDecrypt(key, nonce, ciphertext, associatedData)) as Uint8Array
  } catch (err) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'message authentication failed', { cause: err })
  }
}

/** KDF_RK(rk, dh_out) = HKDF-SHA256(salt = rk, IKM = dh_out, info), split into (rk', ck). */
export async function kdfRk (rootKey: Uint8Array, dhOutput: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ rootKey: Uint8Array, chainKey: Uint8Array }> {
  return await runSteps(crypto, c => kdfRkSteps(rootKey, dhOutput, c))
}

/** KDF_CK(ck) = (HMAC(ck, 0x02), HMAC(ck, 0x01)): next chain key and this step's message key. */
export async function kdfCk (chainKey: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ chainKey: Uint8Array, messageKey: Uint8Array }> {
  return await runSteps(crypto, c => kdfCkSteps(chainKey, c))
}

/** HKDF(IKM = mk, salt = 0^32, info) → 32-byte AEAD key || 24-byte nonce, as the spec's ENCRYPT does. */
export async function messageKeys (messageKey: Uint8Array, crypto = asyncCryptoProvider()): Promise<{ key: Uint8Array, nonce: Uint8Array }> {
  return await runSteps(crypto, c => messageKeysSteps(messageKey, c))
}

export async function seal (messageKey: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array, crypto = asyncCryptoProvider()): Promise<Uint8Array> {
  return await runSteps(crypto, c => sealSteps(messageKey, plaintext, associatedData, c))
}

export async function open (messageKey: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array, crypto: AsyncCryptoProvider = asyncCryptoProvider()): Promise<Uint8Array> {
  return await runSteps(crypto, c => openSteps(messageKey, ciphertext, associatedData, c))
}
