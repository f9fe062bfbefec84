// Typed errors of groups. Compare `err.name` / use `GroupError.is`, not `instanceof`, across modules.

export enum GroupErrorCode {
  /** No group with this id on this device. */
  NOT_FOUND = 'GROUP_NOT_FOUND',
  /** The change needs an admin of the group. */
  NOT_ADMIN = 'GROUP_NOT_ADMIN',
  /** This device (or the named peer) is not a member. */
  NOT_MEMBER = 'GROUP_NOT_MEMBER',
  /** A state or message is malformed or breaks the group's rules (e.g. forged author). */
  INVALID = 'GROUP_INVALID',
  /** A signature does not verify. */
  BAD_SIGNATURE = 'GROUP_BAD_SIGNATURE',
  /** A state older than (or equal to) the one held. */
  STALE = 'GROUP_STALE',
  /** No sender key for this message (not yet received, or never meant for us). */
  NO_SENDER_KEY = 'GROUP_NO_SENDER_KEY',
  /** The sender key is known but the message does not decrypt or was already consumed. */
  DECRYPT_FAILED = 'GROUP_DECRYPT_FAILED',
  TOO_LARGE = 'GROUP_TOO_LARGE'
}

export class GroupError extends Error {
  static readonly NAME = 'GroupError'
  readonly code: GroupErrorCode

  constructor (code: GroupErrorCode, message: string) {
    super(message)
    this.name = GroupError.NAME
    this.code = code
  }

  static is (err: unknown, code?: GroupErrorCode): err is GroupError {
    return err instanceof Error && err.name === GroupError.NAME &&
      (code == null || (err as GroupError).code === code)
  }
}
