/**
 * Identity and prekey material for PQXDH: generation with injectable randomness, the spec's
 * Encode(PK) functions, and prekey signing/verification with the Ed25519 identity key.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { concatBytes, randomBytes as defaultRandomBytes } from '@noble/hashes/utils.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { cryptoProvider } from '../provider.ts'
import { CryptoError, CryptoErrorCode, wrapCrypto } from './errors.ts'
import {
  ED25519_KEY_LENGTH, KEY_TYPE_ED25519, KEY_TYPE_ML_KEM_768, KEY_TYPE_X25519,
  ML_KEM_768_PUBLIC_KEY_LENGTH, ML_KEM_768_SEED_LENGTH, PREKEY_SIGNATURE_CONTEXT, X25519_KEY_LENGTH
} from './constants.ts'

/** Source of randomness; injected so known-answer tests can fix every random byte. */
export type RandomBytes = (length: number) => Uint8Array

export interface RandomOptions {
  randomBytes?: RandomBytes
}

export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** The device identity: the libp2p Ed25519 key. `secretKey` is the 32-byte RFC 8032 seed. */
export type IdentityKeyPair = KeyPair

export interface SignedPrekeyRecord {
  id: number
  keyPair: KeyPair
  signature: Uint8Array
}

export interface OneTimePrekeyRecord {
  id: number
  keyPair: KeyPair
}

export interface PqPrekeyRecord {
  id: number
  keyPair: KeyPair
  signature: Uint8Array
  /** A last-resort key is reused until rotated; a one-time one is deleted after first use. */
  lastResort: boolean
}

function rng (options: RandomOptions): RandomBytes {
  return options.randomBytes ?? defaultRandomBytes
}

function draw (random: RandomBytes, length: number): Uint8Array {
  const bytes = random(length)
  if (bytes.length !== length) throw new RangeError(`randomBytes returned ${bytes.length} bytes, wanted ${length}`)
  return bytes
}

/** A key id from randomness when the caller does not manage ids; 31 bits so it stays a small int. */
function drawId (random: RandomBytes): number {
  const b = draw(random, 4)
  return ((b[0] & 0x7f) << 24 | b[1] << 16 | b[2] << 8 | b[3]) >>> 0
}

function checkId (id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`prekey id ${id} is not a u32`)
  return id
}

export function identityFromSeed (seed: Uint8Array): IdentityKeyPair {
  if (seed.length !== ED25519_KEY_LENGTH) throw new RangeError('an Ed25519 seed is 32 bytes')
  const secretKey = seed.slice()
  return { publicKey: cryptoProvider().ed25519PublicKey(secretKey), secretKey }
}

/**
 * From libp2p's raw Ed25519 private key (`privateKey.raw`: seed || public key, 64 bytes). The public
 * half is recomputed and compared, so a mismatched key pair is refused rather than silently used.
 */
export function identityFromLibp2pPrivateKey (raw: Uint8Array): IdentityKeyPair {
  if (raw.length !== 64) throw new CryptoError(CryptoErrorCode.InvalidKey, 'libp2p Ed25519 private key must be 64 bytes')
  const identity = identityFromSeed(raw.subarray(0, 32))
  if (!equalBytes(identity.publicKey, raw.subarray(32))) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'libp2p private key: public half does not match the seed')
  }
  return identity
}

export function generateIdentity (options: RandomOptions = {}): IdentityKeyPair {
  return identityFromSeed(draw(rng(options), ED25519_KEY_LENGTH))
}

/** Platform randomness takes the backend's native key generation; injected randomness imports it. */
export function generateX25519KeyPair (options: RandomOptions = {}): KeyPair {
  if (options.randomBytes === undefined) return cryptoProvider().x25519KeyPair()
  const secretKey = draw(options.randomBytes, X25519_KEY_LENGTH)
  return { publicKey: cryptoProvider().x25519PublicKey(secretKey), secretKey }
}

