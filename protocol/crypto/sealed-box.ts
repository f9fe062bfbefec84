// Seals a payload to a device's identity key: ephemeral X25519 + HKDF-SHA256 + XChaCha20-Poly1305.
// Anyone can seal to a PeerId (its Ed25519 key is in it); only that device can open. The 1:1
// ratchet replaces this for chats; it stays the fallback when no session can be set up.
import { ed25519 } from '@noble/curves/ed25519.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { IntegrityError } from '../errors.ts'
import { cryptoProvider } from './provider.ts'
import { byteKey } from '../byte-key.ts'

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
  return cryptoProvider().hkdfSha256(shared, concatBytes(ephemeralPublic, recipientPublic), INFO, 32)
}

/** X25519 forms of recipients' Ed25519 keys: the conversion (a point decompression) costs more than the DH. */
const montgomery = new Map<string, Uint8Array>()
const MONTGOMERY_CACHE = 256

function recipientX25519 (recipientEd25519: Uint8Array): Uint8Array {
  const key = byteKey(recipientEd25519)
  let x = montgomery.get(key)
  if (x == null) {
    x = ed25519.utils.toMontgomery(recipientEd25519)
    if (montgomery.size >= MONTGOMERY_CACHE) montgomery.delete(montgomery.keys().next().value as string)
    montgomery.set(key, x)
  }
  return x
}

/** A recipient's own X25519 public key by its secret's array: derived once, gone with the secret. */
const ownPublic = new WeakMap<Uint8Array, Uint8Array>()

function publicOf (secret: Uint8Array): Uint8Array {
  let pub = ownPublic.get(secret)
  if (pub == null) {
    pub = cryptoProvider().x25519PublicKey(secret)
    ownPublic.set(secret, pub)
  }
  return pub
}

function randomNonce (): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LENGTH))
}

/** Seals `plaintext` to the holder of the Ed25519 key `recipientEd25519`. */
export function seal (plaintext: Uint8Array, recipientEd25519: Uint8Array, options: SealOptions = {}): Uint8Array {
  const crypto = cryptoProvider()
  const recipientX = recipientX25519(recipientEd25519)
  // Injected randomness (known-answer tests) imports the secret; otherwise the backend generates.
  let ephemeral: { secretKey: Uint8Array, publicKey: Uint8Array }
  if (options.random === undefined) {
    ephemeral = crypto.x25519KeyPair()
  } else {
    const secretKey = options.random(32)
    ephemeral = { secretKey, publicKey: crypto.x25519PublicKey(secretKey) }
  }
  const ephemeralPublic = ephemeral.publicKey
  const key = deriveKey(crypto.x25519(ephemeral.secretKey, recipientX), ephemeralPublic, recipientX)
  const nonce = options.random !== undefined ? options.random(NONCE_LENGTH) : randomNonce()
  const ciphertext = crypto.xchachaEncrypt(key, nonce, plaintext, options.associatedData)
  return concatBytes(Uint8Array.of(VERSION), ephemeralPublic, nonce, ciphertext)
}

/** Opens a sealed box with the recipient's X25519 secret; throws IntegrityError on any mismatch. */
export function open (sealed: Uint8Array, recipientX25519Secret: Uint8Array, associatedData?: Uint8Array): Uint8Array {
  if (sealed.length < HEADER_LENGTH + TAG_LENGTH || sealed[0] !== VERSION) {
    throw new IntegrityError('sealed payload is malformed')
  }
  const ephemeralPublic = sealed.subarray(1, 33)
  const nonce = sealed.subarray(33, HEADER_LENGTH)
  const crypto = cryptoProvider()
  const recipientX = publicOf(recipientX25519Secret)
  let shared: Uint8Array
  try {
    shared = crypto.x25519(recipientX25519Secret, ephemeralPublic)
  } catch {
    throw new IntegrityError('sealed payload has an invalid ephemeral key')
  }
  const key = deriveKey(shared, ephemeralPublic, recipientX)
  try {
    return crypto.xchachaDecrypt(key, nonce, sealed.subarray(HEADER_LENGTH), associatedData)
  } catch {
    throw new IntegrityError('sealed payload failed authentication')
  }
}
