// Proof of control of an email address or phone number before it becomes discoverable: a one-time
// code goes to the identifier, the account that submits it gets the identifier's discovery entry.
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js'
import { hashIdentifier } from '../../protocol/account/identifiers.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { RateLimiter } from '../limits/rate-limiter.ts'
import { CODE_ATTEMPTS, CODE_DIGITS, codeDigest, codeRefusal, formatCode, parseCode, randomDigits, sameBytes } from './one-time-code.ts'
import type { AccountRecord, AccountStore, IdentifierKind } from './account-store.ts'
import type { CodeSenders } from './code-sender.ts'
import type { AbortOptions } from '@libp2p/interface'

export const VERIFY_CODE_TTL_MS = 15 * 60_000
/**
 * Codes sent per account and kind, and per identifier (whoever asks): each one is a mail or SMS
 * to someone, so a burst of 5, then 10 an hour.
 */
const SEND_LIMIT = { perMinute: 10 / 60, burst: 5 }

const NAMES: Record<IdentifierKind, string> = { email: 'email address', phone: 'phone number' }

export function parseKind (kind: string): IdentifierKind {
  if (kind !== 'email' && kind !== 'phone') throw new ProtocolError(ErrorCode.INVALID, `kind: expected email or phone, got ${JSON.stringify(kind)}`)
  return kind
}

export interface IdentifierVerificationInit {
  accounts: AccountStore
  senders: CodeSenders
  salt: () => Promise<Uint8Array>
  now: () => number
  random?: (n: number) => Uint8Array
}

export class IdentifierVerification {
  readonly #init: IdentifierVerificationInit
  readonly #random: (n: number) => Uint8Array
  readonly #perAccount: RateLimiter
  readonly #perTarget: RateLimiter

  constructor (init: IdentifierVerificationInit) {
    this.#init = init
    this.#random = init.random ?? randomBytes
    this.#perAccount = new RateLimiter(SEND_LIMIT, { now: init.now })
    this.#perTarget = new RateLimiter(SEND_LIMIT, { now: init.now })
  }

  async #hash (kind: IdentifierKind, value: string): Promise<Uint8Array> {
    return hashIdentifier(await this.#init.salt(), kind, value)
  }

  /** Sends a code to the account's current `kind` identifier; returns when it stops working. */
  async start (account: AccountRecord, kind: IdentifierKind, options: AbortOptions = {}): Promise<number> {
    const value = account[kind]
    if (value == null) throw new ProtocolError(ErrorCode.INVALID, `the profile has no ${NAMES[kind]}: set one first`)
    const sender = this.#init.senders[kind]
    if (sender == null) {
      throw new ProtocolError(ErrorCode.VERIFICATION_UNAVAILABLE, `this node cannot send codes to a ${NAMES[kind]}: it stays on your profile but others cannot find you by it`)
    }
    const target = await this.#hash(kind, value)
    const verified = await this.#init.accounts.listVerifiedIdentifiers(account.id)
    if (verified.some(v => v.kind === kind && sameBytes(v.hash, target))) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, `this ${NAMES[kind]} is already verified`)
    if (!this.#perAccount.take(`${account.id}:${kind}`) || !this.#perTarget.take(bytesToHex(target))) {
      throw new ProtocolError(ErrorCode.RATE_LIMITED, `too many codes sent to this ${NAMES[kind]}; try again later`)
    }
    const now = this.#init.now()
    const code = randomDigits(CODE_DIGITS, this.#random)
    const expiresAt = now + VERIFY_CODE_TTL_MS
    await this.#init.accounts.purgeCodes(now)
    await this.#init.accounts.putCode({ accountId: account.id, purpose: `verify:${kind}`, digest: codeDigest(code), target, expiresAt, attempts: CODE_ATTEMPTS })
    try {
      await sender.send(value, formatCode(code), { signal: options.signal, validForMs: VERIFY_CODE_TTL_MS })
    } catch {
      await this.#init.accounts.deleteCode(account.id, `verify:${kind}`)
      throw new ProtocolError(ErrorCode.INTERNAL, `the node could not send the code to your ${NAMES[kind]}; try again later`)
    }
    return expiresAt
  }

  /** Checks a code; when right, the identifier becomes the account's discoverable one of its kind. */
  async confirm (account: AccountRecord, kind: IdentifierKind, typed: string): Promise<void> {
    const digits = parseCode(typed)
    const now = this.#init.now()
    const attempt = await this.#init.accounts.tryCode(account.id, `verify:${kind}`, codeDigest(digits), now)
    if (attempt.outcome !== 'accepted') throw codeRefusal(attempt, 'verification code')
    const value = account[kind]
    // The profile changed since the code went out (update() also drops the code): prove the new value.
    if (value == null || attempt.target == null || !sameBytes(attempt.target, await this.#hash(kind, value))) {
      throw new ProtocolError(ErrorCode.NOT_FOUND, `the ${NAMES[kind]} changed since the code was sent: ask for a new code`)
    }
    await this.#init.accounts.setVerifiedIdentifier(account.id, kind, attempt.target, now)
  }

  /** A changed or erased identifier is no longer proven: it leaves discovery, its pending code goes. */
  async forget (accountId: string, kind: IdentifierKind): Promise<void> {
    await this.#init.accounts.dropVerifiedIdentifier(accountId, kind)
    await this.#init.accounts.deleteCode(accountId, `verify:${kind}`)
  }
}
