// One-time codes (device links, identifier verification): uniformly random digits, stored only as
// a digest, checked with a bounded number of attempts by the account store.
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { CodeAttempt } from './account-store.ts'

/** Digits per code: 10^8 possibilities against CODE_ATTEMPTS guesses per code. */
export const CODE_DIGITS = 8
/** Wrong guesses a code survives; the last one deletes it. */
export const CODE_ATTEMPTS = 5

/**
 * `digits` uniformly random decimal digits. Rejection sampling over 32-bit draws: values at or above
 * the largest multiple of 10^digits are redrawn, so no residue is likelier than another (no modulo bias).
 */
export function randomDigits (digits: number, random: (n: number) => Uint8Array): string {
  if (!Number.isInteger(digits) || digits < 1 || digits > 9) throw new RangeError('digits: 1 to 9')
  const range = 10 ** digits
  const limit = Math.floor(2 ** 32 / range) * range
  while (true) {
    const b = random(4)
    const value = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3]
    if (value < limit) return (value % range).toString().padStart(digits, '0')
  }
}

/** `12345678` → `1234-5678`: easier to read out and type. */
export function formatCode (digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4)}`
}

/** The digits of a code as typed (spaces and dashes allowed); INVALID for anything else. */
export function parseCode (typed: string): string {
  const digits = typed.replace(/[\s-]/g, '')
  if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits)) throw new ProtocolError(ErrorCode.INVALID, `code: expected ${CODE_DIGITS} digits`)
  return digits
}

/** What the store keeps instead of the code. */
export function codeDigest (digits: string): Uint8Array {
  return sha256(utf8ToBytes(`babacloud/one-time-code/v1:${digits}`))
}

/** Equal bytes, in time that does not depend on where they differ. */
export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** The typed error for a code that was not accepted. */
export function codeRefusal (attempt: Exclude<CodeAttempt, { outcome: 'accepted' }>, what: string): ProtocolError {
  switch (attempt.outcome) {
    case 'wrong': return attempt.attemptsLeft > 0
      ? new ProtocolError(ErrorCode.WRONG_CODE, `wrong ${what}; ${attempt.attemptsLeft} attempts left`)
      : new ProtocolError(ErrorCode.WRONG_CODE, `wrong ${what}; too many wrong attempts, so it no longer works: ask for a new one`)
    case 'expired': return new ProtocolError(ErrorCode.EXPIRED, `the ${what} expired: ask for a new one`)
    case 'none': return new ProtocolError(ErrorCode.NOT_FOUND, `no ${what} is pending: it was used, replaced, expired or ended by wrong attempts`)
  }
}
