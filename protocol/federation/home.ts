// Federation: which rendezvous nodes are a recipient's home. The recipient signs a home record with
// its identity key and stores it in the DHT as a value under /babacloud-home/<its PeerId bytes>.
// DHT servers refuse anything else there (the validator); senders check the record again themselves.
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { peerIdFromBytes, peerIdToBytes, verifySignature } from '../identity.ts'
import { HomeRecordBody, SignedHomeRecord } from './generated/home-record.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { PeerId } from '@libp2p/interface'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The DHT key namespace; kad-dht picks the validator and selector by it. */
export const HOME_NAMESPACE = 'babacloud-home'
const KEY_PREFIX = utf8ToBytes(`/${HOME_NAMESPACE}/`)
const SIGNING_CONTEXT = utf8ToBytes('babacloud/home-record/v1\0')

/** A record holds a few PeerIds and address hints: 2 KiB is ample and bounds what a DHT server keeps. */
export const MAX_HOME_RECORD_BYTES = 2048
/** Several homes, so senders can deposit on k of them; more is no use and only costs space. */
export const MAX_HOMES = 8
export const MAX_ADDRS_PER_HOME = 4
/** A record cannot outlive this, so an old one (a home given up) stops counting on its own. */
export const MAX_HOME_RECORD_LIFETIME_MS = 30 * 24 * 60 * 60_000

export type HomeRecordErrorCode = 'MALFORMED' | 'TOO_LARGE' | 'WRONG_KEY' | 'BAD_SIGNATURE' | 'EXPIRED' | 'TOO_LONG_LIVED'

/** A home record that must not be stored or trusted. */
export class HomeRecordError extends Error {
  readonly code: HomeRecordErrorCode

  constructor (code: HomeRecordErrorCode, message: string) {
    super(message)
    this.name = 'HomeRecordError'
    this.code = code
  }

  static is (err: unknown, code?: HomeRecordErrorCode): err is HomeRecordError {
    return err instanceof Error && err.name === 'HomeRecordError' && (code == null || (err as HomeRecordError).code === code)
  }
}

export interface HomeEntry {
  peer: PeerId
  /** Dial hints from the record (each ends in `/p2p/<peer>`); may be empty. */
  addrs: Multiaddr[]
}

export interface HomeRecord {
  peer: PeerId
  homes: HomeEntry[]
  seq: bigint
  /** ms since epoch */
  expires: number
}

/** The DHT key of a recipient's home record. */
export function homeKey (recipient: PeerId): Uint8Array {
  return concatBytes(KEY_PREFIX, peerIdToBytes(recipient))
}

/** The recipient a home key names; throws HomeRecordError for any other key. */
export function peerOfHomeKey (key: Uint8Array): PeerId {
  const prefixOk = key.length > KEY_PREFIX.length && KEY_PREFIX.every((b, i) => key[i] === b)
  if (!prefixOk) throw new HomeRecordError('WRONG_KEY', 'not a home record key')
  try {
    return peerIdFromBytes(key.subarray(KEY_PREFIX.length))
  } catch {
    throw new HomeRecordError('WRONG_KEY', 'home record key does not name an Ed25519 PeerId')
  }
}

export interface HomeRecordInit {
  homes: Array<{ peer: PeerId, addrs?: Multiaddr[] }>
  seq: bigint
  expires: number
}

