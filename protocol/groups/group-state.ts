// Group state: signed versions of a group's membership and settings, and the rules a member applies
// before accepting a new version. Pure functions over plain data; storage and transport live elsewhere.
import { randomBytes } from '@noble/hashes/utils.js'
import { toString as uint8ArrayToString } from 'uint8arrays'
import { parsePeerId, verifySignature } from '../identity.ts'
import { GROUP_ID_PATTERN, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_BYTES } from './constants.ts'
import { GroupError, GroupErrorCode } from './errors.ts'
import { GroupEncryption, GroupState } from './generated/groups.ts'
import { TOPIC_SECRET_LENGTH, newTopicSecret, signTopicOwner, topicKeys, topicName, verifyTopicOwner } from './topic-key.ts'
import type { DeviceIdentity } from '../identity.ts'

export { GroupEncryption, GroupState }

export type EncryptionSetting = 'e2ee' | 'open'

/** What every member sees of a group. */
export interface GroupInfo {
  id: string
  name: string
  members: string[]
  admins: string[]
  encryption: EncryptionSetting
  version: number
  author: string
  updatedAt: number
}

const SIGNATURE_CONTEXT = new TextEncoder().encode('babacloud/group-state/v1\0')

/** The topic secret is left out: removed members get the state without it, signature intact. */
function signingBytes (state: GroupState): Uint8Array {
  const body = GroupState.encode({ ...state, signature: new Uint8Array(0), topicSecret: new Uint8Array(0) })
  const out = new Uint8Array(SIGNATURE_CONTEXT.length + body.length)
  out.set(SIGNATURE_CONTEXT)
  out.set(body, SIGNATURE_CONTEXT.length)
  return out
}

export function toInfo (state: GroupState): GroupInfo {
  return {
    id: state.id,
    name: state.name,
    members: [...state.members],
    admins: [...state.admins],
    encryption: state.encryption === GroupEncryption.OPEN ? 'open' : 'e2ee',
    version: Number(state.version),
    author: state.author,
    updatedAt: Number(state.updatedAt)
  }
}

export function newGroupId (random: (n: number) => Uint8Array = randomBytes): string {
  return uint8ArrayToString(random(16), 'base16')
}

/** The group's topic: the secret members share, and the public half the state commits to. */
export interface TopicFields {
  secret: Uint8Array<ArrayBuffer>
  topicPublic: Uint8Array<ArrayBuffer>
  owner: string
  ownerSignature: Uint8Array<ArrayBuffer>
}

/** A fresh topic secret owned by `owner`: on creation and whenever a member goes. */
export function newTopic (owner: DeviceIdentity, secret = newTopicSecret()): TopicFields {
  const { topicPublic } = topicKeys(secret)
  return { secret, topicPublic, owner: owner.peerId.toString(), ownerSignature: signTopicOwner(owner, topicPublic) }
}

export function topicOf (state: GroupState): TopicFields {
  return { secret: state.topicSecret, topicPublic: state.topicPublic, owner: state.topicOwner, ownerSignature: state.topicOwnerSignature }
}

/** The gossipsub topic of a state: a hash that names no group (topic-key.ts). */
export function stateTopic (state: GroupState): string {
  return topicName(state.topicPublic, state.topicOwner)
}

/** The state as a removed member gets it: it learns it is out, not the new topic secret. */
export function withoutSecret (state: GroupState): GroupState {
  return { ...state, topicSecret: new Uint8Array(0) }
}

export interface StateFields {
  id: string
  name: string
  members: string[]
  admins: string[]
  encryption: EncryptionSetting
  version: number
  /** Kept from the previous version, or a new one (`newTopic`); a fresh one owned by the author when absent. */
  topic?: TopicFields
}

/** Signs a version of the state as `author`; checks its shape first so we never sign garbage. */
export function signState (author: DeviceIdentity, fields: StateFields, now = Date.now()): GroupState {
  const topic = fields.topic ?? newTopic(author)
  const unsigned: GroupState = {
    id: fields.id,
    name: fields.name,
    members: [...fields.members],
    admins: [...fields.admins],
    encryption: fields.encryption === 'open' ? GroupEncryption.OPEN : GroupEncryption.E2EE,
    version: BigInt(fields.version),
    author: author.peerId.toString(),
    updatedAt: BigInt(now),
    signature: new Uint8Array(0),
    topicSecret: topic.secret,
    topicPublic: topic.topicPublic,
    topicOwner: topic.owner,
    topicOwnerSignature: topic.ownerSignature
  }
  checkShape(unsigned)
  return { ...unsigned, signature: Uint8Array.from(author.sign(signingBytes(unsigned))) }
}

function invalid (message: string): GroupError {
  return new GroupError(GroupErrorCode.INVALID, message)
}

