// Typed errors of session setup from a prekey bundle. None of them ever leads to the sealed box: a
// bundle that is forged, broken or withdrawn is an error shown to the user, not a reason to drop
// forward secrecy and the post-quantum key.

export type InvalidBundleReason =
  /** A prekey signature does not verify under the PeerId's identity key. */
  | 'bad-signature'
  /** The bundle names an identity key other than the PeerId's. */
  | 'wrong-identity'
  /** The bytes do not decode as a bundle, or a key in it is not a valid key. */
  | 'malformed'
  /** We had a session with this peer, yet the node claims it published nothing (NOT_FOUND). */
  | 'withdrawn'

/** The prekey bundle a node handed out for a peer cannot be used; the message is not sent. */
export class InvalidPrekeyBundleError extends Error {
  static {
    Object.defineProperty(this, 'name', { value: 'InvalidPrekeyBundleError' })
  }

  readonly reason: InvalidBundleReason
  readonly peer: string

  constructor (reason: InvalidBundleReason, peer: string, message: string, options?: ErrorOptions) {
    super(`prekey bundle of ${peer} refused (${reason}): ${message}`, options)
    this.name = 'InvalidPrekeyBundleError'
    this.reason = reason
    this.peer = peer
  }

  static is (err: unknown, reason?: InvalidBundleReason): err is InvalidPrekeyBundleError {
    return err instanceof Error && err.name === 'InvalidPrekeyBundleError' &&
      (reason == null || (err as InvalidPrekeyBundleError).reason === reason)
  }
}
