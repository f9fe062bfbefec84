/** The person removes `peer` from their contacts (on every device of the account); the history stays. */
export class RemoveContactEvent extends Event {
  static readonly eventName = 'remove-contact' as const
  readonly peer: string

  constructor (peer: string) {
    super(RemoveContactEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
  }
}

declare global {
  interface HTMLElementEventMap { 'remove-contact': RemoveContactEvent }
}
