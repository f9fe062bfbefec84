// What the person does to a message while a network session runs: react, edit, delete for me,
// delete for everyone, all through the ChatClient (end-to-end encrypted control messages through
// the outbox; a group's go to its members). The screens follow the results through the store's
// `message:changed` and the client's `deleted`; this only reports what could not be done.
import { errorMessage } from '../../protocol/errors.ts'
import type { MessageAction } from '../events/message-action-event.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { LocalData } from './local-data.ts'

const VERB: Record<MessageAction['kind'], string> = {
  react: 'react to the message',
  edit: 'edit the message',
  'delete-here': 'delete the message',
  'delete-everyone': 'delete the message for everyone'
}

export class MessageCommands {
  readonly #client: ChatClient
  readonly #local: LocalData
  readonly #notice: (text: string) => void

  constructor (client: ChatClient, local: LocalData, notice: (text: string) => void) {
    this.#client = client
    this.#local = local
    this.#notice = notice
  }

  /** Does `action`; a refusal (not allowed, too many edits, unknown message) becomes a notice. */
  async run (action: MessageAction): Promise<void> {
    try {
      await this.#run(action)
    } catch (err) {
      this.#notice(`Could not ${VERB[action.kind]}: ${errorMessage(err)}`)
    }
  }

  async #run (a: MessageAction): Promise<void> {
    switch (a.kind) {
      case 'react':
        await this.#client.react(a.id, a.emoji)
        return
      case 'edit':
        await this.#client.edit(a.id, a.text)
        return
      case 'delete-everyone':
        await this.#client.deleteForEveryone(a.id)
        return
      case 'delete-here': {
        const message = await this.#local.store.getMessage(a.id)
        await this.#client.deleteMessage(a.id)
        // A group message's `peer` is its author: the client's `deleted` cannot name the group.
        if (message?.group != null) await this.#local.conversationChanged({ group: message.group })
      }
    }
  }
}
