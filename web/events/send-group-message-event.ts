/** Send a text message to a group. */
export class SendGroupMessageEvent extends Event {
  static readonly eventName = 'send-group-message' as const
  readonly groupId: string
  readonly text: string
  /** The id of the message this one answers. */
  readonly replyTo?: string

  constructor (groupId: string, text: string, replyTo?: string) {
    super(SendGroupMessageEvent.eventName, { bubbles: true, composed: true })
    this.groupId = groupId
    this.text = text
    if (replyTo != null) this.replyTo = replyTo
  }
}

declare global {
  interface HTMLElementEventMap { 'send-group-message': SendGroupMessageEvent }
}
