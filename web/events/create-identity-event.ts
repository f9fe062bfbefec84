/** The person asked for a new device identity (first run). */
export class CreateIdentityEvent extends Event {
  static readonly eventName = 'create-identity' as const

  constructor () {
    super(CreateIdentityEvent.eventName, { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementEventMap { 'create-identity': CreateIdentityEvent }
}
