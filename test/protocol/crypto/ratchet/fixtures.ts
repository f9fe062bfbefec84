/** Two-party harnesses shared by the ratchet tests: bare Double Ratchet states, and SessionCiphers. */
import { expect } from 'vitest'
import { concatBytes } from '@noble/hashes/utils.js'
import {
  CryptoError, SessionCipher, encodeHeader, initReceiver, initSender, kdfCk, ratchetDecrypt, ratchetEncrypt, serializeState
} from '../../../../protocol/crypto/ratchet/index.ts'
import type { CryptoErrorCode, PrekeyStore, RatchetHeader, RatchetState, SessionStore } from '../../../../protocol/crypto/ratchet/index.ts'
import { createPrekeyBundle, generateX25519KeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { open } from '../../../../protocol/crypto/ratchet/kdf.ts'
import type { AsyncCryptoProvider } from '../../../../protocol/crypto/provider.ts'
import { makeResponder, seededRandom, text } from '../helpers.ts'
import type { Responder } from '../helpers.ts'

export interface Sent {
  header: RatchetHeader
  ciphertext: Uint8Array
  plaintext: string
}

/** Two parties whose states are replaced on success, as a caller persisting states would do. */
export class Pair {
  alice!: RatchetState
  bob!: RatchetState
  /** The backend each party runs: a pair may mix them (the cross-backend tests do). */
  readonly crypto: { alice?: AsyncCryptoProvider, bob?: AsyncCryptoProvider }

  private constructor (crypto: { alice?: AsyncCryptoProvider, bob?: AsyncCryptoProvider }) {
    this.crypto = crypto
  }

  static async create (seed = 'pair', crypto: { alice?: AsyncCryptoProvider, bob?: AsyncCryptoProvider } = {}): Promise<Pair> {
    const pair = new Pair(crypto)
    const random = seededRandom(seed)
    const sharedSecret = random(32)
    const bobRatchet = generateX25519KeyPair({ randomBytes: random })
    const ad = random(66)
    pair.alice = await initSender(sharedSecret, bobRatchet.publicKey, ad, { crypto: crypto.alice })
    pair.bob = initReceiver(sharedSecret, bobRatchet, ad)
    return pair
  }

  async send (from: 'alice' | 'bob', plaintext: string): Promise<Sent> {
    const { state, header, ciphertext } = await ratchetEncrypt(this[from], text(plaintext), { crypto: this.crypto[from] })
    this[from] = state
    return { header, ciphertext, plaintext }
  }

  async receive (to: 'alice' | 'bob', message: Sent): Promise<string> {
    const { state, plaintext } = await ratchetDecrypt(this[to], message.header, message.ciphertext, { crypto: this.crypto[to] })
    this[to] = state
    return new TextDecoder().decode(plaintext)
  }
}

/** Asserts `fn` throws a CryptoError with `code` and that `state` was not modified in the process. */
export async function expectRejected (state: RatchetState, fn: () => Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  const before = serializeState(state)
  let thrown: unknown
  try { await fn() } catch (err) { thrown = err }
  expect(CryptoError.is(thrown, code), `expected CryptoError ${code}, got ${String(thrown)}`).toBe(true)
  expect(serializeState(state)).toEqual(before)
}

/**
 * Every key an attacker holding `state` could try on a message: each secret in the state, and the
 * first `depth` message keys of a chain started from each of them.
 */
export async function keyCandidates (state: RatchetState, depth = 8): Promise<Uint8Array[]> {
  const secrets = [
    state.rootKey, state.sendingRatchetKey.secretKey, state.sendingChainKey, state.receivingChainKey,
    ...state.skipped.map((s) => s.messageKey)
  ].filter((k): k is Uint8Array => k !== undefined)
  const out: Uint8Array[] = []
  for (const secret of secrets) {
    out.push(secret)
    let chainKey = secret
    for (let i = 0; i < depth; i++) {
      const step = await kdfCk(chainKey)
      out.push(step.messageKey)
      chainKey = step.chainKey
    }
  }
  return out
}

/** True if any candidate key opens the message under the session's AD. */
export async function anyKeyOpens (state: RatchetState, message: Sent): Promise<boolean> {
  const ad = concatBytes(state.associatedData, encodeHeader(message.header))
  for (const key of await keyCandidates(state)) {
    try {
      await open(key, message.ciphertext, ad)
      return true
    } catch {
      // not this one
    }
  }
  return false
}

/** An in-memory session store that yields to the event loop, so unserialised callers would interleave. */
export class MemorySessions implements SessionStore {
  readonly records = new Map<string, Uint8Array>()
  writes = 0
  loads = 0
  /** The next this-many writes fail (a full disk) without storing anything. */
  failWrites = 0
  loadSession = async (peer: string): Promise<Uint8Array | undefined> => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    this.loads++
    return this.records.get(peer)
  }

  storeSession = async (peer: string, record: Uint8Array): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    if (this.failWrites > 0) {
      this.failWrites--
      throw new Error('disk full')
    }
    this.records.set(peer, record)
    this.writes++
  }

  deleteSession = async (peer: string): Promise<void> => {
    this.records.delete(peer)
  }
}

export function prekeyStore (r: Responder): PrekeyStore & { removed: number[] } {
  const oneTime = new Map(r.oneTimePrekeys.map((k) => [k.id, k]))
  const removed: number[] = []
  return {
    removed,
    loadSignedPrekey: async (id) => id === r.signedPrekey.id ? r.signedPrekey : undefined,
    loadOneTimePrekey: async (id) => oneTime.get(id),
    loadPqPrekey: async (id) => id === r.pqPrekey.id ? r.pqPrekey : undefined,
    removeOneTimePrekey: async (id) => { oneTime.delete(id); removed.push(id) },
    removePqPrekey: async () => {}
  }
}

export async function expectCode (promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(CryptoError.is(err, code), `expected CryptoError ${code}, got ${String(err)}`).toBe(true)
}

/** A device that both starts sessions and accepts them: its own prekeys, sessions and cipher. */
export interface Device {
  name: string
  keys: Responder
  sessions: MemorySessions
  prekeys: ReturnType<typeof prekeyStore>
  cipher: SessionCipher
  /** Bundles hand out one-time prekeys in order, then none (as a rendezvous that ran out would). */
  bundlesIssued: number
}

export function device (name: string, seed: string, oneTime = 4): Device {
  const keys = makeResponder(`${seed}-${name}`, oneTime)
  const sessions = new MemorySessions()
  const prekeys = prekeyStore(keys)
  return { name, keys, sessions, prekeys, cipher: new SessionCipher({ identity: keys.identity, sessionStore: sessions, prekeyStore: prekeys }), bundlesIssued: 0 }
}

/** `from` fetches `to`'s bundle and starts a session with it. */
export async function initiate (from: Device, to: Device): Promise<void> {
  const k = to.keys
  const bundle = createPrekeyBundle(k.identity, k.signedPrekey, k.pqPrekey, k.oneTimePrekeys[to.bundlesIssued++])
  await from.cipher.initSession(to.name, bundle)
}
