/** PQXDH session setup, prekey material, wire encodings, safety numbers and the crypto error type. */
export { CryptoError, CryptoErrorCode } from './errors.ts'
export {
  generateIdentity, identityFromSeed, identityFromLibp2pPrivateKey, generateSignedPrekey,
  generateOneTimePrekeys, generatePqPrekey, generateX25519KeyPair, identityToX25519Public, identityToX25519Secret
} from './keys.ts'
export type {
  RandomBytes, RandomOptions, KeyPair, IdentityKeyPair, SignedPrekeyRecord, OneTimePrekeyRecord, PqPrekeyRecord
} from './keys.ts'
export { initiateSession, acceptSession, createPrekeyBundle } from './pqxdh.ts'
export type { PrekeyBundle, InitialMessage, InitiatedSession, ResponderRecords, AcceptedSession } from './pqxdh.ts'
export { encodePrekeyBundle, decodePrekeyBundle, encodeInitialMessage, decodeInitialMessage } from './wire.ts'
export { safetyNumber, formatSafetyNumber, SAFETY_NUMBER_ITERATIONS } from './safety-number.ts'
