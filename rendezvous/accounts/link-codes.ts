// Device link codes: issued by a device of an account, redeemed by a new device that names the
// account. Codes are per account, so wrong guesses are counted per account and soon end the code.
import { randomBytes } from '@noble/hashes/utils.js'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { CODE_ATTEMPTS, CODE_DIGITS, codeDigest, formatCode, parseCode, randomDigits } from './one-time-code.ts'
import type { AccountStore, CodeAttempt } from './account-store.ts'

export const LINK_CODE_TTL_MS = 10 * 60_000

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

export interface LinkCodesInit {
  accounts: AccountStore
  now: () => number
  random?: (n: number) => Uint8Array
}

export class LinkCodes {
  readonly #init: LinkCodesInit
  readonly #random: (n: number) => Uint8Array

  constructor (init: LinkCodesInit) {
    this.#init = init
    this.#random = init.random ?? randomBytes
  }

  /** A new code for the account; it replaces the account's earlier one. */
  async create (accountId: string): Promise<{ code: string, expiresAt: number }> {
    const now = this.#init.now()
    const digits = randomDigits(CODE_DIGITS, this.#random)
    const expiresAt = now + LINK_CODE_TTL_MS
    await this.#init.accounts.purgeCodes(now)
    await this.#init.accounts.putCode({ accountId, purpose: 'link', digest: codeDigest(digits), expiresAt, attempts: CODE_ATTEMPTS })
    return { code: formatCode(digits), expiresAt }
  }

  /** Takes the account's code if `typed` is it; otherwise a typed refusal, and one attempt fewer. */
  async redeem (accountId: string, typed: string): Promise<void> {
    const attempt = await this.#init.accounts.tryCode(accountId, 'link', codeDigest(parseCode(typed)), this.#init.now())
    if (attempt.outcome !== 'accepted') throw codeRefusal(attempt, 'link code')
  }
}
