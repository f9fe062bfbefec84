/**
 * Parameters of BabaCloud's PQXDH instance (Signal PQXDH rev. 3 with curve X25519, hash SHA-256,
 * KEM ML-KEM-768). Changing any value here changes every derived secret: bump the versions.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js'

/** The spec's `info`: the application name plus the chosen curve, hash and KEM. */
export const PQXDH_INFO = utf8ToBytes('BabaCloud_PQXDH_CURVE25519_SHA-256_ML-KEM-768')

/** The spec's F: 32 0xFF bytes prepended to KM so it never collides with an XEdDSA input. */
export const PQXDH_F = new Uint8Array(32).fill(0xff)

/** HKDF salt: a zero-filled byte sequence of the hash's output length, as the spec says. */
export const PQXDH_SALT = new Uint8Array(32)

/**
 * Encode(PK) type bytes. 0x05 is the type byte Signal puts before Curve25519 keys; the other two
 * are this project's own (identity keys are Ed25519, KEM keys ML-KEM-768) and merely have to be
 * distinct so an encoded key of one kind can never be read as another.
 */
export const KEY_TYPE_X25519 = 0x05
export const KEY_TYPE_ED25519 = 0x06
export const KEY_TYPE_ML_KEM_768 = 0x0b

/**
 * Prefix of every prekey signature message. Signal signs Encode(PK) alone because its identity key
 * signs nothing else; ours is the libp2p Ed25519 key, which also signs peer records and Noise
 * payloads, so the prefix keeps a prekey signature from being valid in any of those protocols.
 */
export const PREKEY_SIGNATURE_CONTEXT = utf8ToBytes('BabaCloud_PQXDH_Prekey_v1:')

export const X25519_KEY_LENGTH = 32
export const ED25519_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64
export const ML_KEM_768_PUBLIC_KEY_LENGTH = 1184
export const ML_KEM_768_SECRET_KEY_LENGTH = 2400
export const ML_KEM_768_CIPHERTEXT_LENGTH = 1088
export const ML_KEM_768_SEED_LENGTH = 64
export const ML_KEM_768_ENCAPSULATION_RANDOMNESS = 32
export const SHARED_SECRET_LENGTH = 32

/** Format versions of the serialised bundle and initial message. */
export const BUNDLE_VERSION = 1
export const INITIAL_MESSAGE_VERSION = 1
