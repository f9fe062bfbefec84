/** Send a text message to a contact. */
export class SendMessageEvent extends Event {
  static readonly eventName = 'send-message' as const
  readonly peer: string
  readonly text: string

  constructor (peer: string, text: string) {
    super(SendMessageEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.text = text
  }
}

declare global {
  interface HTMLElementEventMap { 'send-message': SendMessageEvent }
}
