// Device link codes: issued by a device of an account, redeemed by a new device that names the
// account. Codes are per account, so wrong guesses are counted per account and soon end the code.
import { randomBytes } from '@noble/hashes/utils.js'
import { CODE_ATTEMPTS, CODE_DIGITS, codeDigest, codeRefusal, formatCode, parseCode, randomDigits } from './one-time-code.ts'
import type { AccountStore } from './account-store.ts'

export const LINK_CODE_TTL_MS = 10 * 60_000

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
