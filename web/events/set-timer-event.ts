/** Set the disappearing-message timer of a 1:1 conversation (seconds; 0: off). */
export class SetTimerEvent extends Event {
  static readonly eventName = 'set-timer' as const
  readonly peer: string
  readonly seconds: number

  constructor (peer: string, seconds: number) {
    super(SetTimerEvent.eventName, { bubbles: true, composed: true })
    this.peer = peer
    this.seconds = seconds
  }
}

declare global {
  interface HTMLElementEventMap { 'set-timer': SetTimerEvent }
}
