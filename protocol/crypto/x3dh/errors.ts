/**
 * The one error type of the crypto core. Callers branch on `code`, and check with
 * `CryptoError.is(err, code)` rather than `instanceof`, because two copies of this module
 * (bundled app + worker, or two package versions) each have their own class object.
 */

export const CryptoErrorCode = {
  /** A prekey signature does not verify under the bundle's identity key. */
  BadSignature: 'BadSignature',
  /** An initial message names a prekey id we do not hold (consumed, rotated or never issued). */
  UnknownPrekey: 'UnknownPrekey',
  /** Bytes do not parse: wrong version, wrong length, truncated, trailing data. */
  Malformed: 'Malformed',
  /** A public key is not a valid point, or a DH with it yields the all-zero output. */
  InvalidKey: 'InvalidKey',
  /** AEAD authentication failed: tampered ciphertext or header, wrong key or wrong AD. */
  DecryptFailed: 'DecryptFailed',
  /** The message key was already used (replay) or was discarded. */
  DuplicateMessage: 'DuplicateMessage',
  /** Decrypting would need more than MAX_SKIP skipped message keys. */
  TooManySkipped: 'TooManySkipped',
  /** The operation is not possible in this state (e.g. a receiver sending before it received). */
  InvalidState: 'InvalidState',
  /** No session with this peer, and the message cannot start one. */
  NoSession: 'NoSession',
  /** The caller's trust hook refused the peer's identity key. */
  UntrustedIdentity: 'UntrustedIdentity'
} as const

export type CryptoErrorCode = typeof CryptoErrorCode[keyof typeof CryptoErrorCode]

export class CryptoError extends Error {
  // Equivalent of `static name = 'CryptoError'` (keeps the name through minifiers). The field form
  // fails here: with `useDefineForClassFields: false` it compiles to an assignment to the read-only
  // `Function.name` and throws a TypeError when the module loads (TS2699 reports the same).
  static {
    Object.defineProperty(this, 'name', { value: 'CryptoError' })
  }

  readonly code: CryptoErrorCode

  constructor (code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CryptoError'
    this.code = code
  }

  /** Duck-typed on `name` and `code` so it works across module copies. */
  static is (err: unknown, code?: CryptoErrorCode): err is CryptoError {
    if (typeof err !== 'object' || err === null) return false
    const candidate = err as { name?: unknown, code?: unknown }
    if (candidate.name !== 'CryptoError' || typeof candidate.code !== 'string') return false
    return code === undefined || candidate.code === code
  }
}

/** Runs `fn`, turning any non-CryptoError it throws into a CryptoError with `code`. */
export function wrapCrypto<T> (code: CryptoErrorCode, message: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (CryptoError.is(err)) throw err
    throw new CryptoError(code, message, { cause: err })
  }
}