/** The X25519 form of an Ed25519 identity public key (the birational map), for DH. */
export function identityToX25519Public (identityKey: Uint8Array): Uint8Array {
  if (identityKey.length !== ED25519_KEY_LENGTH) throw new CryptoError(CryptoErrorCode.InvalidKey, 'identity key must be 32 bytes')
  return wrapCrypto(CryptoErrorCode.InvalidKey, 'identity key is not a valid Ed25519 point',
    () => ed25519.utils.toMontgomery(identityKey))
}

/** The X25519 form of an Ed25519 identity seed (clamped SHA-512 head, as RFC 8032 derives it). */
export function identityToX25519Secret (identity: IdentityKeyPair): Uint8Array {
  return ed25519.utils.toMontgomerySecret(identity.secretKey)
}

/** X25519 that refuses bad lengths and the all-zero output of low-order points with a typed error. */
export function dh (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== X25519_KEY_LENGTH) throw new CryptoError(CryptoErrorCode.InvalidKey, 'X25519 public key must be 32 bytes')
  return wrapCrypto(CryptoErrorCode.InvalidKey, 'X25519 with a low-order or invalid public key',
    () => cryptoProvider().x25519(secretKey, publicKey))
}

export function encodeX25519 (publicKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(KEY_TYPE_X25519), publicKey)
}

export function encodeEd25519 (publicKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(KEY_TYPE_ED25519), publicKey)
}

export function encodeKem (publicKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(KEY_TYPE_ML_KEM_768), publicKey)
}

export function signPrekey (identity: IdentityKeyPair, encodedKey: Uint8Array): Uint8Array {
  return cryptoProvider().ed25519Sign(identity.secretKey, concatBytes(PREKEY_SIGNATURE_CONTEXT, encodedKey))
}

/** Strict RFC 8032 verification (no ZIP-215 leniency): a prekey signature has one valid encoding. */
export function verifyPrekey (identityKey: Uint8Array, encodedKey: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || identityKey.length !== ED25519_KEY_LENGTH) return false
  return cryptoProvider().ed25519Verify(identityKey, concatBytes(PREKEY_SIGNATURE_CONTEXT, encodedKey), signature)
}

export function generateSignedPrekey (identity: IdentityKeyPair, options: RandomOptions & { id?: number } = {}): SignedPrekeyRecord {
  const random = rng(options)
  const id = checkId(options.id ?? drawId(random))
  const keyPair = generateX25519KeyPair({ randomBytes: options.randomBytes })
  return { id, keyPair, signature: signPrekey(identity, encodeX25519(keyPair.publicKey)) }
}

/** `n` unsigned one-time prekeys with consecutive ids from `firstId` (random when absent). */
export function generateOneTimePrekeys (n: number, options: RandomOptions & { firstId?: number } = {}): OneTimePrekeyRecord[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer')
  const random = rng(options)
  const firstId = checkId(options.firstId ?? drawId(random))
  checkId(firstId + Math.max(n - 1, 0))
  // Injected randomness only when the caller gave some: the backend's own generator makes keys
  // born cached, while importing drawn bytes costs ~10× as much in node:crypto.
  return Array.from({ length: n }, (_, i) => ({ id: firstId + i, keyPair: generateX25519KeyPair({ randomBytes: options.randomBytes }) }))
}

/** A signed ML-KEM-768 prekey; `lastResort` defaults to true (the one every bundle can fall back to). */
export function generatePqPrekey (
  identity: IdentityKeyPair,
  options: RandomOptions & { id?: number, lastResort?: boolean } = {}
): PqPrekeyRecord {
  const random = rng(options)
  const id = checkId(options.id ?? drawId(random))
  const keyPair = ml_kem768.keygen(draw(random, ML_KEM_768_SEED_LENGTH))
  if (keyPair.publicKey.length !== ML_KEM_768_PUBLIC_KEY_LENGTH) throw new Error('unexpected ML-KEM-768 key size')
  return {
    id,
    keyPair,
    signature: signPrekey(identity, encodeKem(keyPair.publicKey)),
    lastResort: options.lastResort ?? true
  }
}
