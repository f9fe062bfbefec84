// What the account screen asks for; the app shell hands it to the session's AccountState.

/** Sign up at the rendezvous node. */
export class SignUpEvent extends Event {
  static readonly eventName = 'sign-up' as const
  readonly username: string
  readonly birthDate: string

  constructor (username: string, birthDate: string) {
    super(SignUpEvent.eventName, { bubbles: true, composed: true })
    this.username = username
    this.birthDate = birthDate
  }
}

/** Download what the node holds about this account. */
export class ExportAccountEvent extends Event {
  static readonly eventName = 'export-account' as const

  constructor () {
    super(ExportAccountEvent.eventName, { bubbles: true, composed: true })
  }
}

/** Delete the account at the node (confirmed by the person already). */
export class DeleteAccountEvent extends Event {
  static readonly eventName = 'delete-account' as const

  constructor () {
    super(DeleteAccountEvent.eventName, { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementEventMap {
    'sign-up': SignUpEvent
    'export-account': ExportAccountEvent
    'delete-account': DeleteAccountEvent
  }
}