/** Structural rules every version satisfies, whoever signed it. */
export function checkShape (state: GroupState): void {
  if (!GROUP_ID_PATTERN.test(state.id)) throw invalid('group id must be 32 hex characters')
  if (state.name.trim() === '' || new TextEncoder().encode(state.name).length > MAX_GROUP_NAME_BYTES) {
    throw invalid(`group name must be 1 to ${MAX_GROUP_NAME_BYTES} bytes`)
  }
  if (state.members.length === 0 || state.members.length > MAX_GROUP_MEMBERS) throw invalid(`a group has 1 to ${MAX_GROUP_MEMBERS} members`)
  if (new Set(state.members).size !== state.members.length) throw invalid('members must be unique')
  for (const member of state.members) {
    try {
      parsePeerId(member)
    } catch {
      throw invalid(`member ${member} is not a device PeerId`)
    }
  }
  if (new Set(state.admins).size !== state.admins.length || !state.admins.every(a => state.members.includes(a))) {
    throw invalid('admins must be unique members')
  }
  if (state.version < 1n) throw invalid('version starts at 1')
  if (state.topicPublic.length !== 32 || !verifyTopicOwner(state.topicOwner, state.topicPublic, state.topicOwnerSignature)) {
    throw invalid('the group topic is missing or not signed by its owner')
  }
  if (state.topicSecret.length !== 0 && (state.topicSecret.length !== TOPIC_SECRET_LENGTH || !equal(topicKeys(state.topicSecret).topicPublic, state.topicPublic))) {
    throw invalid('the topic secret does not match the topic')
  }
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * The state as a member keeps it: with the topic secret, which a version that keeps the topic may
 * leave out (a member's leave) and a version that changes it must carry. Throws when it cannot.
 */
export function withMemberSecret (current: GroupState | undefined, next: GroupState): GroupState {
  if (next.topicSecret.length === TOPIC_SECRET_LENGTH) return next
  if (current != null && current.topicSecret.length === TOPIC_SECRET_LENGTH && equal(current.topicPublic, next.topicPublic) && current.topicOwner === next.topicOwner) {
    return { ...next, topicSecret: current.topicSecret }
  }
  throw invalid('a state for a member must carry the topic secret')
}

export function verifyState (state: GroupState): void {
  let author
  try {
    author = parsePeerId(state.author)
  } catch {
    throw invalid('state author is not a PeerId')
  }
  if (!verifySignature(author, signingBytes(state), state.signature)) {
    throw new GroupError(GroupErrorCode.BAD_SIGNATURE, 'group state signature does not verify')
  }
}

/**
 * The state a member leaving on its own signs: itself dropped from members and admins. A group
 * whose last admin leaves passes admin to the longest-standing member, so it stays manageable.
 */
export function withoutMember (state: GroupState, peer: string): Pick<StateFields, 'members' | 'admins'> {
  const members = state.members.filter(m => m !== peer)
  let admins = state.admins.filter(a => a !== peer)
  if (admins.length === 0 && members.length > 0) admins = [members[0]]
  return { members, admins }
}

function sameTopic (a: GroupState, b: GroupState): boolean {
  return equal(a.topicPublic, b.topicPublic) && a.topicOwner === b.topicOwner
}

function isSelfRemoval (current: GroupState, next: GroupState): boolean {
  if (!current.members.includes(next.author) || next.members.includes(next.author)) return false
  const expected = withoutMember(current, next.author)
  return next.name === current.name && sameTopic(current, next) &&
    next.members.join(',') === expected.members.join(',') &&
    next.admins.join(',') === expected.admins.join(',')
}

/**
 * A member's signed "I leave" that the rules refused because it was made from an older version
 * (e.g. it left while an admin renamed the group). Admins honour it by removing the member.
 */
export function isLeaveNotice (current: GroupState, next: GroupState): boolean {
  if (next.id !== current.id || !current.members.includes(next.author) || next.members.includes(next.author)) return false
  try {
    verifyState(next)
    return true
  } catch {
    return false
  }
}

/**
 * Throws unless `next` may replace `current` (undefined: a group this device has not seen yet,
 * e.g. an invitation). Accepted: a newer version signed by an admin of the current version, or by
 * a member removing only itself. The encryption setting is fixed at creation, so nobody can
 * downgrade an E2EE group to open.
 */
export function checkTransition (current: GroupState | undefined, next: GroupState): void {
  checkShape(next)
  verifyState(next)
  if (current == null) {
    // Trust on first use, like a 1:1 contact: the inviter vouches for the group it shows us.
    if (!next.admins.includes(next.author)) throw new GroupError(GroupErrorCode.NOT_ADMIN, 'a new group must be signed by one of its admins')
    return
  }
  if (next.id !== current.id) throw invalid('state is for another group')
  if (next.version <= current.version) throw new GroupError(GroupErrorCode.STALE, `version ${next.version} is not newer than ${current.version}`)
  if (next.encryption !== current.encryption) throw invalid('the encryption setting cannot change')
  // Whoever makes a new topic secret owns it (its plan applies at the relay): an admin, for itself.
  if (current.admins.includes(next.author) && (sameTopic(current, next) || next.topicOwner === next.author)) return
  if (isSelfRemoval(current, next)) return
  throw new GroupError(GroupErrorCode.NOT_ADMIN, `${next.author} is not an admin of group ${current.id}`)
}
