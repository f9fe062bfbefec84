// Group state rules: who may sign the next version, and what nobody may change.
import { describe, expect, it } from 'vitest'
import { GroupErrorCode } from '../../../protocol/groups/errors.ts'
import { checkTransition, newGroupId, newTopic, signState, toInfo, topicOf, withMemberSecret, withoutMember, withoutSecret } from '../../../protocol/groups/group-state.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import type { GroupState } from '../../../protocol/groups/generated/groups.ts'

function errorCode (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return (err as { code?: unknown }).code
  }
  return undefined
}

describe('group state', async () => {
  const [admin, member, outsider] = await Promise.all([0, 1, 2].map(async () => await DeviceIdentity.generate()))
  const [a, m, o] = [admin, member, outsider].map(i => i.peerId.toString())
  const v1 = signState(admin, { id: newGroupId(), name: 'g', members: [a, m], admins: [a], encryption: 'e2ee', version: 1 })
  // A new version keeps the topic unless the change says otherwise.
  const next = (by: DeviceIdentity, change: Partial<Parameters<typeof signState>[1]>, from: GroupState = v1): GroupState =>
    signState(by, { ...toInfo(from), topic: topicOf(from), version: Number(from.version) + 1, ...change })

  it('accepts a new group from one of its admins, and changes by an admin', () => {
    expect(() => { checkTransition(undefined, v1) }).not.toThrow()
    expect(() => { checkTransition(v1, next(admin, { members: [a, m, o] })) }).not.toThrow()
    expect(errorCode(() => { checkTransition(undefined, signState(member, { ...toInfo(v1), admins: [a] })) })).toBe(GroupErrorCode.NOT_ADMIN)
  })

  it('refuses changes by members, forged authors, old versions and an encryption downgrade', () => {
    expect(errorCode(() => { checkTransition(v1, next(member, { name: 'mine', admins: [m] })) })).toBe(GroupErrorCode.NOT_ADMIN)
    expect(errorCode(() => { checkTransition(v1, { ...next(member, { name: 'mine' }), author: a }) })).toBe(GroupErrorCode.BAD_SIGNATURE)
    expect(errorCode(() => { checkTransition(next(admin, { name: 'h' }), v1) })).toBe(GroupErrorCode.STALE)
    expect(errorCode(() => { checkTransition(v1, next(admin, { encryption: 'open' })) })).toBe(GroupErrorCode.INVALID)
    expect(errorCode(() => { checkTransition(v1, next(admin, { admins: [o] })) })).toBe(GroupErrorCode.INVALID)
  })

  it('lets a member remove only itself; the last admin leaving hands admin on', () => {
    expect(() => { checkTransition(v1, next(member, withoutMember(v1, m))) }).not.toThrow()
    expect(errorCode(() => { checkTransition(v1, next(member, { ...withoutMember(v1, m), name: 'bye' })) })).toBe(GroupErrorCode.NOT_ADMIN)
    expect(withoutMember(v1, a)).toEqual({ members: [m], admins: [m] })
    // A leave keeps the topic: the one leaving cannot hand the others a secret it would know.
    expect(errorCode(() => { checkTransition(v1, next(member, { ...withoutMember(v1, m), topic: newTopic(member) })) })).toBe(GroupErrorCode.NOT_ADMIN)
  })

  it('binds the topic to its owner and its secret; removed members get the state without the secret', () => {
    expect(() => { checkTransition(v1, next(admin, { members: [a], topic: newTopic(admin) })) }).not.toThrow()
    // An admin may not name someone else as the owner of a new topic (their plan would apply).
    expect(errorCode(() => { checkTransition(v1, next(admin, { topic: newTopic(member) })) })).toBe(GroupErrorCode.NOT_ADMIN)
    const forged = { ...topicOf(v1), owner: o }
    expect(errorCode(() => next(admin, { topic: forged }))).toBe(GroupErrorCode.INVALID)
    const mismatched = { ...topicOf(v1), secret: newTopic(admin).secret }
    expect(errorCode(() => next(admin, { topic: mismatched }))).toBe(GroupErrorCode.INVALID)
    const v2 = next(admin, { name: 'renamed' })
    expect(() => { checkTransition(v1, withoutSecret(v2)) }).not.toThrow()
    expect(withMemberSecret(v1, withoutSecret(v2)).topicSecret).toEqual(v1.topicSecret)
    const rotated = next(admin, { members: [a], topic: newTopic(admin) })
    expect(errorCode(() => withMemberSecret(v1, withoutSecret(rotated)))).toBe(GroupErrorCode.INVALID)
  })
})
