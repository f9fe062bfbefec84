/** Cancel a file on its way, fetch a cancelled one again, or take a cancelled or failed one off the screen. */
export class TransferActionEvent extends Event {
  static readonly eventName = 'transfer-action' as const
  readonly action: 'cancel' | 'retry' | 'dismiss'
  readonly key: string

  constructor (action: TransferActionEvent['action'], key: string) {
    super(TransferActionEvent.eventName, { bubbles: true, composed: true })
    this.action = action
    this.key = key
  }
}

declare global {
  interface HTMLElementEventMap { 'transfer-action': TransferActionEvent }
}
