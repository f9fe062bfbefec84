// What the account screen's device parts ask for; the app shell hands it to the session's AccountState.

export type DeviceAction =
  /** A link code for a new device (this tab then serves the history). */
  | { kind: 'link-code' }
  /** Link this browser to `@username` with a code one of its devices shows, then take the history. */
  | { kind: 'link', username: string, code: string }
  /** Revoke another device of the account (confirmed by the person already). */
  | { kind: 'unlink', peerId: string }
  /** How long the node keeps mail for this account's devices; 0: the plan's retention. */
  | { kind: 'keep-mail', ms: number }

export class DeviceActionEvent extends Event {
  static readonly eventName = 'device-action' as const
  readonly action: DeviceAction

  constructor (action: DeviceAction) {
    super(DeviceActionEvent.eventName, { bubbles: true, composed: true })
    this.action = action
  }
}

declare global {
  interface HTMLElementEventMap { 'device-action': DeviceActionEvent }
}
