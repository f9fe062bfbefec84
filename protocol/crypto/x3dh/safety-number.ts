/**
 * Safety numbers, computed like Signal's numeric fingerprint (version 0): each side's identity key
 * and stable id are hashed with 5200 iterations of SHA-512, the first 30 bytes become 30 digits, and
 * the two halves are sorted so both users see the same 60 digits and can compare them out of band.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { ED25519_KEY_LENGTH } from './constants.ts'

/** Signal's iteration count: makes a search for a colliding key ~5200× more expensive. */
export const SAFETY_NUMBER_ITERATIONS = 5200
const FINGERPRINT_VERSION = Uint8Array.of(0, 0)

function fingerprint (identityKey: Uint8Array, stableId: Uint8Array, iterations: number): Uint8Array {
  let hash = concatBytes(FINGERPRINT_VERSION, identityKey, stableId)
  for (let i = 0; i < iterations; i++) hash = sha512(concatBytes(hash, identityKey))
  return hash
}

/** 30 digits: six 5-byte big-endian chunks, each taken mod 100000 and zero-padded to 5 digits. */
function displayDigits (hash: Uint8Array): string {
  let out = ''
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0
    // 40-bit values stay exact in a double (below 2^53), so no BigInt is needed.
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]
    out += String(value % 100000).padStart(5, '0')
  }
  return out
}

/**
 * The 60-digit safety number for a pair of users. `identityKey*` are Ed25519 public keys; `id*` are
 * stable identifiers (the peer id string), which bind the number to who the key claims to be.
 */
export function safetyNumber (
  identityKeyA: Uint8Array,
  idA: string | Uint8Array,
  identityKeyB: Uint8Array,
  idB: string | Uint8Array,
  iterations: number = SAFETY_NUMBER_ITERATIONS
): string {
  if (identityKeyA.length !== ED25519_KEY_LENGTH || identityKeyB.length !== ED25519_KEY_LENGTH) {
    throw new RangeError('identity keys must be 32-byte Ed25519 public keys')
  }
  const bytes = (id: string | Uint8Array): Uint8Array => typeof id === 'string' ? utf8ToBytes(id) : id
  const a = displayDigits(fingerprint(identityKeyA, bytes(idA), iterations))
  const b = displayDigits(fingerprint(identityKeyB, bytes(idB), iterations))
  return a <= b ? a + b : b + a
}

/** Twelve groups of five digits, the way Signal shows it. */
export function formatSafetyNumber (digits: string): string {
  return digits.match(/.{1,5}/g)?.join(' ') ?? ''
}
