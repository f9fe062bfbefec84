// Account field rules shared by clients and nodes: usernames, the age check, and the normalised,
// salted hashes used for contact discovery (the node never receives a plain email or phone list).
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { ErrorCode, ProtocolError } from '../errors.ts'

export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/
export const MINIMUM_AGE = 13

export function validateUsername (username: string): string {
  const u = username.trim().replace(/^@/, '')
  if (!USERNAME_PATTERN.test(u)) throw new ProtocolError(ErrorCode.INVALID, 'username: 3 to 32 characters of a-z, 0-9 and _')
  return u
}

export function normalizeEmail (email: string): string {
  const e = email.trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) || e.length > 254) throw new ProtocolError(ErrorCode.INVALID, `email: not an email address: ${email}`)
  return e
}

/** E.164: a leading + and 8 to 15 digits; spaces, dashes, dots and brackets are dropped. */
export function normalizePhone (phone: string): string {
  const p = phone.trim().replace(/[\s\-().]/g, '')
  if (!/^\+[1-9]\d{7,14}$/.test(p)) throw new ProtocolError(ErrorCode.INVALID, `phone: use the international form, e.g. +41 79 123 45 67 (got ${phone})`)
  return p
}

/** Whole years between a YYYY-MM-DD birth date and `now`; throws INVALID for other input. */
export function ageOn (birthDate: string, now: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate.trim())
  const born = m == null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(born)
  if (m == null || Number.isNaN(born) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new ProtocolError(ErrorCode.INVALID, `birth date: expected YYYY-MM-DD, got ${birthDate}`)
  }
  if (born > now) throw new ProtocolError(ErrorCode.INVALID, 'birth date is in the future')
  const today = new Date(now)
  let age = today.getUTCFullYear() - d.getUTCFullYear()
  if (today.getUTCMonth() < d.getUTCMonth() || (today.getUTCMonth() === d.getUTCMonth() && today.getUTCDate() < d.getUTCDate())) age--
  return age
}

/** Throws UNDERAGE unless the person is at least MINIMUM_AGE; nothing about the date is kept. */
export function checkAge (birthDate: string, now: number): void {
  if (ageOn(birthDate, now) < MINIMUM_AGE) {
    throw new ProtocolError(ErrorCode.UNDERAGE, `you must be at least ${MINIMUM_AGE} years old to use BabaCloud Chat`)
  }
}

export type IdentifierKind = 'email' | 'phone'

/** HMAC-SHA256 keyed with the node's salt over the kind and the normalised identifier. */
export function hashIdentifier (salt: Uint8Array, kind: IdentifierKind, value: string): Uint8Array {
  const normalized = kind === 'email' ? normalizeEmail(value) : normalizePhone(value)
  return hmac(sha256, salt, utf8ToBytes(`${kind}:${normalized}`))
}
