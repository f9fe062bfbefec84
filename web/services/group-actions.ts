// What the app does with groups while a network session runs: create, invite, leave, send. Built
// with the session's GroupClient; reading groups needs no network (group-history.ts).
import type { GroupClient } from '../../protocol/groups/group-client.ts'
import type { EncryptionSetting, GroupInfo } from '../../protocol/groups/group-state.ts'

export class GroupActions {
  readonly #groups: GroupClient
  /** Reloads the group list after a change. */
  readonly #refresh: () => Promise<void>

  constructor (groups: GroupClient, refresh: () => Promise<void>) {
    this.#groups = groups
    this.#refresh = refresh
  }

  async create (name: string, encryption: EncryptionSetting, members: string[]): Promise<GroupInfo & { member: true }> {
    const result = await this.#groups.create({ name: name.trim(), encryption, members })
    await this.#refresh()
    return { ...result.group, member: true }
  }

  async invite (groupId: string, members: string[]): Promise<void> {
    await this.#groups.invite(groupId, members)
    await this.#refresh()
  }

  async leave (groupId: string): Promise<void> {
    await this.#groups.leave(groupId)
    await this.#refresh()
  }

  /** Rejects when the message could not be sent; the caller shows why. */
  async send (groupId: string, text: string, replyTo?: string): Promise<void> {
    await this.#groups.send(groupId, text, replyTo != null ? { replyTo } : {})
  }
}
