/** Send a file, with an optional caption, to a contact or a group (after its preview was confirmed). */
export class SendAttachmentEvent extends Event {
  static readonly eventName = 'send-attachment' as const
  readonly to: { peer: string } | { groupId: string }
  readonly file: File
  readonly caption: string

  constructor (to: { peer: string } | { groupId: string }, file: File, caption = '') {
    super(SendAttachmentEvent.eventName, { bubbles: true, composed: true })
    this.to = to
    this.file = file
    this.caption = caption
  }
}

declare global {
  interface HTMLElementEventMap { 'send-attachment': SendAttachmentEvent }
}
