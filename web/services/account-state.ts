// The account at the rendezvous node, for Settings: loads it, signs up, exports, deletes, and the
// account's devices: link codes, linking this browser (then pulling the history), unlinking, how long
// the node keeps mail. Built with a network session's account and history protocols; the account
// screen only shows `view` (view-model.ts) and sends intents.
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { DeviceAction } from '../events/device-action-event.ts'
import type { HistoryService } from '../../protocol/history/history-service.ts'
import { OFFLINE_ACCOUNT } from './view-model.ts'
import type { AccountView } from './view-model.ts'
import type { DeviceInfo } from '../../protocol/wire/generated/messages.ts'

/** How long a newly linked browser waits for a device of the account to send its history. */
const HISTORY_WAIT_MS = 60_000

/** What this browser tells the node about itself when it joins an account. */
export function webDevice (): DeviceInfo {
  return { type: 'web', os: navigator.platform, clientVersion: '0.1.0' }
}

export interface AccountStateInit {
  history?: HistoryService
  /** The history arrived: the page re-reads its lists (contacts, groups, summaries). */
  afterHistory?: () => Promise<void>
  /** Deletes this device's prekeys on all its homes (before the account is deleted). */
  withdrawPrekeys?: () => Promise<unknown>
}

export class AccountState {
  view: AccountView = { ...OFFLINE_ACCOUNT, phase: 'loading' }
  readonly #accounts: AccountClient
  readonly #changed: () => void
  readonly #init: AccountStateInit
  #loaded = false

  constructor (accounts: AccountClient, changed: () => void, init: AccountStateInit = {}) {
    this.#accounts = accounts
    this.#changed = changed
    this.#init = init
  }

  /** The account changed elsewhere (a new device took this one's history): its device list is re-read. */
  async reload (): Promise<void> {
    if (this.view.phase !== 'account') return
    const account = await this.#accounts.get().catch(() => undefined)
    if (account != null) this.#set({ account })
  }

  /** A link code for a new device; this tab serves the history for it while it is open. */
  async createLinkCode (): Promise<void> {
    await this.#run(async () => {
      const history = this.#history()
      this.#set({ linkCode: await history.createLinkCode() })
    })
  }

  async unlink (peerId: string): Promise<void> {
    await this.#run(async () => {
      this.#set({ account: await this.#accounts.unlinkDevice(peerId), note: 'The device was unlinked: it receives nothing more for this account.' })
    })
  }

  /** `ms`: how long the node keeps mail for this account's devices; 0: the plan's retention. */
  async setMailRetention (ms: number): Promise<void> {
    await this.#run(async () => {
      this.#set({ account: await this.#accounts.setMailRetention(ms), note: 'Saved how long the node keeps messages waiting for you.' })
    })
  }

  /**
   * Links this browser to `@username` with a code from one of its devices, then pulls the history
   * from a device of the account, showing progress. A failed transfer leaves the link standing.
   */
  async link (username: string, code: string): Promise<void> {
    let linked = false
    await this.#run(async () => {
      const account = await this.#history().link(username, code, webDevice())
      linked = true
      this.#set({ phase: 'account', account, note: `Linked to @${username.replace(/^@/, '')}.`, transfer: { received: 0, total: 0 } })
      this.#set({ plan: await this.#accounts.plan().catch(() => undefined) })
    })
    if (!linked) return
    try {
      const summary = await this.#history().receive(code, {
        waitMs: HISTORY_WAIT_MS,
        onProgress: p => { this.#set({ transfer: { received: p.received, total: p.total } }) }
      })
      await this.#init.afterHistory?.()
      this.#set({ transfer: { received: this.view.transfer?.total ?? 0, total: this.view.transfer?.total ?? 0, summary } })
    } catch (err) {
      this.#set({ transfer: { ...(this.view.transfer ?? { received: 0, total: 0 }), error: errorMessage(err) } })
    }
  }

  /** Runs what the account screen's device parts asked for. */
  async device (action: DeviceAction): Promise<void> {
    switch (action.kind) {
      case 'link-code': await this.createLinkCode(); break
      case 'link': await this.link(action.username, action.code); break
      case 'unlink': await this.unlink(action.peerId); break
      case 'keep-mail': await this.setMailRetention(action.ms); break
    }
  }

  #history (): HistoryService {
    if (this.#init.history == null) throw new Error('Linking needs the chat node started; try again in a moment.')
    return this.#init.history
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
      // The device's other homes hold its prekeys but no account: they are told first.
      await this.#init.withdrawPrekeys?.()
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
