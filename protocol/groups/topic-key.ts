// A group's gossipsub topic and what protects it. Members share a random topic secret (in the group
// state, sent only to members); from it they derive an Ed25519 topic key and a gossip key. The topic
// is the hash of the topic key's public half and its owner, so announcing it says nothing about the
// group; a member proves to its rendezvous that it holds the secret by signing with the topic key
// (the node then relays the topic for it), and everything published on the topic is sealed under
// the gossip key, so even a peer that gets hold of the bytes reads neither text nor sender.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { toString as uint8ArrayToString } from 'uint8arrays'
import { parsePeerId, verifySignature } from '../identity.ts'
import { GROUP_TOPIC_PREFIX, PROOF_MAX_SKEW_MS } from './constants.ts'
import { GroupError, GroupErrorCode } from './errors.ts'
import type { TopicProof } from './generated/groups.ts'
import type { DeviceIdentity } from '../identity.ts'

const enc = new TextEncoder()
const TOPIC_KEY_INFO = enc.encode('babacloud/group-topic-key/v1')
const GOSSIP_KEY_INFO = enc.encode('babacloud/group-gossip-key/v1')
const TOPIC_CONTEXT = enc.encode('babacloud/group-topic/v1\0')
const OWNER_CONTEXT = enc.encode('babacloud/group-topic-owner/v1\0')
const PROOF_CONTEXT = enc.encode('babacloud/group-relay-proof/v1\0')
const NONCE_LENGTH = 24
export const TOPIC_SECRET_LENGTH = 32

/** A topic name: the prefix and 64 hex characters. Anything else is not a group topic. */
export const GROUP_TOPIC = /^babacloud\/group\/[0-9a-f]{64}$/

type Bytes = Uint8Array<ArrayBuffer>

export interface TopicKeys {
  topicPublic: Bytes
  signingSecret: Bytes
  gossipKey: Bytes
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function newTopicSecret (random: (n: number) => Uint8Array = randomBytes): Bytes {
  return Uint8Array.from(random(TOPIC_SECRET_LENGTH))
}

export function topicKeys (secret: Uint8Array): TopicKeys {
  if (secret.length !== TOPIC_SECRET_LENGTH) throw new GroupError(GroupErrorCode.INVALID, 'topic secret must be 32 bytes')
  const signingSecret = Uint8Array.from(hkdf(sha256, secret, undefined, TOPIC_KEY_INFO, 32))
  return { signingSecret, topicPublic: Uint8Array.from(ed25519.getPublicKey(signingSecret)), gossipKey: Uint8Array.from(hkdf(sha256, secret, undefined, GOSSIP_KEY_INFO, 32)) }
}

/** The topic of a topic key and its owner: a hash, so it names no group and cannot be guessed. */
export function topicName (topicPublic: Uint8Array, owner: string): string {
  return GROUP_TOPIC_PREFIX + uint8ArrayToString(sha256(concat(TOPIC_CONTEXT, topicPublic, enc.encode(owner))), 'base16')
}

/** The owner vouches for the topic key: the relay applies the owner's plan to the topic. */
export function signTopicOwner (owner: DeviceIdentity, topicPublic: Uint8Array): Bytes {
  return Uint8Array.from(owner.sign(concat(OWNER_CONTEXT, topicPublic)))
}

export function verifyTopicOwner (owner: string, topicPublic: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature(parsePeerId(owner), concat(OWNER_CONTEXT, topicPublic), signature)
  } catch {
    return false
  }
}

function proofBytes (node: string, prover: string, issuedAt: number): Uint8Array {
  const time = new Uint8Array(8)
  new DataView(time.buffer).setFloat64(0, issuedAt)
  return concat(PROOF_CONTEXT, enc.encode(node), Uint8Array.of(0), enc.encode(prover), Uint8Array.of(0), time)
}

/** What a member hands its rendezvous: bound to that node and to the member's own PeerId. */
export function makeProof (secret: Uint8Array, owner: string, ownerSignature: Uint8Array, node: string, prover: string, issuedAt: number): TopicProof {
  const keys = topicKeys(secret)
  const signature = Uint8Array.from(ed25519.sign(proofBytes(node, prover, issuedAt), keys.signingSecret))
  return { topicPublic: keys.topicPublic, topicOwner: owner, topicOwnerSignature: Uint8Array.from(ownerSignature), issuedAt, signature }
}

export class ProofError extends Error {
  static readonly NAME = 'ProofError'
  readonly expired: boolean

  constructor (message: string, expired = false) {
    super(message)
    this.name = ProofError.NAME
    this.expired = expired
  }
}

function verifies (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey)
  } catch {
    return false
  }
}

/** The node's check of a proof from `prover`; returns the topic it proves. Throws ProofError. */
export function verifyProof (proof: TopicProof, node: string, prover: string, now: number): string {
  if (proof.topicPublic.length !== 32 || proof.signature.length !== 64) throw new ProofError('malformed topic proof')
  if (!Number.isFinite(proof.issuedAt) || Math.abs(now - proof.issuedAt) > PROOF_MAX_SKEW_MS) throw new ProofError('topic proof is outside the accepted time window', true)
  if (!verifyTopicOwner(proof.topicOwner, proof.topicPublic, proof.topicOwnerSignature)) throw new ProofError('topic owner signature does not verify')
  if (!verifies(proof.signature, proofBytes(node, prover, proof.issuedAt), proof.topicPublic)) throw new ProofError('topic proof signature does not verify')
  return topicName(proof.topicPublic, proof.topicOwner)
}

/** Seals a group message for the topic: nonce || XChaCha20-Poly1305(gossipKey), the topic as AD. */
export function sealGossip (gossipKey: Uint8Array, topic: string, bytes: Uint8Array, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  const nonce = Uint8Array.from(random(NONCE_LENGTH))
  return concat(nonce, xchacha20poly1305(gossipKey, nonce, enc.encode(topic)).encrypt(bytes))
}

/** Undefined when the bytes were not sealed under this group's gossip key. */
export function openGossip (gossipKey: Uint8Array, topic: string, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length <= NONCE_LENGTH) return undefined
  try {
    return xchacha20poly1305(gossipKey, sealed.subarray(0, NONCE_LENGTH), enc.encode(topic)).decrypt(sealed.subarray(NONCE_LENGTH))
  } catch {
    return undefined
  }
}
