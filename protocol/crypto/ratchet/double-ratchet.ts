/**
 * The Double Ratchet (Signal's specification, rev. 1, §3.3–3.5, header in the clear) as pure
 * functions over `RatchetState`. Every call returns a new state; on any error the caller's state is
 * untouched, which is how the spec's "discard changes to the state on failure" is implemented.
 * Async because the primitives come from the installed AsyncCryptoProvider (or `options.crypto`);
 * written as steps (kdf.ts) so a synchronous backend runs them without a promise per primitive.
 */
import { concatBytes } from '@noble/hashes/utils.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import { asyncCryptoProvider } from '../provider.ts'
import type { AsyncCryptoProvider } from '../provider.ts'
import type { KeyPair, RandomOptions } from '../x3dh/keys.ts'
import { KEY_LENGTH, MAX_RETIRED_CHAINS, MAX_SKIP, MAX_SKIPPED_TOTAL } from './constants.ts'
import { dhSteps, kdfCkSteps, kdfRkSteps, keyPairSteps, openSteps, runSteps, sealSteps } from './kdf.ts'
import type { Backend, Steps } from './kdf.ts'
import { encodeHeader } from './state.ts'
import type { RatchetHeader, RatchetState, SkippedMessageKey } from './state.ts'

export interface EncryptResult {
  state: RatchetState
  header: RatchetHeader
  ciphertext: Uint8Array
}

export interface DecryptResult {
  state: RatchetState
  plaintext: Uint8Array
}

/** A working copy of a state: scalars and the two lists are fresh, so edits never reach the input. */
interface Draft {
  rootKey: Uint8Array
  sendingRatchetKey: KeyPair
  receivingRatchetKey?: Uint8Array
  sendingChainKey?: Uint8Array
  receivingChainKey?: Uint8Array
  sendCount: number
  receiveCount: number
  previousSendCount: number
  associatedData: Uint8Array
  skipped: SkippedMessageKey[]
  retiredReceivingKeys: Uint8Array[]
}

function draft (state: RatchetState): Draft {
  return { ...state, skipped: [...state.skipped], retiredReceivingKeys: [...state.retiredReceivingKeys] }
}

function checkKey (key: Uint8Array, what: string): void {
  if (key.length !== KEY_LENGTH) throw new CryptoError(CryptoErrorCode.InvalidKey, `${what} must be ${KEY_LENGTH} bytes`)
}

/** RatchetInitAlice: the initiator knows Bob's ratchet key (his signed prekey) and can send at once. */
export interface RatchetOptions extends RandomOptions {
  /** The backend to use; the installed one when absent. */
  crypto?: AsyncCryptoProvider
}

export async function initSender (
  sharedSecret: Uint8Array,
  bobRatchetPublicKey: Uint8Array,
  associatedData: Uint8Array,
  options: RatchetOptions = {}
): Promise<RatchetState> {
  checkKey(sharedSecret, 'shared secret')
  checkKey(bobRatchetPublicKey, 'ratchet public key')
  return await runSteps(options.crypto ?? asyncCryptoProvider(), c => initSenderSteps(sharedSecret, bobRatchetPublicKey, associatedData, options, c))
}

function * initSenderSteps (sharedSecret: Uint8Array, bobRatchetPublicKey: Uint8Array, associatedData: Uint8Array, options: RandomOptions, c: Backend): Steps<RatchetState> {
  const sendingRatchetKey = yield * keyPairSteps(options, c)
  const { rootKey, chainKey } = yield * kdfRkSteps(sharedSecret, yield * dhSteps(sendingRatchetKey.secretKey, bobRatchetPublicKey, c), c)
  return {
    rootKey,
    sendingRatchetKey,
    receivingRatchetKey: bobRatchetPublicKey,
    sendingChainKey: chainKey,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    associatedData,
    skipped: [],
    retiredReceivingKeys: []
  }
}

/** RatchetInitBob: the responder can only send after its first receive has run a DH ratchet step. */
export function initReceiver (sharedSecret: Uint8Array, bobRatchetKeyPair: KeyPair, associatedData: Uint8Array): RatchetState {
  checkKey(sharedSecret, 'shared secret')
  checkKey(bobRatchetKeyPair.publicKey, 'ratchet public key')
  checkKey(bobRatchetKeyPair.secretKey, 'ratchet secret key')
  return {
    rootKey: sharedSecret,
    sendingRatchetKey: bobRatchetKeyPair,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    associatedData,
    skipped: [],
    retiredReceivingKeys: []
  }
}

/** The AEAD's associated data: CONCAT(AD, header). AD has a fixed length per session, so it parses. */
function aeadData (state: { associatedData: Uint8Array }, header: RatchetHeader): Uint8Array {
  return concatBytes(state.associatedData, encodeHeader(header))
}

export async function ratchetEncrypt (state: RatchetState, plaintext: Uint8Array, options: RatchetOptions = {}): Promise<EncryptResult> {
  return await runSteps(options.crypto ?? asyncCryptoProvider(), c => encryptSteps(state, plaintext, c))
}

