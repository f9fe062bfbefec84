// A device's identity: an Ed25519 key whose libp2p PeerId is the device's address.
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString, peerIdFromMultihash } from '@libp2p/peer-id'
import { ed25519 } from '@noble/curves/ed25519.js'
import { randomBytes } from '@noble/hashes/utils.js'
import * as Digest from 'multiformats/hashes/digest'
import { cryptoProvider } from './crypto/provider.ts'
import { InvalidPeerIdError } from './errors.ts'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import { byteKey } from './byte-key.ts'

const SEED_LENGTH = 32

export class DeviceIdentity {
  readonly privateKey: Ed25519PrivateKey
  readonly peerId: PeerId
  readonly publicKey: Uint8Array
  readonly #seed: Uint8Array
  #x25519Secret?: Uint8Array

  private constructor (seed: Uint8Array, privateKey: Ed25519PrivateKey) {
    this.#seed = seed
    this.privateKey = privateKey
    this.peerId = peerIdFromPrivateKey(privateKey)
    this.publicKey = privateKey.publicKey.raw
  }

  static async generate (random: (n: number) => Uint8Array = randomBytes): Promise<DeviceIdentity> {
    return await DeviceIdentity.fromSeed(random(SEED_LENGTH))
  }

  /** Restores an identity from the 32-byte secret seed written by `toSeed()`. */
  static async fromSeed (seed: Uint8Array): Promise<DeviceIdentity> {
    if (seed.length !== SEED_LENGTH) throw new Error(`identity seed must be ${SEED_LENGTH} bytes, got ${seed.length}`)
    const key = await generateKeyPairFromSeed('Ed25519', seed)
    return new DeviceIdentity(Uint8Array.from(seed), key)
  }

  /** The secret seed; whoever has it is this device. */
  toSeed (): Uint8Array {
    return Uint8Array.from(this.#seed)
  }

  sign (message: Uint8Array): Uint8Array {
    return cryptoProvider().ed25519Sign(this.#seed, message)
  }

  /**
   * The X25519 form of the identity secret, used to open payloads sealed to this device. The same
   * array every call, so a native backend imports the key once (its cache is keyed by the array).
   */
  x25519Secret (): Uint8Array {
    this.#x25519Secret ??= ed25519.utils.toMontgomerySecret(this.#seed)
    return this.#x25519Secret
  }
}

/** Parses a PeerId string; only Ed25519 PeerIds carry the public key we need to seal to and verify. */
/** Parsed device ids: the send path parses the same few ids for every message. */
const parsed = new Map<string, PeerId>()
const PARSED_CACHE = 1024

export function parsePeerId (text: string): PeerId {
  const known = parsed.get(text)
  if (known != null) return known
  const peerId = parseNewPeerId(text)
  if (parsed.size >= PARSED_CACHE) parsed.delete(parsed.keys().next().value as string)
  parsed.set(text, peerId)
  return peerId
}

function parseNewPeerId (text: string): PeerId {
  let peerId: PeerId
  try {
    peerId = peerIdFromString(text.trim())
  } catch {
    throw new InvalidPeerIdError(`not a peer id: ${JSON.stringify(text)}`)
  }
  if (peerId.type !== 'Ed25519') throw new InvalidPeerIdError(`peer id ${text} is not an Ed25519 device key`)
  return peerId
}

/** Envelope addresses already parsed: every envelope names the same few devices. */
const fromBytes = new Map<string, PeerId>()

/** The PeerId encoded in envelope `from`/`to` fields (multihash bytes). */
export function peerIdFromBytes (bytes: Uint8Array): PeerId {
  // An Ed25519 PeerId is 38 bytes; anything longer is parsed (and refused) without a cache entry.
  if (bytes.length > 64) return parseNewPeerIdBytes(bytes)
  const key = byteKey(bytes)
  const known = fromBytes.get(key)
  if (known != null) return known
  const peerId = parseNewPeerIdBytes(bytes)
  if (fromBytes.size >= PARSED_CACHE) fromBytes.delete(fromBytes.keys().next().value as string)
  fromBytes.set(key, peerId)
  return peerId
}

function parseNewPeerIdBytes (bytes: Uint8Array): PeerId {
  let peerId: PeerId
  try {
    peerId = peerIdFromMultihash(Digest.decode(bytes))
  } catch {
    throw new InvalidPeerIdError('malformed peer id bytes')
  }
  if (peerId.type !== 'Ed25519') throw new InvalidPeerIdError('peer id is not an Ed25519 device key')
  return peerId
}

export function peerIdToBytes (peerId: PeerId): Uint8Array {
  return peerId.toMultihash().bytes
}

/** Raw 32-byte Ed25519 public key of a device PeerId. */
export function ed25519PublicKeyOf (peerId: PeerId): Uint8Array {
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) throw new InvalidPeerIdError(`peer id ${peerId.toString()} has no Ed25519 key`)
  return peerId.publicKey.raw
}

export function verifySignature (peerId: PeerId, message: Uint8Array, signature: Uint8Array): boolean {
  let key: Uint8Array
  try {
    key = ed25519PublicKeyOf(peerId)
  } catch {
    return false
  }
  return cryptoProvider().ed25519Verify(key, message, signature)
}

