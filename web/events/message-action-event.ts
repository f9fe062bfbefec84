/** What the person does to a message from its menu or its reactions; the app turns it into a service call. */
export type MessageAction =
  /** Sets this device's reaction ('' removes it). */
  | { kind: 'react', id: string, emoji: string }
  | { kind: 'edit', id: string, text: string }
  /** Removes it from this device only. */
  | { kind: 'delete-here', id: string }
  /** Tombstones it on every side (own messages). */
  | { kind: 'delete-everyone', id: string }

export class MessageActionEvent extends Event {
  static readonly eventName = 'message-action' as const
  readonly action: MessageAction

  constructor (action: MessageAction) {
    super(MessageActionEvent.eventName, { bubbles: true, composed: true })
    this.action = action
  }
}

declare global {
  interface HTMLElementEventMap { 'message-action': MessageActionEvent }
}
