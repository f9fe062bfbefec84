/** These received messages are in view on screen (the app marks them read while the tab is visible). */
export class MessagesSeenEvent extends Event {
  static readonly eventName = 'messages-seen' as const
  readonly ids: string[]

  constructor (ids: string[]) {
    super(MessagesSeenEvent.eventName, { bubbles: true, composed: true })
    this.ids = ids
  }
}

declare global {
  interface HTMLElementEventMap { 'messages-seen': MessagesSeenEvent }
}
