/** Send a text message to a contact. */
export class SendMessageEvent extends Event {
  static readonly eventName = 'send-message' as const
  readonly peer: string
  readonly text: string
  /** The id of the message this one answers. */
  readonly replyTo?: string

  constructor (peer: string, text: string, replyTo?: string) {
    super(SendMessageEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.text = text
    if (replyTo != null) this.replyTo = replyTo
  }
}

declare global {
  interface HTMLElementEventMap { 'send-message': SendMessageEvent }
}
