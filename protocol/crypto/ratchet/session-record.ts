/**
 * What `SessionCipher` stores per peer: the ratchet state plus the PQXDH facts around it. The
 * record is opaque bytes to the store; this file owns its versioned encoding.
 */
import { ByteReader, ByteWriter } from '../x3dh/binary.ts'
import { ED25519_KEY_LENGTH, X25519_KEY_LENGTH } from '../x3dh/constants.ts'
import { decodeInitialMessage, encodeInitialMessage } from '../x3dh/wire.ts'
import type { InitialMessage } from '../x3dh/pqxdh.ts'
import { SESSION_RECORD_VERSION } from './constants.ts'
import { deserializeState, serializeState } from './state.ts'
import type { RatchetState } from './state.ts'

/** Base keys of replaced sessions kept to refuse replays of their prekey messages. */
export const MAX_PREVIOUS_BASE_KEYS = 16

export interface SessionRecord {
  state: RatchetState
  /** The peer's Ed25519 identity key this session was agreed with. */
  remoteIdentityKey: Uint8Array
  /** The initiator's PQXDH ephemeral key: names the PQXDH run this session came from. */
  baseKey: Uint8Array
  /** Initiator only: repeated in every message until the peer's first reply decrypts. */
  pendingInitialMessage?: InitialMessage
  /**
   * Base keys of earlier sessions with this peer, newest first. Without a one-time prekey, replaying
   * an old prekey message would otherwise rebuild that old session and decrypt its first message
   * again (X3DH spec §4.2).
   */
  previousBaseKeys: readonly Uint8Array[]
}

export function serializeSessionRecord (record: SessionRecord): Uint8Array {
  const w = new ByteWriter()
    .u8(SESSION_RECORD_VERSION)
    .bytes(record.remoteIdentityKey)
    .bytes(record.baseKey)
  if (record.pendingInitialMessage === undefined) w.u8(0)
  else w.u8(1).bytes16(encodeInitialMessage(record.pendingInitialMessage))
  w.u8(record.previousBaseKeys.length)
  for (const key of record.previousBaseKeys) w.bytes(key)
  return w.bytes32(serializeState(record.state)).finish()
}

export function deserializeSessionRecord (bytes: Uint8Array): SessionRecord {
  const r = new ByteReader(bytes, 'session record')
  r.expectVersion(SESSION_RECORD_VERSION)
  const remoteIdentityKey = r.bytes(ED25519_KEY_LENGTH)
  const baseKey = r.bytes(X25519_KEY_LENGTH)
  const pendingInitialMessage = r.flag() ? decodeInitialMessage(r.bytes16()) : undefined
  const previousCount = r.u8()
  const previousBaseKeys: Uint8Array[] = []
  for (let i = 0; i < previousCount; i++) previousBaseKeys.push(r.bytes(X25519_KEY_LENGTH))
  const state = deserializeState(r.bytes32())
  r.end()
  return {
    state,
    remoteIdentityKey,
    baseKey,
    ...(pendingInitialMessage !== undefined ? { pendingInitialMessage } : {}),
    previousBaseKeys
  }
}
