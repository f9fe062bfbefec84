/**
 * What `SessionCipher` stores per peer: the current session (ratchet state plus the PQXDH facts
 * around it) and the earlier sessions still kept for messages in flight, libsignal's layout. The
 * record is opaque bytes to the store; this file owns its versioned encoding.
 */
import { equalBytes } from '@noble/ciphers/utils.js'
import { ByteReader, ByteWriter } from '../x3dh/binary.ts'
import { ED25519_KEY_LENGTH, X25519_KEY_LENGTH } from '../x3dh/constants.ts'
import { decodeInitialMessage, encodeInitialMessage } from '../x3dh/wire.ts'
import type { InitialMessage } from '../x3dh/pqxdh.ts'
import { SESSION_RECORD_VERSION } from './constants.ts'
import { deserializeState, serializedStateSize, writeState } from './state.ts'
import type { RatchetState } from './state.ts'

/** Base keys of discarded sessions kept to refuse replays of their prekey messages. */
export const MAX_PREVIOUS_BASE_KEYS = 16

/**
 * Earlier sessions kept per peer, as in libsignal. Two devices that start a session with each other
 * at once each end up holding both, and messages in flight on either must still decrypt; repeated
 * crossings or resets add more. Past the cap the oldest go, and with them their messages in flight.
 */
export const MAX_PREVIOUS_SESSIONS = 40

/** One PQXDH run with the peer and the ratchet it started. */
export interface SessionState {
  state: RatchetState
  /** The peer's Ed25519 identity key this session was agreed with. */
  remoteIdentityKey: Uint8Array
  /** The initiator's PQXDH ephemeral key: names the PQXDH run this session came from. */
  baseKey: Uint8Array
}

/** The current session's fields sit at the top level; `encrypt` always uses it. */
export interface SessionRecord extends SessionState {
  /** Initiator only: repeated in every message until the peer's first reply decrypts. */
  pendingInitialMessage?: InitialMessage
  /**
   * Earlier sessions with this peer, newest first. They are kept without their pending initial
   * message: one becomes current again only by decrypting a message of the peer, which proves the
   * peer holds it.
   */
  previousSessions: readonly SessionState[]
  /**
   * Base keys of sessions dropped from `previousSessions`, newest first. Without a one-time prekey,
   * replaying an old prekey message would otherwise rebuild that old session and decrypt its first
   * message again (X3DH spec §4.2).
   */
  previousBaseKeys: readonly Uint8Array[]
}

/** The current session first, then the earlier ones: the order in which decryption tries them. */
export function sessionsOf (record: SessionRecord): SessionState[] {
  return [record, ...record.previousSessions]
}

/**
 * `session` becomes current and the current one is archived in front of the earlier ones (minus
 * `previousSessions[from]` when `session` is that one, promoted back). What overflows the cap is
 * forgotten but for its base key. Sessions agreed with another identity key are dropped too: only
 * the key the new session was just trusted with may speak for the peer.
 */
export function promoteSession (
  record: SessionRecord | undefined,
  session: SessionState,
  options: { pendingInitialMessage?: InitialMessage, from?: number } = {}
): SessionRecord {
  const pending = options.pendingInitialMessage !== undefined ? { pendingInitialMessage: options.pendingInitialMessage } : {}
  const current = { state: session.state, remoteIdentityKey: session.remoteIdentityKey, baseKey: session.baseKey, ...pending }
  if (record === undefined) return { ...current, previousSessions: [], previousBaseKeys: [] }
  const archived: SessionState[] = [
    { state: record.state, remoteIdentityKey: record.remoteIdentityKey, baseKey: record.baseKey },
    ...record.previousSessions.filter((_, i) => i !== options.from)
  ]
  const kept: SessionState[] = []
  const dropped: Uint8Array[] = []
  for (const s of archived) {
    if (kept.length < MAX_PREVIOUS_SESSIONS && equalBytes(s.remoteIdentityKey, session.remoteIdentityKey)) kept.push(s)
    else dropped.push(s.baseKey)
  }
  return {
    ...current,
    previousSessions: kept,
    previousBaseKeys: [...dropped, ...record.previousBaseKeys].slice(0, MAX_PREVIOUS_BASE_KEYS)
  }
}

