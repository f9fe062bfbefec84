// The open conversation's model: its messages, loaded once when it opens and then patched one
// message at a time from `message:changed` (a new message, a status or path that moved, a reaction,
// an edit, a deletion), never reloaded whole on a change; `message:removed` takes one out. A group
// conversation reloads its history when a group message comes (group messages are stored by the
// group plugin, which announces them per group) and when an own one changes (its receipt counts).
// Lives as long as the conversation is on screen: `close()` ends its load and its subscriptions.
import { canMove } from '../../protocol/messages/message.ts'
import type { LocalData } from './local-data.ts'
import type { ViewMessage } from './view-model.ts'

export type ConversationTarget = { kind: 'peer', peer: string } | { kind: 'group', groupId: string }

/** Where the conversation's changes come from: the page's local data and the session's group events. */
export interface ConversationSources {
  local: LocalData
  /** Dispatches `group-message` (detail: the group id) while a network session runs. */
  groups?: EventTarget
}

export class ConversationModel extends EventTarget {
  readonly target: ConversationTarget
  messages: ViewMessage[] = []
  loaded = false
  readonly #sources: ConversationSources
  readonly #abort = new AbortController()
  #loading = 0
  /** Changes that came while a load was reading: applied on top of what it read. */
  #sinceLoad: ViewMessage[] = []
  /** The whole history, not only the newest messages (a search result further back is shown). */
  #all = false

  constructor (target: ConversationTarget, sources: ConversationSources) {
    super()
    this.target = target
    this.#sources = sources
    const signal = this.#abort.signal
    sources.local.addEventListener('message:changed', this.#onMessage, { signal })
    sources.local.addEventListener('message:removed', this.#onRemoved, { signal })
    sources.groups?.addEventListener('group-message', this.#onGroupMessage, { signal })
    void this.reload()
  }

  /** Same conversation as `target`? */
  is (target: ConversationTarget): boolean {
    return target.kind === 'peer'
      ? this.target.kind === 'peer' && this.target.peer === target.peer
      : this.target.kind === 'group' && this.target.groupId === target.groupId
  }

  /** A network session started after this opened: follow its group events too. */
  follow (groups: EventTarget): void {
    if (this.#abort.signal.aborted) return
    groups.addEventListener('group-message', this.#onGroupMessage, { signal: this.#abort.signal })
  }

  /** Reads the whole history: when the conversation opens, and for groups when a message came. */
  async reload (): Promise<void> {
    const token = ++this.#loading
    this.#sinceLoad = []
    const t = this.target
    const messages = t.kind === 'peer' ? await this.#sources.local.conversation(t.peer, this.#all) : await this.#sources.local.groupConversation(t.groupId, this.#all)
    // A later load or a close won.
    if (token !== this.#loading || this.#abort.signal.aborted) return
    this.messages = messages
    for (const m of this.#sinceLoad) this.#apply(m)
    this.#sinceLoad = []
    this.loaded = true
    this.#changed()
  }

  /** A search result opens this message: when it is older than what was loaded, load everything. */
  async reveal (id: string): Promise<void> {
    if (this.#all) return
    if (!this.loaded) await new Promise(resolve => { this.addEventListener('change', resolve, { once: true, signal: this.#abort.signal }) })
    if (this.#abort.signal.aborted || this.messages.some(m => m.id === id)) return
    this.#all = true
    await this.reload()
  }

  close (): void {
    this.#abort.abort()
  }

  readonly #onMessage = (evt: Event): void => {
    const m = (evt as CustomEvent<ViewMessage>).detail
    if (this.target.kind === 'group') {
      if (m.group !== this.target.groupId) return
      // An own group message carries the members' receipt counts: re-read with the history.
      if (m.direction === 'out') {
        void this.reload()
        return
      }
    // A group message's `peer` is its author: it never belongs on the 1:1 screen with that member.
    } else if (m.group != null || m.peer !== this.target.peer) return
    if (!this.loaded) this.#sinceLoad.push(m)
    this.#apply(m)
    this.#changed()
  }

  /** Patches one message in; a change older than what is shown (a status that may not follow) is dropped. */
  #apply (m: ViewMessage): void {
    const i = this.messages.findIndex(x => x.id === m.id)
    if (i < 0) {
      this.messages = [...this.messages, m]
      return
    }
    const shown = this.messages[i]
    if (shown.status !== m.status && !canMove(shown.status, m.status)) return
    // Keep the preview a message already had (the event may come before the file is stored); a
    // message deleted for everyone keeps nothing.
    const attachment = m.deletedAt != null ? undefined : m.attachment ?? shown.attachment
    // A group message's sender too (older ones have it only from the group store).
    const from = m.from ?? shown.from
    this.messages = this.messages.map((x, j) => j === i ? { ...m, ...(attachment != null ? { attachment } : {}), ...(from != null ? { from } : {}) } : x)
  }

  /** Deleted on this device only, or expired (disappearing messages): it leaves the screen. */
  readonly #onRemoved = (evt: Event): void => {
    const id = (evt as CustomEvent<string>).detail
    this.#sinceLoad = this.#sinceLoad.filter(m => m.id !== id)
    if (!this.messages.some(m => m.id === id)) return
    this.messages = this.messages.filter(m => m.id !== id)
    this.#changed()
  }

  readonly #onGroupMessage = (evt: Event): void => {
    if (this.target.kind === 'group' && (evt as CustomEvent<string>).detail === this.target.groupId) void this.reload()
  }

  #changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
