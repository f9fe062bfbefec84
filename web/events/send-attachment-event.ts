/** Send a file to a contact. */
export class SendAttachmentEvent extends Event {
  static readonly eventName = 'send-attachment' as const
  readonly peer: string
  readonly file: File

  constructor (peer: string, file: File) {
    super(SendAttachmentEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.file = file
  }
}

declare global {
  interface HTMLElementEventMap { 'send-attachment': SendAttachmentEvent }
}
