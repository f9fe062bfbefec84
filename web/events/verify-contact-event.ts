/** The person compared safety numbers with `peer` and marks them verified (or takes that back). */
export class VerifyContactEvent extends Event {
  static readonly eventName = 'verify-contact' as const
  readonly peer: string
  readonly verified: boolean

  constructor (peer: string, verified: boolean) {
    super(VerifyContactEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.verified = verified
  }
}

declare global {
  interface HTMLElementEventMap { 'verify-contact': VerifyContactEvent }
}
