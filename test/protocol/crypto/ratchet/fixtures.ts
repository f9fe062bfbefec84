/** A two-party Double Ratchet harness shared by the ratchet tests. */
import { expect } from 'vitest'
import { concatBytes } from '@noble/hashes/utils.js'
import {
  CryptoError, encodeHeader, initReceiver, initSender, kdfCk, ratchetDecrypt, ratchetEncrypt, serializeState
} from '../../../../protocol/crypto/ratchet/index.ts'
import type { CryptoErrorCode, RatchetHeader, RatchetState } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { open } from '../../../../protocol/crypto/ratchet/kdf.ts'
import { seededRandom, text } from '../helpers.ts'

export interface Sent {
  header: RatchetHeader
  ciphertext: Uint8Array
  plaintext: string
}

/** Two parties whose states are replaced on success, as a caller persisting states would do. */
export class Pair {
  alice: RatchetState
  bob: RatchetState

  constructor (seed = 'pair') {
    const random = seededRandom(seed)
    const sharedSecret = random(32)
    const bobRatchet = generateX25519KeyPair({ randomBytes: random })
    const ad = random(66)
    this.alice = initSender(sharedSecret, bobRatchet.publicKey, ad)
    this.bob = initReceiver(sharedSecret, bobRatchet, ad)
  }

  send (from: 'alice' | 'bob', plaintext: string): Sent {
    const { state, header, ciphertext } = ratchetEncrypt(this[from], text(plaintext))
    this[from] = state
    return { header, ciphertext, plaintext }
  }

  receive (to: 'alice' | 'bob', message: Sent): string {
    const { state, plaintext } = ratchetDecrypt(this[to], message.header, message.ciphertext)
    this[to] = state
    return new TextDecoder().decode(plaintext)
  }
}

/** Asserts `fn` throws a CryptoError with `code` and that `state` was not modified in the process. */
export function expectRejected (state: RatchetState, fn: () => unknown, code: CryptoErrorCode): void {
  const before = serializeState(state)
  let thrown: unknown
  try { fn() } catch (err) { thrown = err }
  expect(CryptoError.is(thrown, code), `expected CryptoError ${code}, got ${String(thrown)}`).toBe(true)
  expect(serializeState(state)).toEqual(before)
}

/**
 * Every key an attacker holding `state` could try on a message: each secret in the state, and the
 * first `depth` message keys of a chain started from each of them.
 */
export function keyCandidates (state: RatchetState, depth = 8): Uint8Array[] {
  const secrets = [
    state.rootKey, state.sendingRatchetKey.secretKey, state.sendingChainKey, state.receivingChainKey,
    ...state.skipped.map((s) => s.messageKey)
  ].filter((k): k is Uint8Array => k !== undefined)
  const out: Uint8Array[] = []
  for (const secret of secrets) {
    out.push(secret)
    let chainKey = secret
    for (let i = 0; i < depth; i++) {
      const step = kdfCk(chainKey)
      out.push(step.messageKey)
      chainKey = step.chainKey
    }
  }
  return out
}

/** True if any candidate key opens the message under the session's AD. */
export function anyKeyOpens (state: RatchetState, message: Sent): boolean {
  const ad = concatBytes(state.associatedData, encodeHeader(message.header))
  return keyCandidates(state).some((key) => {
    try {
      open(key, message.ciphertext, ad)
      return true
    } catch {
      return false
    }
  })
}
