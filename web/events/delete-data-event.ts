/** Delete every local record (identity, contacts, messages, outbox); confirmed by the person already. */
export class DeleteDataEvent extends Event {
  static readonly eventName = 'delete-data' as const

  constructor () {
    super(DeleteDataEvent.eventName, { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementEventMap { 'delete-data': DeleteDataEvent }
}
