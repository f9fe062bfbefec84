// What the app does with groups: create, invite, leave, send, and read a group's history. The
// GroupClient exists only while the node runs, so each action asks for it when it is made.
import { errorMessage } from '../../protocol/errors.ts'
import { groupMessages } from './group-history.ts'
import type { GroupClient } from '../../protocol/groups/group-client.ts'
import type { EncryptionSetting, GroupInfo } from '../../protocol/groups/group-state.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'
import type { ViewMessage } from './view-model.ts'

export interface GroupActionsInit {
  client(): GroupClient | undefined
  store(): ChatStore | undefined
  me(): string | undefined
  /** Reloads the app state after a change. */
  refresh(): Promise<void>
  /** Tells the views to redraw (a message being sent shows at once). */
  changed(): void
  /** Shows a problem to the user. */
  notice(text: string): void
}

export class GroupActions {
  readonly #init: GroupActionsInit

  constructor (init: GroupActionsInit) {
    this.#init = init
  }

  #require (): GroupClient {
    const groups = this.#init.client()
    if (groups == null) throw new Error('Groups need a connection to the rendezvous node first.')
    return groups
  }

  async create (name: string, encryption: EncryptionSetting, members: string[]): Promise<GroupInfo & { member: true }> {
    const result = await this.#require().create({ name: name.trim(), encryption, members })
    await this.#init.refresh()
    return { ...result.group, member: true }
  }

  async invite (groupId: string, members: string[]): Promise<void> {
    await this.#require().invite(groupId, members)
    await this.#init.refresh()
  }

  async leave (groupId: string): Promise<void> {
    await this.#require().leave(groupId)
    await this.#init.refresh()
  }

  async send (groupId: string, text: string): Promise<void> {
    try {
      const pending = this.#require().send(groupId, text)
      this.#init.changed()
      await pending
    } catch (err) {
      this.#init.notice(`The message could not be sent: ${errorMessage(err)}`)
    }
    await this.#init.refresh()
  }

  /** A group's messages, oldest first, each with its sender. */
  async conversation (groupId: string): Promise<ViewMessage[]> {
    const store = this.#init.store()
    const me = this.#init.me()
    if (store == null || me == null) return []
    return await groupMessages(store, groupId, me)
  }
}
