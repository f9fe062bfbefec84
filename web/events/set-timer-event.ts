/** Set the disappearing-message timer of a 1:1 conversation, or of a group (seconds; 0: off). */
export class SetTimerEvent extends Event {
  static readonly eventName = 'set-timer' as const
  readonly peer: string
  readonly seconds: number
  /** Set: the group's timer (`peer` is then unused). */
  readonly group?: string

  constructor (peer: string, seconds: number, group?: string) {
    super(SetTimerEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.seconds = seconds
    if (group != null) this.group = group
  }
}

declare global {
  interface HTMLElementEventMap { 'set-timer': SetTimerEvent }
}
