/**
 * PQXDH session setup (Signal's X3DH + PQXDH specifications, rev. 3): the initiator combines four
 * X25519 agreements and one ML-KEM-768 encapsulation into a 32-byte secret the responder can
 * recompute offline from its prekeys. Pure functions; the caller stores and deletes prekeys.
 */
import { concatBytes, randomBytes as defaultRandomBytes } from '@noble/hashes/utils.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { cryptoProvider } from '../provider.ts'
import { CryptoError, CryptoErrorCode, wrapCrypto } from './errors.ts'
import {
  ED25519_KEY_LENGTH, ML_KEM_768_CIPHERTEXT_LENGTH, ML_KEM_768_ENCAPSULATION_RANDOMNESS,
  ML_KEM_768_PUBLIC_KEY_LENGTH, PQXDH_F, PQXDH_INFO, PQXDH_SALT, SHARED_SECRET_LENGTH, X25519_KEY_LENGTH
} from './constants.ts'
import {
  dh, encodeEd25519, encodeKem, encodeX25519, generateX25519KeyPair, identityToX25519Public,
  identityToX25519Secret, verifyPrekey
} from './keys.ts'
import type {
  IdentityKeyPair, OneTimePrekeyRecord, PqPrekeyRecord, RandomOptions, SignedPrekeyRecord
} from './keys.ts'

/** What a responder publishes (through rendezvous or the DHT) so others can start sessions offline. */
export interface PrekeyBundle {
  /** Ed25519 identity public key (the libp2p key). */
  identityKey: Uint8Array
  signedPrekey: { id: number, publicKey: Uint8Array, signature: Uint8Array }
  /** Absent when the publisher ran out: PQXDH then runs without DH4. */
  oneTimePrekey?: { id: number, publicKey: Uint8Array }
  /** A one-time ML-KEM prekey if one is left, else the last-resort one. */
  pqPrekey: { id: number, publicKey: Uint8Array, signature: Uint8Array }
}

/** The spec's initial message, minus the first ciphertext (the ratchet message carries that). */
export interface InitialMessage {
  identityKey: Uint8Array
  ephemeralKey: Uint8Array
  signedPrekeyId: number
  oneTimePrekeyId?: number
  pqPrekeyId: number
  kemCiphertext: Uint8Array
}

export interface InitiatedSession {
  sharedSecret: Uint8Array
  associatedData: Uint8Array
  initialMessage: InitialMessage
}

/** The responder's private prekeys, however its store keeps them (usually only the ones referenced). */
export interface ResponderRecords {
  identity: IdentityKeyPair
  signedPrekeys: readonly SignedPrekeyRecord[]
  oneTimePrekeys: readonly OneTimePrekeyRecord[]
  pqPrekeys: readonly PqPrekeyRecord[]
}

export interface AcceptedSession {
  sharedSecret: Uint8Array
  associatedData: Uint8Array
  remoteIdentityKey: Uint8Array
  /** The responder's first ratchet key pair (the signed prekey, as in Signal). */
  signedPrekey: SignedPrekeyRecord
  /** Delete this one-time prekey now: reusing it would void the replay protection it buys. */
  consumedOneTimePrekeyId?: number
  /** Set when the ML-KEM prekey used was a one-time one: delete it too. */
  consumedPqPrekeyId?: number
}

/** Publishes the public halves of the owner's records as a bundle. */
export function createPrekeyBundle (
  identity: IdentityKeyPair,
  signedPrekey: SignedPrekeyRecord,
  pqPrekey: PqPrekeyRecord,
  oneTimePrekey?: OneTimePrekeyRecord
): PrekeyBundle {
  return {
    identityKey: identity.publicKey,
    signedPrekey: { id: signedPrekey.id, publicKey: signedPrekey.keyPair.publicKey, signature: signedPrekey.signature },
    ...(oneTimePrekey !== undefined ? { oneTimePrekey: { id: oneTimePrekey.id, publicKey: oneTimePrekey.keyPair.publicKey } } : {}),
    pqPrekey: { id: pqPrekey.id, publicKey: pqPrekey.keyPair.publicKey, signature: pqPrekey.signature }
  }
}

/** KDF(KM) = HKDF-SHA256(salt = 0^32, IKM = F || KM, info), KM = DH1 || DH2 || DH3 [|| DH4] || SS. */
export function pqxdhKdf (dhOutputs: readonly Uint8Array[], kemSecret: Uint8Array): Uint8Array {
  return cryptoProvider().hkdfSha256(concatBytes(PQXDH_F, ...dhOutputs, kemSecret), PQXDH_SALT, PQXDH_INFO, SHARED_SECRET_LENGTH)
}

/** AD = Encode(IK_A) || Encode(IK_B): initiator first, so both sides build the same bytes. */
export function pqxdhAssociatedData (initiatorIdentityKey: Uint8Array, responderIdentityKey: Uint8Array): Uint8Array {
  return concatBytes(encodeEd25519(initiatorIdentityKey), encodeEd25519(responderIdentityKey))
}

function requireLength (value: Uint8Array, length: number, what: string): void {
  if (value.length !== length) throw new CryptoError(CryptoErrorCode.Malformed, `${what} must be ${length} bytes`)
}

