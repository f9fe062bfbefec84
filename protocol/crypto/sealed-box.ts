// Seals a payload to a device's identity key: ephemeral X25519 + HKDF-SHA256 + XChaCha20-Poly1305.
// Anyone can seal to a PeerId (its Ed25519 key is in it); only that device can open. The 1:1
// ratchet replaces this for chats; it stays the fallback when no session can be set up.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { IntegrityError } from '../errors.ts'

const VERSION = 1
const INFO = utf8ToBytes('babacloud/seal/v1')
const NONCE_LENGTH = 24
const HEADER_LENGTH = 1 + 32 + NONCE_LENGTH
const TAG_LENGTH = 16

export interface SealOptions {
  /** Bound to the ciphertext: opening with other associated data fails. */
  associatedData?: Uint8Array
  random?: (n: number) => Uint8Array
}

function deriveKey (shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeralPublic, recipientPublic), INFO, 32)
}

/** Seals `plaintext` to the holder of the Ed25519 key `recipientEd25519`. */
export function seal (plaintext: Uint8Array, recipientEd25519: Uint8Array, options: SealOptions = {}): Uint8Array {
  const random = options.random ?? randomBytes
  const recipientX = ed25519.utils.toMontgomery(recipientEd25519)
  const ephemeralSecret = random(32)
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret)
  const key = deriveKey(x25519.getSharedSecret(ephemeralSecret, recipientX), ephemeralPublic, recipientX)
  const nonce = random(NONCE_LENGTH)
  const ciphertext = xchacha20poly1305(key, nonce, options.associatedData).encrypt(plaintext)
  return concatBytes(Uint8Array.of(VERSION), ephemeralPublic, nonce, ciphertext)
}

/** Opens a sealed box with the recipient's X25519 secret; throws IntegrityError on any mismatch. */
export function open (sealed: Uint8Array, recipientX25519Secret: Uint8Array, associatedData?: Uint8Array): Uint8Array {
  if (sealed.length < HEADER_LENGTH + TAG_LENGTH || sealed[0] !== VERSION) {
    throw new IntegrityError('sealed payload is malformed')
  }
  const ephemeralPublic = sealed.subarray(1, 33)
  const nonce = sealed.subarray(33, HEADER_LENGTH)
  const recipientX = x25519.getPublicKey(recipientX25519Secret)
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(recipientX25519Secret, ephemeralPublic)
  } catch {
    throw new IntegrityError('sealed payload has an invalid ephemeral key')
  }
  const key = deriveKey(shared, ephemeralPublic, recipientX)
  try {
    return xchacha20poly1305(key, nonce, associatedData).decrypt(sealed.subarray(HEADER_LENGTH))
  } catch {
    throw new IntegrityError('sealed payload failed authentication')
  }
}
