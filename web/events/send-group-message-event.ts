/** Send a text message to a group. */
export class SendGroupMessageEvent extends Event {
  static readonly eventName = 'send-group-message' as const
  readonly groupId: string
  readonly text: string

  constructor (groupId: string, text: string) {
    super(SendGroupMessageEvent.eventName, { bubbles: true, composed: true })
    this.groupId = groupId
    this.text = text
  }
}

declare global {
  interface HTMLElementEventMap { 'send-group-message': SendGroupMessageEvent }
}
