// Which failures the outbox retries later and which end a message as `failed`, and how a caller's
// own abort is told apart from the router's timeouts.
import { ErrorCode, ProtocolError } from '../errors.ts'

/**
 * Answers that a later try can get past: the node failed or asked us to slow down. A full mailbox
 * is final (the user is told, MAILBOX_FULL) and may send again later.
 */
const RETRYABLE_CODES = new Set<ErrorCode>([ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED])

/** Unreachable (no route now), a timeout of our own, or a retryable answer. */
export function isRetryable (err: unknown): boolean {
  const name = (err as Error | undefined)?.name
  if (name === 'UnreachableError' || name === 'TimeoutError') return true
  return ProtocolError.is(err) && RETRYABLE_CODES.has(err.code)
}

/** The caller gave up (its signal ended): surface that as it is, change nothing else. */
export function isAbort (err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true && (err === signal.reason || (err as Error | undefined)?.name === 'AbortError' || (err as Error | undefined)?.name === 'TimeoutError')
}