function * encryptSteps (state: RatchetState, plaintext: Uint8Array, c: Backend): Steps<EncryptResult> {
  if (state.sendingChainKey === undefined) {
    throw new CryptoError(CryptoErrorCode.InvalidState, 'no sending chain yet: the responder must receive first')
  }
  if (state.sendCount >= 0xffffffff) throw new CryptoError(CryptoErrorCode.InvalidState, 'sending chain exhausted')
  const { chainKey, messageKey } = yield * kdfCkSteps(state.sendingChainKey, c)
  const header: RatchetHeader = { dh: state.sendingRatchetKey.publicKey, pn: state.previousSendCount, n: state.sendCount }
  const ciphertext = yield * sealSteps(messageKey, plaintext, aeadData(state, header), c)
  return { state: { ...state, sendingChainKey: chainKey, sendCount: state.sendCount + 1 }, header, ciphertext }
}

function checkHeader (header: RatchetHeader): void {
  const u32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff
  if (header.dh.length !== KEY_LENGTH || !u32(header.pn) || !u32(header.n)) {
    throw new CryptoError(CryptoErrorCode.Malformed, 'ratchet header: bad field')
  }
}

/** SkipMessageKeys: stores the keys of messages not yet seen so they can arrive late. */
function * skipMessageKeys (d: Draft, until: number, c: Backend): Steps<void> {
  if (d.receiveCount + MAX_SKIP < until) {
    throw new CryptoError(CryptoErrorCode.TooManySkipped, `message ${until} is more than ${MAX_SKIP} ahead of ${d.receiveCount}`)
  }
  const dh = d.receivingRatchetKey
  let chain = d.receivingChainKey
  if (chain === undefined || dh === undefined) return
  while (d.receiveCount < until) {
    const next: { chainKey: Uint8Array, messageKey: Uint8Array } = yield * kdfCkSteps(chain, c)
    d.skipped.push({ dh, n: d.receiveCount, messageKey: next.messageKey })
    chain = next.chainKey
    d.receivingChainKey = chain
    d.receiveCount++
  }
  // A chatty peer with a lossy link would otherwise grow the store forever; the oldest keys belong
  // to the messages least likely to still arrive.
  if (d.skipped.length > MAX_SKIPPED_TOTAL) d.skipped.splice(0, d.skipped.length - MAX_SKIPPED_TOTAL)
}

/** DHRatchet: a new peer ratchet key starts a new receiving chain and, with a fresh key of ours, a sending chain. */
function * dhRatchet (d: Draft, header: RatchetHeader, options: RandomOptions, c: Backend): Steps<void> {
  if (d.receivingRatchetKey !== undefined) {
    d.retiredReceivingKeys = [d.receivingRatchetKey, ...d.retiredReceivingKeys].slice(0, MAX_RETIRED_CHAINS)
  }
  d.previousSendCount = d.sendCount
  d.sendCount = 0
  d.receiveCount = 0
  d.receivingRatchetKey = header.dh
  const receiving = yield * kdfRkSteps(d.rootKey, yield * dhSteps(d.sendingRatchetKey.secretKey, header.dh, c), c)
  d.receivingChainKey = receiving.chainKey
  d.sendingRatchetKey = yield * keyPairSteps(options, c)
  const sending = yield * kdfRkSteps(receiving.rootKey, yield * dhSteps(d.sendingRatchetKey.secretKey, header.dh, c), c)
  d.rootKey = sending.rootKey
  d.sendingChainKey = sending.chainKey
}

export async function ratchetDecrypt (
  state: RatchetState,
  header: RatchetHeader,
  ciphertext: Uint8Array,
  options: RatchetOptions = {}
): Promise<DecryptResult> {
  checkHeader(header)
  return await runSteps(options.crypto ?? asyncCryptoProvider(), c => decryptSteps(state, header, ciphertext, options, c))
}

function * decryptSteps (state: RatchetState, header: RatchetHeader, ciphertext: Uint8Array, options: RandomOptions, c: Backend): Steps<DecryptResult> {
  const ad = aeadData(state, header)

  // TrySkippedMessageKeys: a late message uses (and then forgets) its stored key.
  const index = state.skipped.findIndex((s) => s.n === header.n && equalBytes(s.dh, header.dh))
  if (index !== -1) {
    const plaintext = yield * openSteps(state.skipped[index].messageKey, ciphertext, ad, c)
    return { state: { ...state, skipped: state.skipped.filter((_, i) => i !== index) }, plaintext }
  }

  // Not in the store, yet on a chain we already read past: its key was used (or dropped). The spec
  // would try a fresh key and fail to authenticate; naming it lets callers ignore replays quietly.
  const current = state.receivingRatchetKey !== undefined && equalBytes(header.dh, state.receivingRatchetKey)
  if ((current && header.n < state.receiveCount) || state.retiredReceivingKeys.some((k) => equalBytes(k, header.dh))) {
    throw new CryptoError(CryptoErrorCode.DuplicateMessage, `message ${header.n} was already decrypted or its key discarded`)
  }

  const d = draft(state)
  if (!current) {
    yield * skipMessageKeys(d, header.pn, c)
    yield * dhRatchet(d, header, options, c)
  }
  yield * skipMessageKeys(d, header.n, c)
  if (d.receivingChainKey === undefined) throw new CryptoError(CryptoErrorCode.InvalidState, 'no receiving chain')
  const { chainKey, messageKey } = yield * kdfCkSteps(d.receivingChainKey, c)
  d.receivingChainKey = chainKey
  d.receiveCount++
  const plaintext = yield * openSteps(messageKey, ciphertext, ad, c)
  return { state: d, plaintext }
}
