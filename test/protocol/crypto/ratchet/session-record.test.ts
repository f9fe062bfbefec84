import { describe, expect, it } from 'vitest'
import { CryptoError, MAX_PREVIOUS_SESSIONS, deserializeSessionRecord, initReceiver, serializeSessionRecord } from '../../../../protocol/crypto/ratchet/index.ts'
import { promoteSession } from '../../../../protocol/crypto/ratchet/session-record.ts'
import type { SessionRecord, SessionState } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { seededRandom } from '../helpers.ts'

const random = seededRandom('session-record')
const identity = random(32)

function session (i: number, remoteIdentityKey = identity): SessionState {
  const state = initReceiver(random(32), generateX25519KeyPair({ randomBytes: random }), Uint8Array.of(i))
  return { state, remoteIdentityKey, baseKey: random(32) }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('SessionRecord', () => {
  it('round-trips the current session and the earlier ones', () => {
    let record: SessionRecord | undefined
    const sessions = [0, 1, 2].map((i) => session(i))
    for (const s of sessions) record = promoteSession(record, s)
    if (record === undefined) throw new Error('no record')
    expect(record.previousSessions.map((s) => hex(s.baseKey))).toEqual([sessions[1], sessions[0]].map((s) => hex(s.baseKey)))
    expect(deserializeSessionRecord(serializeSessionRecord(record))).toEqual(record)
    // Promoting an earlier session takes it out of the list and archives the current one.
    const back = promoteSession(record, record.previousSessions[1], { from: 1 })
    expect([back.baseKey, ...back.previousSessions.map((s) => s.baseKey)].map(hex)).toEqual([sessions[0], sessions[2], sessions[1]].map((s) => hex(s.baseKey)))
  })

  it('keeps at most MAX_PREVIOUS_SESSIONS earlier sessions; the dropped ones leave their base keys', () => {
    let record: SessionRecord | undefined
    const sessions = Array.from({ length: MAX_PREVIOUS_SESSIONS + 4 }, (_, i) => session(i))
    for (const s of sessions) record = promoteSession(record, s)
    if (record === undefined) throw new Error('no record')
    expect(record.previousSessions).toHaveLength(MAX_PREVIOUS_SESSIONS)
    expect(record.previousBaseKeys.map(hex)).toEqual(sessions.slice(0, 3).reverse().map((s) => hex(s.baseKey)))
    expect(deserializeSessionRecord(serializeSessionRecord(record))).toEqual(record)
  })

  it('drops earlier sessions agreed with another identity key', () => {
    const old = promoteSession(undefined, session(0, random(32)))
    const next = promoteSession(old, session(1))
    expect(next.previousSessions).toEqual([])
    expect(next.previousBaseKeys).toEqual([old.baseKey])
  })

  it('still loads version 1 records, which had no earlier sessions', () => {
    const record = promoteSession(undefined, session(7))
    const v2 = serializeSessionRecord(record)
    // Version 1 is version 2 without the trailing count of earlier sessions.
    expect([v2[0], v2[v2.length - 1]]).toEqual([2, 0])
    const v1 = v2.slice(0, -1)
    v1[0] = 1
    expect(deserializeSessionRecord(v1)).toEqual(record)
    // Anything else is malformed: version 1 with the count, an unknown version.
    expect(() => deserializeSessionRecord(Uint8Array.from([1, ...v2.subarray(1)]))).toThrow(CryptoError)
    expect(() => deserializeSessionRecord(Uint8Array.from([3, ...v2.subarray(1)]))).toThrow(CryptoError)
  })
})
