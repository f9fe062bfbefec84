/** The user has read this version of the node's privacy policy. */
export class AcknowledgePolicyEvent extends Event {
  static readonly eventName = 'acknowledge-policy' as const
  readonly version: number

  constructor (version: number) {
    super(AcknowledgePolicyEvent.eventName, { bubbles: true, composed: true })
    this.version = version
  }
}

declare global {
  interface HTMLElementEventMap { 'acknowledge-policy': AcknowledgePolicyEvent }
}
