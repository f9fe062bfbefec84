import type { Preferences } from '../services/preferences.ts'

/** The person changed a setting about receipts, notifications or sound. */
export class PreferenceChangeEvent extends Event {
  static readonly eventName = 'preference-change' as const
  readonly change: Partial<Preferences>

  constructor (change: Partial<Preferences>) {
    super(PreferenceChangeEvent.eventName, { bubbles: true, composed: true })
    this.change = change
  }
}

/** The person asked to allow notifications (the browser shows its permission prompt). */
export class RequestNotificationsEvent extends Event {
  static readonly eventName = 'request-notifications' as const

  constructor () {
    super(RequestNotificationsEvent.eventName, { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementEventMap {
    'preference-change': PreferenceChangeEvent
    'request-notifications': RequestNotificationsEvent
  }
}
