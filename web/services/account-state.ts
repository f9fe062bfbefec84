// The account at the rendezvous node, for Settings: loads it, signs up, exports, deletes. Built with
// a network session's account protocol; the account screen only shows `view` (view-model.ts) and
// sends intents.
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import { OFFLINE_ACCOUNT } from './view-model.ts'
import type { AccountView } from './view-model.ts'
import type { DeviceInfo } from '../../protocol/wire/generated/messages.ts'

export class AccountState {
  view: AccountView = { ...OFFLINE_ACCOUNT, phase: 'loading' }
  readonly #accounts: AccountClient
  readonly #changed: () => void
  #loaded = false

  constructor (accounts: AccountClient, changed: () => void) {
    this.#accounts = accounts
    this.#changed = changed
  }

  /** Loads the account once per session (Settings opened). */
  async load (): Promise<void> {
    if (this.#loaded) return
    this.#loaded = true
    this.#set({ phase: 'loading' })
    try {
      const account = await this.#accounts.get()
      this.#set({ phase: 'account', account })
      this.#set({ plan: await this.#accounts.plan().catch(() => undefined) })
    } catch (err) {
      if (ProtocolError.is(err, ErrorCode.NOT_FOUND)) this.#set({ phase: 'none' })
      // A rendezvous without the account protocol: nothing to sign up for here.
      else if (err instanceof Error && err.name === 'UnsupportedProtocolError') this.#set({ phase: 'unavailable' })
      else this.#set({ phase: 'none', error: `The account could not be loaded: ${errorMessage(err)}` })
    }
  }

  async signUp (username: string, birthDate: string, device: DeviceInfo): Promise<void> {
    await this.#run(async () => {
      const account = await this.#accounts.signUp({ username }, birthDate, device)
      this.#set({ phase: 'account', account, note: `Signed up as @${username}.` })
      this.#set({ plan: await this.#accounts.plan().catch(() => undefined) })
    })
  }

  /** The account's data as JSON, or undefined when it failed (the view says why). */
  async export (): Promise<string | undefined> {
    let json: string | undefined
    await this.#run(async () => {
      json = await this.#accounts.export()
      this.#set({ note: 'Account data exported.' })
    })
    return json
  }

  async delete (): Promise<void> {
    await this.#run(async () => {
      await this.#accounts.delete()
      this.#set({ phase: 'none', account: undefined, plan: undefined, note: 'Your account was deleted from this node.' })
    })
  }

  async #run (work: () => Promise<void>): Promise<void> {
    if (this.view.busy) return
    this.#set({ busy: true, error: '', note: '' })
    try {
      await work()
    } catch (err) {
      this.#set({ error: errorMessage(err) })
    } finally {
      this.#set({ busy: false })
    }
  }

  #set (change: Partial<AccountView>): void {
    this.view = { ...this.view, ...change }
    this.#changed()
  }
}
