/** Add contacts to a group (admins only). */
export class InviteMembersEvent extends Event {
  static readonly eventName = 'invite-members' as const
  readonly groupId: string
  readonly members: string[]

  constructor (groupId: string, members: string[]) {
    super(InviteMembersEvent.eventName, { bubbles: true, composed: true })
    this.groupId = groupId
    this.members = members
  }
}

declare global {
  interface HTMLElementEventMap { 'invite-members': InviteMembersEvent }
}