/** Signs a home record for `identity`: the bytes to store under `homeKey(identity.peerId)`. */
export function signHomeRecord (identity: DeviceIdentity, init: HomeRecordInit): Uint8Array {
  if (init.homes.length === 0 || init.homes.length > MAX_HOMES) throw new RangeError(`a home record names 1 to ${MAX_HOMES} homes`)
  const body = HomeRecordBody.encode({
    peer: peerIdToBytes(identity.peerId) as Uint8Array<ArrayBuffer>,
    homes: init.homes.map(h => ({
      peer: peerIdToBytes(h.peer) as Uint8Array<ArrayBuffer>,
      addrs: (h.addrs ?? []).slice(0, MAX_ADDRS_PER_HOME).map(ma => ma.decapsulateCode(421).bytes as Uint8Array<ArrayBuffer>)
    })),
    seq: init.seq,
    expires: BigInt(Math.floor(init.expires))
  })
  const signature = identity.sign(concatBytes(SIGNING_CONTEXT, body))
  const bytes = SignedHomeRecord.encode({ body, signature: signature as Uint8Array<ArrayBuffer> })
  if (bytes.length > MAX_HOME_RECORD_BYTES) throw new RangeError(`home record is over ${MAX_HOME_RECORD_BYTES} bytes; give fewer address hints`)
  return bytes
}

/**
 * Checks a home record for `recipient` and decodes it: size, signature by the recipient's own key,
 * the PeerId it names, expiry against `now`, and how far ahead that expiry lies. Throws HomeRecordError.
 */
export function openHomeRecord (recipient: PeerId, bytes: Uint8Array, now: number): HomeRecord {
  if (bytes.length > MAX_HOME_RECORD_BYTES) throw new HomeRecordError('TOO_LARGE', `home record is over ${MAX_HOME_RECORD_BYTES} bytes`)
  let signed: SignedHomeRecord
  let body: HomeRecordBody
  try {
    signed = SignedHomeRecord.decode(bytes)
    body = HomeRecordBody.decode(signed.body, { limits: { homes: MAX_HOMES, homes$: { addrs: MAX_ADDRS_PER_HOME } } })
  } catch (err) {
    throw new HomeRecordError('MALFORMED', `home record does not decode: ${(err as Error).message}`)
  }
  let peer: PeerId
  try {
    peer = peerIdFromBytes(body.peer)
  } catch {
    throw new HomeRecordError('MALFORMED', 'home record names no Ed25519 PeerId')
  }
  if (!peer.equals(recipient)) throw new HomeRecordError('WRONG_KEY', 'home record is for another PeerId than its key')
  if (!verifySignature(recipient, concatBytes(SIGNING_CONTEXT, signed.body), signed.signature)) {
    throw new HomeRecordError('BAD_SIGNATURE', 'home record is not signed by the PeerId it names')
  }
  const expires = Number(body.expires)
  if (expires <= now) throw new HomeRecordError('EXPIRED', 'home record has expired')
  if (expires - now > MAX_HOME_RECORD_LIFETIME_MS) throw new HomeRecordError('TOO_LONG_LIVED', 'home record expires too far ahead')
  if (body.homes.length === 0) throw new HomeRecordError('MALFORMED', 'home record names no home')
  const homes = body.homes.map(h => {
    try {
      const id = peerIdFromMultihash(Digest.decode(h.peer))
      return { peer: id, addrs: h.addrs.map(a => multiaddr(a).encapsulate(`/p2p/${id.toString()}`)) }
    } catch {
      throw new HomeRecordError('MALFORMED', 'home record has a malformed home PeerId or address')
    }
  })
  return { peer, homes, seq: body.seq, expires }
}

/** The kad-dht validator for HOME_NAMESPACE: refuses anything `openHomeRecord` refuses. */
export function homeRecordValidator (now: () => number = Date.now): ValidateFn {
  return (key, value) => { openHomeRecord(peerOfHomeKey(key), value, now()) }
}

/** The kad-dht selector for HOME_NAMESPACE: the highest sequence number; undecodable ones lose. */
export const homeRecordSelector: SelectFn = (_key, records) => {
  let best = 0
  let bestSeq = -1n
  records.forEach((r, i) => {
    try {
      const seq = HomeRecordBody.decode(SignedHomeRecord.decode(r).body).seq
      if (seq > bestSeq) { best = i; bestSeq = seq }
    } catch {}
  })
  return best
}
