// Sender keys (after Signal's): each member has a chain key advanced with HMAC-SHA256 per message and
// an Ed25519 signing key; both go to the other members over the pairwise channel. Messages are
// encrypted with XChaCha20-Poly1305 under the per-message key and signed with the signing key, so
// members can check who wrote a message although they all share the sender's chain.
// Pure functions over plain records: callers persist what they return.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { parsePeerId, verifySignature } from '../identity.ts'
import { MAX_SKIPPED_KEYS } from './constants.ts'
import { GroupError, GroupErrorCode } from './errors.ts'
import { GroupMessage, SenderKeyDistribution, SenderKeyRecord } from './generated/groups.ts'
import type { DeviceIdentity } from '../identity.ts'

export { GroupMessage, SenderKeyDistribution, SenderKeyRecord }

const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
const CHAIN_KEY_SEED = Uint8Array.of(0x02)
const NONCE_LENGTH = 24
const SIGNATURE_CONTEXT = new TextEncoder().encode('babacloud/group-message/v1\0')

export type Random = (n: number) => Uint8Array

/** The header fields of a message, chosen by the sender before encryption. */
export interface MessageHeader {
  id: Uint8Array
  groupId: string
  sender: string
  sentAt: number
  /** 16 bytes: the group message this one answers. */
  replyTo?: Uint8Array
  /** Disappearing messages: when every member deletes it (sentAt + the group's timer). */
  expiresAt?: number
}

type Bytes = Uint8Array<ArrayBuffer>

function step (chainKey: Uint8Array): { messageKey: Bytes, next: Bytes } {
  return { messageKey: Uint8Array.from(hmac(sha256, chainKey, MESSAGE_KEY_SEED)), next: Uint8Array.from(hmac(sha256, chainKey, CHAIN_KEY_SEED)) }
}

function withContext (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNATURE_CONTEXT.length + bytes.length)
  out.set(SIGNATURE_CONTEXT)
  out.set(bytes, SIGNATURE_CONTEXT.length)
  return out
}

function signingBytes (message: GroupMessage): Uint8Array {
  return withContext(GroupMessage.encode({ ...message, signature: new Uint8Array(0) }))
}

/** Bound into the AEAD: everything but the ciphertext and signature. */
function associatedData (message: GroupMessage): Uint8Array {
  return withContext(GroupMessage.encode({ ...message, payload: new Uint8Array(0), signature: new Uint8Array(0) }))
}

export function generateSenderKey (groupId: string, owner: string, keyId: number, audience: string[], random: Random = randomBytes): SenderKeyRecord {
  const chainKey = Uint8Array.from(random(32))
  const signingSecret = Uint8Array.from(random(32))
  return {
    groupId,
    owner,
    keyId,
    iteration: 0,
    chainKey,
    signingPublic: ed25519.getPublicKey(signingSecret),
    signingSecret,
    skipped: [],
    initialChainKey: chainKey,
    audience: [...audience],
    receivedAt: 0n
  }
}

/** What a member receives: from the start of the chain if it was in the audience, else from now. */
export function distributionFor (own: SenderKeyRecord, member: string): SenderKeyDistribution {
  const fromStart = own.initialChainKey.length === 32 && own.audience.includes(member)
  return {
    groupId: own.groupId,
    keyId: own.keyId,
    iteration: fromStart ? 0 : own.iteration,
    chainKey: fromStart ? own.initialChainKey : own.chainKey,
    signingPublic: own.signingPublic
  }
}

export function recordFromDistribution (owner: string, dist: SenderKeyDistribution): SenderKeyRecord {
  if (dist.chainKey.length !== 32 || dist.signingPublic.length !== 32) {
    throw new GroupError(GroupErrorCode.INVALID, 'sender key distribution has malformed keys')
  }
  return {
    groupId: dist.groupId,
    owner,
    keyId: dist.keyId,
    iteration: dist.iteration,
    chainKey: dist.chainKey,
    signingPublic: dist.signingPublic,
    signingSecret: new Uint8Array(0),
    skipped: [],
    initialChainKey: new Uint8Array(0),
    audience: [],
    receivedAt: 0n
  }
}

/** The reply link and the expiry, signed (and bound into the AEAD) with the rest of the message. */
function replyOf (header: MessageHeader): Pick<GroupMessage, 'replyTo' | 'expiresAt'> {
  return { ...(header.replyTo != null ? { replyTo: Uint8Array.from(header.replyTo) } : {}), expiresAt: BigInt(header.expiresAt ?? 0) }
}

