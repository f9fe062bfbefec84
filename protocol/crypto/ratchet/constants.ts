/**
 * Parameters of BabaCloud's Double Ratchet (Signal's spec, rev. 1, header in the clear). Any change
 * to an info string or length changes every derived key: bump the format versions with it.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js'

/** KDF_RK's HKDF info. */
export const RATCHET_INFO = utf8ToBytes('BabaCloud_Ratchet')

/** ENCRYPT's HKDF info for expanding a message key into the AEAD key and nonce. */
export const MESSAGE_KEYS_INFO = utf8ToBytes('BabaCloud_MessageKeys')

/** KDF_CK's HMAC inputs, as the spec recommends: 0x01 for the message key, 0x02 for the next chain key. */
export const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
export const CHAIN_KEY_SEED = Uint8Array.of(0x02)

/**
 * Most message keys one incoming message may make us skip in a chain. Bounds the work an attacker
 * can force per message (each skip is two HMACs) while tolerating long offline gaps.
 */
export const MAX_SKIP = 1000

/** Most skipped keys kept across all chains; past it the oldest go first (those messages are lost). */
export const MAX_SKIPPED_TOTAL = 2000

/**
 * Receiving ratchet keys remembered after their chain is retired, so a late replay on an old chain
 * is reported as a duplicate instead of being taken for a new DH ratchet step (which then fails).
 */
export const MAX_RETIRED_CHAINS = 32

export const KEY_LENGTH = 32
export const XCHACHA_NONCE_LENGTH = 24
export const AEAD_TAG_LENGTH = 16

/** Encoded header: DH public key (32) || PN (u32) || N (u32). */
export const HEADER_LENGTH = KEY_LENGTH + 8

export const STATE_VERSION = 1
export const MESSAGE_VERSION = 1
/** 2 added the earlier sessions kept per peer; version 1 records still load. */
export const SESSION_RECORD_VERSION = 2
