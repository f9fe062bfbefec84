// Which received, unread messages of a conversation are in view: an IntersectionObserver on the
// list's unread items, reported up (MessagesSeenEvent) after each render and whenever the tab
// becomes visible again. The app decides whether to mark them read (tab visible, session running).
import { MessagesSeenEvent } from '../events/messages-seen-event.ts'
import type { ReactiveController, ReactiveControllerHost } from 'lit'

const UNREAD = 'li.in[data-status="received"][data-id]'

export class SeenWatcher implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement
  readonly #list: () => HTMLElement | null | undefined
  readonly #inView = new Set<string>()
  #observer?: IntersectionObserver
  #observing?: HTMLElement

  constructor (host: ReactiveControllerHost & HTMLElement, list: () => HTMLElement | null | undefined) {
    this.#host = host
    this.#list = list
    host.addController(this)
  }

  hostConnected (): void {
    document.addEventListener('visibilitychange', this.#report)
  }

  hostDisconnected (): void {
    document.removeEventListener('visibilitychange', this.#report)
    this.#observer?.disconnect()
    this.#observer = undefined
    this.#observing = undefined
    this.#inView.clear()
  }

  hostUpdated (): void {
    const list = this.#list()
    if (list == null) return
    if (this.#observing !== list) {
      this.#observer?.disconnect()
      this.#observer = new IntersectionObserver(this.#onIntersect, { root: list, threshold: [0, 0.25, 0.5, 0.75, 1] })
      this.#observing = list
    }
    const observer = this.#observer as IntersectionObserver
    observer.disconnect()
    this.#inView.clear()
    for (const item of list.querySelectorAll<HTMLElement>(UNREAD)) observer.observe(item)
  }

  readonly #onIntersect = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      const id = (e.target as HTMLElement).dataset.id ?? ''
      // Half of it shows, or it fills half the list (a message taller than the list).
      const seen = e.isIntersecting && (e.intersectionRatio >= 0.5 || (e.rootBounds != null && e.intersectionRect.height >= e.rootBounds.height / 2))
      if (seen) this.#inView.add(id)
      else this.#inView.delete(id)
    }
    this.#report()
  }

  readonly #report = (): void => {
    if (document.visibilityState !== 'visible' || this.#inView.size === 0) return
    this.#host.dispatchEvent(new MessagesSeenEvent([...this.#inView]))
  }
}
