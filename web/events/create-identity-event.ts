/** The person asked for a new device identity (first run). */
export class CreateIdentityEvent extends Event {
  static readonly eventName = 'create-identity' as const

  /** Then link it to an account the person has on another device. */
  readonly link: boolean

  constructor (link = false) {
    super(CreateIdentityEvent.eventName, { bubbles: true, composed: true })
    this.link = link
  }
}

declare global {
  interface HTMLElementEventMap { 'create-identity': CreateIdentityEvent }
}
