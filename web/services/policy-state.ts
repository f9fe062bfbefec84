// The rendezvous node's privacy policy and the version this browser acknowledged: when the node's is
// newer, the app shows a notice until the person has read it.
import { fetchPolicy } from './rendezvous-info.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { AppData } from '../store/app-data.ts'

export interface PolicyStateInit {
  data(): AppData | undefined
  /** The node's account protocol while connected: an account records the acknowledgement too. */
  accounts(): AccountClient | undefined
  changed(): void
}

export class PolicyState {
  /** The node's policy (from `/api/policy`), once fetched. */
  current?: { version: number, text: string }
  acknowledged = 0
  readonly #init: PolicyStateInit

  constructor (init: PolicyStateInit) {
    this.#init = init
  }

  async load (): Promise<void> {
    const policy = await fetchPolicy().catch(() => undefined)
    if (policy == null) return
    this.current = policy
    this.acknowledged = await this.#init.data()?.getSetting<number>('policyAcknowledged') ?? 0
    this.#init.changed()
  }

  /** True when the node's policy is newer than the version this browser acknowledged. */
  get isNew (): boolean {
    return this.current != null && this.current.version > this.acknowledged
  }

  async acknowledge (version: number): Promise<void> {
    await this.#init.data()?.setSetting('policyAcknowledged', version)
    // Without an account (NOT_FOUND) the browser's record is all there is.
    void this.#init.accounts()?.acceptPolicy(version).catch(() => {})
    this.acknowledged = version
    this.#init.changed()
  }
}
