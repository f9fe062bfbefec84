/** Leave a group. */
export class LeaveGroupEvent extends Event {
  static readonly eventName = 'leave-group' as const
  readonly groupId: string

  constructor (groupId: string) {
    super(LeaveGroupEvent.eventName, { bubbles: true, composed: true })
    this.groupId = groupId
  }
}

declare global {
  interface HTMLElementEventMap { 'leave-group': LeaveGroupEvent }
}
