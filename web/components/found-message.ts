// A conversation opened from a search result: once the message is on screen it is scrolled to the
// middle of the list and focused (the list then stays where it is instead of following new ones).
// The highlight itself is the `data-found` attribute the conversation renders on that message.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export class FoundMessage implements ReactiveController {
  readonly #list: () => HTMLElement | null | undefined
  readonly #shown: () => void
  #done?: string

  /** `shown` runs once the message is in view (the list stops sticking to its end). */
  constructor (host: ReactiveControllerHost, list: () => HTMLElement | null | undefined, shown: () => void) {
    this.#list = list
    this.#shown = shown
    host.addController(this)
  }

  hostConnected (): void {}

  /** After an update: brings `id` into view, once per id; nothing while it is not loaded yet. */
  show (id: string | undefined): void {
    if (id == null || id === '') {
      this.#done = undefined
      return
    }
    if (id === this.#done) return
    const item = this.#list()?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`)
    if (item == null) return
    this.#done = id
    this.#shown()
    item.scrollIntoView({ block: 'center' })
    item.focus({ preventScroll: true })
  }
}
