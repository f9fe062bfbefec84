/**
 * The Double Ratchet state as plain data (spec §3.2), its message header, and their versioned
 * binary encodings. States are treated as immutable: the ratchet functions build new ones and
 * never write into the arrays of an old one, so a stored state stays valid until replaced.
 */
import { ByteReader, ByteWriter } from '../x3dh/binary.ts'
import type { KeyPair } from '../x3dh/keys.ts'
import { HEADER_LENGTH, KEY_LENGTH, STATE_VERSION } from './constants.ts'

/** HEADER(dh_pair, pn, n), sent in the clear and authenticated as part of the AEAD's AD. */
export interface RatchetHeader {
  /** The sender's current ratchet public key. */
  dh: Uint8Array
  /** Number of messages in the sender's previous sending chain. */
  pn: number
  /** Message number in the current sending chain. */
  n: number
}

export interface SkippedMessageKey {
  dh: Uint8Array
  n: number
  messageKey: Uint8Array
}

export interface RatchetState {
  /** RK */
  readonly rootKey: Uint8Array
  /** DHs: our current ratchet key pair. */
  readonly sendingRatchetKey: KeyPair
  /** DHr: the peer's current ratchet public key; absent until the responder's first receive. */
  readonly receivingRatchetKey?: Uint8Array
  /** CKs; absent for a responder that has not received yet. */
  readonly sendingChainKey?: Uint8Array
  /** CKr */
  readonly receivingChainKey?: Uint8Array
  /** Ns */
  readonly sendCount: number
  /** Nr */
  readonly receiveCount: number
  /** PN */
  readonly previousSendCount: number
  /** The session AD from PQXDH, prepended to every header in the AEAD's associated data. */
  readonly associatedData: Uint8Array
  /** MKSKIPPED in arrival order, oldest first, so the total cap can drop the oldest. */
  readonly skipped: readonly SkippedMessageKey[]
  /** DHr values of finished receiving chains, newest first (duplicate detection only). */
  readonly retiredReceivingKeys: readonly Uint8Array[]
}

export function encodeHeader (header: RatchetHeader): Uint8Array {
  if (header.dh.length !== KEY_LENGTH) throw new RangeError('header dh must be 32 bytes')
  return new ByteWriter(HEADER_LENGTH).bytes(header.dh).u32(header.pn).u32(header.n).finish()
}

export function decodeHeader (bytes: Uint8Array): RatchetHeader {
  const r = new ByteReader(bytes, 'ratchet header')
  if (bytes.length !== HEADER_LENGTH) r.fail(`length ${bytes.length}, expected ${HEADER_LENGTH}`)
  const header = { dh: r.bytes(KEY_LENGTH), pn: r.u32(), n: r.u32() }
  r.end()
  return header
}

function optionalKey (w: ByteWriter, key: Uint8Array | undefined): void {
  if (key === undefined) w.u8(0)
  else w.u8(1).bytes(key)
}

/** The exact encoded size of `state`, so a writer's buffer is allocated once. */
export function serializedStateSize (state: RatchetState): number {
  const optional = (key: Uint8Array | undefined): number => key === undefined ? 1 : 1 + key.length
  let size = 1 + state.rootKey.length + state.sendingRatchetKey.publicKey.length + state.sendingRatchetKey.secretKey.length +
    optional(state.receivingRatchetKey) + optional(state.sendingChainKey) + optional(state.receivingChainKey) +
    12 + 2 + state.associatedData.length + 4 + 2
  for (const s of state.skipped) size += s.dh.length + 4 + s.messageKey.length
  for (const key of state.retiredReceivingKeys) size += key.length
  return size
}

export function serializeState (state: RatchetState): Uint8Array {
  return writeState(new ByteWriter(serializedStateSize(state)), state).finish()
}

/** Appends `state`'s encoding (`serializedStateSize(state)` bytes) to `w`. */
export function writeState (w: ByteWriter, state: RatchetState): ByteWriter {
  w.u8(STATE_VERSION)
    .bytes(state.rootKey)
    .bytes(state.sendingRatchetKey.publicKey)
    .bytes(state.sendingRatchetKey.secretKey)
  optionalKey(w, state.receivingRatchetKey)
  optionalKey(w, state.sendingChainKey)
  optionalKey(w, state.receivingChainKey)
  w.u32(state.sendCount).u32(state.receiveCount).u32(state.previousSendCount).bytes16(state.associatedData)
  w.u32(state.skipped.length)
  for (const s of state.skipped) w.bytes(s.dh).u32(s.n).bytes(s.messageKey)
  w.u16(state.retiredReceivingKeys.length)
  for (const key of state.retiredReceivingKeys) w.bytes(key)
  return w
}

export function deserializeState (bytes: Uint8Array): RatchetState {
  const r = new ByteReader(bytes, 'ratchet state')
  r.expectVersion(STATE_VERSION)
  const rootKey = r.bytes(KEY_LENGTH)
  const sendingRatchetKey = { publicKey: r.bytes(KEY_LENGTH), secretKey: r.bytes(KEY_LENGTH) }
  const receivingRatchetKey = r.flag() ? r.bytes(KEY_LENGTH) : undefined
  const sendingChainKey = r.flag() ? r.bytes(KEY_LENGTH) : undefined
  const receivingChainKey = r.flag() ? r.bytes(KEY_LENGTH) : undefined
  const sendCount = r.u32()
  const receiveCount = r.u32()
  const previousSendCount = r.u32()
  const associatedData = r.bytes16()
  const skippedCount = r.u32()
  // Each entry is 68 bytes: check before allocating so a corrupt count cannot ask for gigabytes.
  if (skippedCount * (2 * KEY_LENGTH + 4) > r.remaining) r.fail('skipped-key count exceeds the data')
  const skipped: SkippedMessageKey[] = []
  for (let i = 0; i < skippedCount; i++) skipped.push({ dh: r.bytes(KEY_LENGTH), n: r.u32(), messageKey: r.bytes(KEY_LENGTH) })
  const retiredCount = r.u16()
  const retiredReceivingKeys: Uint8Array[] = []
  for (let i = 0; i < retiredCount; i++) retiredReceivingKeys.push(r.bytes(KEY_LENGTH))
  r.end()
  return {
    rootKey,
    sendingRatchetKey,
    ...(receivingRatchetKey !== undefined ? { receivingRatchetKey } : {}),
    ...(sendingChainKey !== undefined ? { sendingChainKey } : {}),
    ...(receivingChainKey !== undefined ? { receivingChainKey } : {}),
    sendCount,
    receiveCount,
    previousSendCount,
    associatedData,
    skipped,
    retiredReceivingKeys
  }
}
