/** Add (or rename) a contact; `input` is a PeerId, an invite link or an @username, as typed. */
export class AddContactEvent extends Event {
  static readonly eventName = 'add-contact' as const
  readonly input: string
  readonly nickname: string

  constructor (input: string, nickname: string) {
    super(AddContactEvent.eventName, { bubbles: true, composed: true })
    this.input = input
    this.nickname = nickname
  }
}

declare global {
  interface HTMLElementEventMap { 'add-contact': AddContactEvent }
}
