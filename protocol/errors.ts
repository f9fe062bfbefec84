// Typed errors shared by every protocol. Compare `err.name` (or use the guards), not `instanceof`,
// across module boundaries.
import { ErrorCode } from './wire/generated/messages.ts'

export { ErrorCode }

/** An error a protocol peer answered with, or one we answer with: the code travels on the wire. */
export class ProtocolError extends Error {
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string) {
    super(message)
    this.name = 'ProtocolError'
    this.code = code
  }

  static is (err: unknown, code?: ErrorCode): err is ProtocolError {
    return err instanceof Error && err.name === 'ProtocolError' &&
      (code == null || (err as ProtocolError).code === code)
  }
}

/** Text that should be a PeerId is not one, or not an Ed25519 one (the only kind we can seal to). */
export class InvalidPeerIdError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'InvalidPeerIdError'
  }
}

/**
 * The rendezvous (or a peer) could not be reached in time. From `ChatClient.send`, `messageId` names
 * the message that now waits in the outbox and goes out by itself later (same envelope id).
 */
export class UnreachableError extends Error {
  readonly messageId?: string

  constructor (message: string, options?: ErrorOptions & { messageId?: string }) {
    super(message, options)
    this.name = 'UnreachableError'
    if (options?.messageId != null) this.messageId = options.messageId
  }
}

/** A sealed payload or signature failed to verify: the bytes were not made by who they claim. */
export class IntegrityError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'IntegrityError'
  }
}

export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