/*
 * Version 2 appends the earlier sessions to version 1's layout, so version 1 records (which had
 * none) still load:
 *   u8 version | identity key | base key | u8 pending? [u16 len | initial message]
 *   | u8 n | n base keys | u32 len | state
 *   | (v2) u8 m | m × (identity key | base key | u32 len | state)
 */
const V1 = 1

export function serializeSessionRecord (record: SessionRecord): Uint8Array {
  const pending = record.pendingInitialMessage === undefined ? undefined : encodeInitialMessage(record.pendingInitialMessage)
  // A size hint only (the writer grows past it); the states' length prefixes are exact.
  let size = 1 + ED25519_KEY_LENGTH + X25519_KEY_LENGTH + 1 + (pending === undefined ? 0 : 2 + pending.length) +
    1 + record.previousBaseKeys.length * X25519_KEY_LENGTH + 4 + serializedStateSize(record.state) + 1
  for (const s of record.previousSessions) size += ED25519_KEY_LENGTH + X25519_KEY_LENGTH + 4 + serializedStateSize(s.state)
  const w = new ByteWriter(size)
    .u8(SESSION_RECORD_VERSION)
    .bytes(record.remoteIdentityKey)
    .bytes(record.baseKey)
  if (pending === undefined) w.u8(0)
  else w.u8(1).bytes16(pending)
  w.u8(record.previousBaseKeys.length)
  for (const key of record.previousBaseKeys) w.bytes(key)
  writeSized(w, record.state)
  w.u8(record.previousSessions.length)
  for (const s of record.previousSessions) writeSized(w.bytes(s.remoteIdentityKey).bytes(s.baseKey), s.state)
  return w.finish()
}

/** A state behind its u32 length, written in place rather than encoded apart and copied. */
function writeSized (w: ByteWriter, state: RatchetState): void {
  const size = serializedStateSize(state)
  const start = w.u32(size).size
  writeState(w, state)
  if (w.size - start !== size) throw new Error(`ratchet state took ${w.size - start} bytes, expected ${size}`)
}

export function deserializeSessionRecord (bytes: Uint8Array): SessionRecord {
  const r = new ByteReader(bytes, 'session record')
  const version = r.u8()
  if (version !== V1 && version !== SESSION_RECORD_VERSION) r.fail(`unsupported version ${version}`)
  const remoteIdentityKey = r.bytes(ED25519_KEY_LENGTH)
  const baseKey = r.bytes(X25519_KEY_LENGTH)
  const pendingInitialMessage = r.flag() ? decodeInitialMessage(r.bytes16()) : undefined
  const previousCount = r.u8()
  const previousBaseKeys: Uint8Array[] = []
  for (let i = 0; i < previousCount; i++) previousBaseKeys.push(r.bytes(X25519_KEY_LENGTH))
  const state = deserializeState(r.bytes32())
  const previousSessions: SessionState[] = []
  if (version !== V1) {
    const sessionCount = r.u8()
    if (sessionCount > MAX_PREVIOUS_SESSIONS) r.fail(`${sessionCount} previous sessions, at most ${MAX_PREVIOUS_SESSIONS}`)
    for (let i = 0; i < sessionCount; i++) {
      previousSessions.push({ remoteIdentityKey: r.bytes(ED25519_KEY_LENGTH), baseKey: r.bytes(X25519_KEY_LENGTH), state: deserializeState(r.bytes32()) })
    }
  }
  r.end()
  return {
    state,
    remoteIdentityKey,
    baseKey,
    ...(pendingInitialMessage !== undefined ? { pendingInitialMessage } : {}),
    previousSessions,
    previousBaseKeys
  }
}