/** Encrypts and signs with the own sender key; returns the message and the advanced record. */
export function encryptMessage (own: SenderKeyRecord, header: MessageHeader, text: string, random: Random = randomBytes): { message: GroupMessage, record: SenderKeyRecord } {
  if (own.signingSecret.length !== 32) throw new GroupError(GroupErrorCode.NO_SENDER_KEY, 'not an own sender key')
  const { messageKey, next } = step(own.chainKey)
  const message: GroupMessage = {
    id: Uint8Array.from(header.id),
    groupId: header.groupId,
    sender: header.sender,
    sentAt: BigInt(header.sentAt),
    encrypted: true,
    keyId: own.keyId,
    iteration: own.iteration,
    nonce: Uint8Array.from(random(NONCE_LENGTH)),
    payload: new Uint8Array(0),
    signature: new Uint8Array(0),
    ...replyOf(header)
  }
  message.payload = xchacha20poly1305(messageKey, message.nonce, associatedData(message)).encrypt(new TextEncoder().encode(text))
  message.signature = ed25519.sign(signingBytes(message), own.signingSecret)
  return { message, record: { ...own, iteration: own.iteration + 1, chainKey: next } }
}

function failed (message: string): GroupError {
  return new GroupError(GroupErrorCode.DECRYPT_FAILED, message)
}

/** Ed25519 verification that treats malformed input (a signature of the wrong length) as a mismatch. */
function verifies (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey)
  } catch {
    return false
  }
}

/**
 * Verifies and decrypts with the sender's record. Out-of-order messages use (and consume) keys
 * skipped earlier; a message key is never used twice. Returns the text and the updated record.
 */
export function decryptMessage (record: SenderKeyRecord, message: GroupMessage): { text: string, record: SenderKeyRecord } {
  if (!message.encrypted || message.keyId !== record.keyId || message.sender !== record.owner) throw failed('message does not belong to this sender key')
  if (!verifies(message.signature, signingBytes(message), record.signingPublic)) {
    throw new GroupError(GroupErrorCode.BAD_SIGNATURE, 'group message signature does not verify')
  }
  let messageKey: Bytes
  let updated: SenderKeyRecord
  if (message.iteration < record.iteration) {
    const index = record.skipped.findIndex(s => s.keyId === record.keyId && s.iteration === message.iteration)
    if (index < 0) throw failed('message key already used or too old')
    messageKey = record.skipped[index].messageKey
    updated = { ...record, skipped: record.skipped.filter((_, i) => i !== index) }
  } else {
    if (message.iteration - record.iteration > MAX_SKIPPED_KEYS) throw failed('message is too far ahead of the chain')
    const skipped = [...record.skipped]
    let chainKey: Bytes = record.chainKey
    for (let i = record.iteration; i < message.iteration; i++) {
      const s = step(chainKey)
      skipped.push({ keyId: record.keyId, iteration: i, messageKey: s.messageKey })
      chainKey = s.next
    }
    const s = step(chainKey)
    messageKey = s.messageKey
    updated = { ...record, iteration: message.iteration + 1, chainKey: s.next, skipped: skipped.slice(-MAX_SKIPPED_KEYS) }
  }
  let plaintext: Uint8Array
  try {
    plaintext = xchacha20poly1305(messageKey, message.nonce, associatedData(message)).decrypt(message.payload)
  } catch {
    throw failed('group message failed authentication')
  }
  return { text: new TextDecoder().decode(plaintext), record: updated }
}

/** Open groups: the text travels in the clear, signed by the sender's identity key. */
export function signOpenMessage (identity: DeviceIdentity, header: MessageHeader, text: string): GroupMessage {
  const message: GroupMessage = {
    id: Uint8Array.from(header.id),
    groupId: header.groupId,
    sender: header.sender,
    sentAt: BigInt(header.sentAt),
    encrypted: false,
    keyId: 0,
    iteration: 0,
    nonce: new Uint8Array(0),
    payload: new TextEncoder().encode(text),
    signature: new Uint8Array(0),
    ...replyOf(header)
  }
  return { ...message, signature: Uint8Array.from(identity.sign(signingBytes(message))) }
}

export function verifyOpenMessage (message: GroupMessage): string {
  let sender
  try {
    sender = parsePeerId(message.sender)
  } catch {
    throw new GroupError(GroupErrorCode.INVALID, 'group message sender is not a PeerId')
  }
  if (message.encrypted || !verifySignature(sender, signingBytes(message), message.signature)) {
    throw new GroupError(GroupErrorCode.BAD_SIGNATURE, 'open group message signature does not verify')
  }
  return new TextDecoder().decode(message.payload)
}
