import type { EncryptionSetting } from '../../protocol/groups/group-state.ts'

/** Create a group with these contacts. */
export class CreateGroupEvent extends Event {
  static readonly eventName = 'create-group' as const
  readonly name: string
  readonly encryption: EncryptionSetting
  readonly members: string[]

  constructor (name: string, encryption: EncryptionSetting, members: string[]) {
    super(CreateGroupEvent.eventName, { bubbles: true, composed: true })
    this.name = name
    this.encryption = encryption
    this.members = members
  }
}

declare global {
  interface HTMLElementEventMap { 'create-group': CreateGroupEvent }
}
