// Keeps a conversation's list at its newest message, as chat apps do, while the person has not
// scrolled up: once they have (or followed a quote up), a reaction or an edit further up does not
// pull them down; their own new message always does.
import type { ViewMessage } from '../services/view-model.ts'
import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Within this many pixels of the end counts as at the end. */
const SLACK_PX = 48

export class StickToBottom implements ReactiveController {
  readonly #list: () => HTMLElement | null | undefined
  #pinned = true
  #lastId?: string
  #lastTop = 0

  constructor (host: ReactiveControllerHost, list: () => HTMLElement | null | undefined) {
    this.#list = list
    host.addController(this)
  }

  hostConnected (): void {}

  /**
   * The list's `scroll` listener. Only a move up unpins: content that grows below (a message's parts
   * rendering after it) leaves the end out of view without the person having scrolled away.
   */
  readonly onScroll = (): void => {
    const list = this.#list()
    if (list == null) return
    const top = list.scrollTop
    if (list.scrollHeight - top - list.clientHeight < SLACK_PX) this.#pinned = true
    else if (top < this.#lastTop) this.#pinned = false
    this.#lastTop = top
  }

  /** The person went to a message further up (a search result): stay there. */
  release (): void {
    this.#pinned = false
  }

  /** After the messages changed. */
  follow (messages: ViewMessage[]): void {
    const list = this.#list()
    const last = messages.at(-1)
    const ownNew = last != null && last.id !== this.#lastId && last.direction === 'out'
    this.#lastId = last?.id
    if (list != null && (this.#pinned || ownNew)) list.scrollTop = list.scrollHeight
  }
}
