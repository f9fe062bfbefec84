// Typed billing errors. The HTTP route maps WebhookError kinds to status codes in one place
// (webhookStatus); protocol-facing failures are ProtocolErrors with a wire code.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { ResolvedLimits } from './plans.ts'

export type WebhookErrorKind = 'not-configured' | 'bad-signature' | 'malformed'

/** A webhook request that must change nothing: unsigned, signed with another secret, too old, unreadable. */
export class WebhookError extends Error {
  readonly kind: WebhookErrorKind

  constructor (kind: WebhookErrorKind, message: string) {
    super(message)
    this.name = 'WebhookError'
    this.kind = kind
  }

  static is (err: unknown): err is WebhookError {
    return err instanceof Error && err.name === 'WebhookError'
  }
}

/** The status a webhook answer carries. Stripe retries anything but 2xx, so only our own failures are 5xx. */
export function webhookStatus (err: unknown): 400 | 500 | 503 {
  if (!WebhookError.is(err)) return 500
  return err.kind === 'not-configured' ? 503 : 400
}

/** Limit names as operators write them in the config file, so the error points at the knob. */
export type LimitName = 'mailbox.maxMessages' | 'mailbox.maxBytes' | 'depositsPerMinute' | 'attachments.maxBytes' | 'groups.maxMembers'

/** QUOTA_EXCEEDED naming the plan and the limit hit; attachments and groups throw it too. */
export function quotaExceeded (limits: ResolvedLimits, limit: LimitName, detail: string): ProtocolError {
  return new ProtocolError(ErrorCode.QUOTA_EXCEEDED, `${limit} of the ${limits.plan} plan reached: ${detail}`)
}

/** Checkout is not possible on this node (no secret key, no price for the plan, no return URLs). */
export function checkoutUnavailable (reason: string): ProtocolError {
  return new ProtocolError(ErrorCode.INVALID, `payments are not available: ${reason}`)
}
