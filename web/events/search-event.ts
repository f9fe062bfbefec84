/** The person typed in the search box: the app searches this device's history for `query`. */
export class SearchEvent extends Event {
  static readonly eventName = 'search' as const
  readonly query: string

  constructor (query: string) {
    super(SearchEvent.eventName, { bubbles: true, composed: true })
    this.query = query
  }
}

declare global {
  interface HTMLElementEventMap { 'search': SearchEvent }
}