/** Alice's side: verifies the bundle, then derives SK and the initial message for Bob. */
export function initiateSession (ours: IdentityKeyPair, bundle: PrekeyBundle, options: RandomOptions = {}): InitiatedSession {
  const random = options.randomBytes ?? defaultRandomBytes
  requireLength(bundle.identityKey, ED25519_KEY_LENGTH, 'bundle identity key')
  requireLength(bundle.signedPrekey.publicKey, X25519_KEY_LENGTH, 'signed prekey')
  requireLength(bundle.pqPrekey.publicKey, ML_KEM_768_PUBLIC_KEY_LENGTH, 'ML-KEM prekey')
  if (bundle.oneTimePrekey !== undefined) requireLength(bundle.oneTimePrekey.publicKey, X25519_KEY_LENGTH, 'one-time prekey')

  // The spec aborts before any DH if either signature fails: a forged bundle must cost nothing.
  if (!verifyPrekey(bundle.identityKey, encodeX25519(bundle.signedPrekey.publicKey), bundle.signedPrekey.signature)) {
    throw new CryptoError(CryptoErrorCode.BadSignature, `signed prekey ${bundle.signedPrekey.id}: bad signature`)
  }
  if (!verifyPrekey(bundle.identityKey, encodeKem(bundle.pqPrekey.publicKey), bundle.pqPrekey.signature)) {
    throw new CryptoError(CryptoErrorCode.BadSignature, `ML-KEM prekey ${bundle.pqPrekey.id}: bad signature`)
  }

  const ephemeral = generateX25519KeyPair({ randomBytes: random })
  const remoteIdentityX = identityToX25519Public(bundle.identityKey)
  const dhOutputs = [
    dh(identityToX25519Secret(ours), bundle.signedPrekey.publicKey), // DH1 = DH(IK_A, SPK_B)
    dh(ephemeral.secretKey, remoteIdentityX), // DH2 = DH(EK_A, IK_B)
    dh(ephemeral.secretKey, bundle.signedPrekey.publicKey) // DH3 = DH(EK_A, SPK_B)
  ]
  if (bundle.oneTimePrekey !== undefined) dhOutputs.push(dh(ephemeral.secretKey, bundle.oneTimePrekey.publicKey)) // DH4

  const kemRandomness = random(ML_KEM_768_ENCAPSULATION_RANDOMNESS)
  const { cipherText, sharedSecret: kemSecret } = wrapCrypto(CryptoErrorCode.InvalidKey, 'ML-KEM prekey is not a valid public key',
    () => ml_kem768.encapsulate(bundle.pqPrekey.publicKey, kemRandomness))

  return {
    sharedSecret: pqxdhKdf(dhOutputs, kemSecret),
    associatedData: pqxdhAssociatedData(ours.publicKey, bundle.identityKey),
    initialMessage: {
      identityKey: ours.publicKey,
      ephemeralKey: ephemeral.publicKey,
      signedPrekeyId: bundle.signedPrekey.id,
      ...(bundle.oneTimePrekey !== undefined ? { oneTimePrekeyId: bundle.oneTimePrekey.id } : {}),
      pqPrekeyId: bundle.pqPrekey.id,
      kemCiphertext: cipherText
    }
  }
}

/**
 * Bob's side. Success here does not authenticate Alice yet: the caller must decrypt the first
 * ratchet message with the result and only then keep the session and delete the consumed prekeys.
 */
export function acceptSession (records: ResponderRecords, message: InitialMessage): AcceptedSession {
  requireLength(message.identityKey, ED25519_KEY_LENGTH, 'initiator identity key')
  requireLength(message.ephemeralKey, X25519_KEY_LENGTH, 'ephemeral key')
  requireLength(message.kemCiphertext, ML_KEM_768_CIPHERTEXT_LENGTH, 'KEM ciphertext')

  const signedPrekey = records.signedPrekeys.find((r) => r.id === message.signedPrekeyId)
  if (signedPrekey === undefined) throw new CryptoError(CryptoErrorCode.UnknownPrekey, `unknown signed prekey ${message.signedPrekeyId}`)
  const pqPrekey = records.pqPrekeys.find((r) => r.id === message.pqPrekeyId)
  if (pqPrekey === undefined) throw new CryptoError(CryptoErrorCode.UnknownPrekey, `unknown ML-KEM prekey ${message.pqPrekeyId}`)
  let oneTimePrekey: OneTimePrekeyRecord | undefined
  if (message.oneTimePrekeyId !== undefined) {
    oneTimePrekey = records.oneTimePrekeys.find((r) => r.id === message.oneTimePrekeyId)
    if (oneTimePrekey === undefined) throw new CryptoError(CryptoErrorCode.UnknownPrekey, `unknown one-time prekey ${message.oneTimePrekeyId}`)
  }

  const dhOutputs = [
    dh(signedPrekey.keyPair.secretKey, identityToX25519Public(message.identityKey)), // DH1
    dh(identityToX25519Secret(records.identity), message.ephemeralKey), // DH2
    dh(signedPrekey.keyPair.secretKey, message.ephemeralKey) // DH3
  ]
  if (oneTimePrekey !== undefined) dhOutputs.push(dh(oneTimePrekey.keyPair.secretKey, message.ephemeralKey)) // DH4
  // ML-KEM rejects implicitly: a bad ciphertext yields a pseudorandom secret, so a forgery shows up
  // as a failed first decryption rather than here.
  const kemSecret = ml_kem768.decapsulate(message.kemCiphertext, pqPrekey.keyPair.secretKey)

  return {
    sharedSecret: pqxdhKdf(dhOutputs, kemSecret),
    associatedData: pqxdhAssociatedData(message.identityKey, records.identity.publicKey),
    remoteIdentityKey: message.identityKey,
    signedPrekey,
    ...(oneTimePrekey !== undefined ? { consumedOneTimePrekeyId: oneTimePrekey.id } : {}),
    ...(pqPrekey.lastResort ? {} : { consumedPqPrekeyId: pqPrekey.id })
  }
}
