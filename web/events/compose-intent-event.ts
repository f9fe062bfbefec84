/** From a message's menu to its conversation: answer it, or put its text in the composer to edit. */
export class ComposeIntentEvent extends Event {
  static readonly eventName = 'compose-intent' as const
  readonly mode: 'reply' | 'edit'
  readonly id: string

  constructor (mode: 'reply' | 'edit', id: string) {
    // Stays inside the conversation (its own screen handles it): not composed.
    super(ComposeIntentEvent.eventName, { bubbles: true })
    this.mode = mode
    this.id = id
  }
}

declare global {
  interface HTMLElementEventMap { 'compose-intent': ComposeIntentEvent }
}
