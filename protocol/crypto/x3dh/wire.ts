/**
 * Binary encodings of prekey bundles and initial messages: a version byte, fixed-size fields in a
 * fixed order and 0/1 presence flags. Fixed sizes make every length check exact, so a decoder
 * accepts one byte string per value and rejects truncation and trailing bytes alike.
 */
import { ByteReader, ByteWriter } from './binary.ts'
import {
  BUNDLE_VERSION, ED25519_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, INITIAL_MESSAGE_VERSION,
  ML_KEM_768_CIPHERTEXT_LENGTH, ML_KEM_768_PUBLIC_KEY_LENGTH, X25519_KEY_LENGTH
} from './constants.ts'
import type { InitialMessage, PrekeyBundle } from './pqxdh.ts'

/** Throws a RangeError (a caller bug, not bad input) when a field has the wrong size. */
function sized (value: Uint8Array, length: number, what: string): Uint8Array {
  if (value.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`)
  return value
}

export function encodePrekeyBundle (bundle: PrekeyBundle): Uint8Array {
  const w = new ByteWriter()
    .u8(BUNDLE_VERSION)
    .bytes(sized(bundle.identityKey, ED25519_KEY_LENGTH, 'identityKey'))
    .u32(bundle.signedPrekey.id)
    .bytes(sized(bundle.signedPrekey.publicKey, X25519_KEY_LENGTH, 'signedPrekey.publicKey'))
    .bytes(sized(bundle.signedPrekey.signature, ED25519_SIGNATURE_LENGTH, 'signedPrekey.signature'))
  if (bundle.oneTimePrekey === undefined) {
    w.u8(0)
  } else {
    w.u8(1).u32(bundle.oneTimePrekey.id).bytes(sized(bundle.oneTimePrekey.publicKey, X25519_KEY_LENGTH, 'oneTimePrekey.publicKey'))
  }
  return w
    .u32(bundle.pqPrekey.id)
    .bytes(sized(bundle.pqPrekey.publicKey, ML_KEM_768_PUBLIC_KEY_LENGTH, 'pqPrekey.publicKey'))
    .bytes(sized(bundle.pqPrekey.signature, ED25519_SIGNATURE_LENGTH, 'pqPrekey.signature'))
    .finish()
}

/** Parses only; signatures are checked by `initiateSession`, which is where trust is decided. */
export function decodePrekeyBundle (bytes: Uint8Array): PrekeyBundle {
  const r = new ByteReader(bytes, 'prekey bundle')
  r.expectVersion(BUNDLE_VERSION)
  const identityKey = r.bytes(ED25519_KEY_LENGTH)
  const signedPrekey = { id: r.u32(), publicKey: r.bytes(X25519_KEY_LENGTH), signature: r.bytes(ED25519_SIGNATURE_LENGTH) }
  const oneTimePrekey = r.flag() ? { id: r.u32(), publicKey: r.bytes(X25519_KEY_LENGTH) } : undefined
  const pqPrekey = { id: r.u32(), publicKey: r.bytes(ML_KEM_768_PUBLIC_KEY_LENGTH), signature: r.bytes(ED25519_SIGNATURE_LENGTH) }
  r.end()
  return { identityKey, signedPrekey, ...(oneTimePrekey !== undefined ? { oneTimePrekey } : {}), pqPrekey }
}

export function encodeInitialMessage (message: InitialMessage): Uint8Array {
  const w = new ByteWriter()
    .u8(INITIAL_MESSAGE_VERSION)
    .bytes(sized(message.identityKey, ED25519_KEY_LENGTH, 'identityKey'))
    .bytes(sized(message.ephemeralKey, X25519_KEY_LENGTH, 'ephemeralKey'))
    .u32(message.signedPrekeyId)
  if (message.oneTimePrekeyId === undefined) w.u8(0)
  else w.u8(1).u32(message.oneTimePrekeyId)
  return w
    .u32(message.pqPrekeyId)
    .bytes(sized(message.kemCiphertext, ML_KEM_768_CIPHERTEXT_LENGTH, 'kemCiphertext'))
    .finish()
}

export function decodeInitialMessage (bytes: Uint8Array): InitialMessage {
  const r = new ByteReader(bytes, 'initial message')
  r.expectVersion(INITIAL_MESSAGE_VERSION)
  const identityKey = r.bytes(ED25519_KEY_LENGTH)
  const ephemeralKey = r.bytes(X25519_KEY_LENGTH)
  const signedPrekeyId = r.u32()
  const oneTimePrekeyId = r.flag() ? r.u32() : undefined
  const pqPrekeyId = r.u32()
  const kemCiphertext = r.bytes(ML_KEM_768_CIPHERTEXT_LENGTH)
  r.end()
  return {
    identityKey,
    ephemeralKey,
    signedPrekeyId,
    ...(oneTimePrekeyId !== undefined ? { oneTimePrekeyId } : {}),
    pqPrekeyId,
    kemCiphertext
  }
}
