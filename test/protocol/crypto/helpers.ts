/** Shared fixtures for the crypto tests: deterministic randomness, hex, and ready-made parties. */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  createPrekeyBundle, generateIdentity, generateOneTimePrekeys, generatePqPrekey, generateSignedPrekey
} from '../../../protocol/crypto/x3dh/index.ts'
import type {
  IdentityKeyPair, OneTimePrekeyRecord, PqPrekeyRecord, PrekeyBundle, RandomBytes, ResponderRecords, SignedPrekeyRecord
} from '../../../protocol/crypto/x3dh/index.ts'

export const hex = bytesToHex
export const unhex = hexToBytes
export const text = utf8ToBytes
export const decodeText = (b: Uint8Array): string => new TextDecoder().decode(b)

/** Hands out the given byte strings in order and fails loudly on a length mismatch or exhaustion. */
export function queue (...values: Array<Uint8Array | string>): RandomBytes & { remaining: () => number } {
  const items = values.map((v) => typeof v === 'string' ? unhex(v) : v)
  const next = (length: number): Uint8Array => {
    const item = items.shift()
    if (item === undefined) throw new Error(`randomness queue exhausted (wanted ${length} bytes)`)
    if (item.length !== length) throw new Error(`randomness queue: next item is ${item.length} bytes, wanted ${length}`)
    return item
  }
  return Object.assign(next, { remaining: () => items.length })
}

/** A seeded, reproducible byte stream (SHA-256 in counter mode) for tests that need many keys. */
export function seededRandom (seed: string): RandomBytes {
  let counter = 0
  return (length: number) => {
    const out = new Uint8Array(length)
    for (let offset = 0; offset < length; offset += 32) {
      out.set(sha256(utf8ToBytes(`${seed}:${counter++}`)).subarray(0, Math.min(32, length - offset)), offset)
    }
    return out
  }
}

export interface Responder {
  identity: IdentityKeyPair
  signedPrekey: SignedPrekeyRecord
  oneTimePrekeys: OneTimePrekeyRecord[]
  pqPrekey: PqPrekeyRecord
  records: ResponderRecords
  bundle: (withOneTime?: boolean) => PrekeyBundle
}

const responders = new Map<string, Responder>()

/** Deterministic per (seed, count) and immutable, so it is built once per test file and reused. */
export function makeResponder (seed = 'bob', oneTimeCount = 2): Responder {
  const key = `${seed}/${oneTimeCount}`
  const cached = responders.get(key)
  if (cached !== undefined) return cached
  const responder = buildResponder(seed, oneTimeCount)
  responders.set(key, responder)
  return responder
}

function buildResponder (seed: string, oneTimeCount: number): Responder {
  const randomBytes = seededRandom(seed)
  const identity = generateIdentity({ randomBytes })
  const signedPrekey = generateSignedPrekey(identity, { id: 1, randomBytes })
  const oneTimePrekeys = generateOneTimePrekeys(oneTimeCount, { firstId: 100, randomBytes })
  const pqPrekey = generatePqPrekey(identity, { id: 5, randomBytes })
  return {
    identity,
    signedPrekey,
    oneTimePrekeys,
    pqPrekey,
    records: { identity, signedPrekeys: [signedPrekey], oneTimePrekeys, pqPrekeys: [pqPrekey] },
    bundle: (withOneTime = true) => createPrekeyBundle(identity, signedPrekey, pqPrekey, withOneTime ? oneTimePrekeys[0] : undefined)
  }
}

/** Flips one bit of a copy. */
export function flip (bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const copy = bytes.slice()
  copy[index] ^= 1 << bit
  return copy
}
