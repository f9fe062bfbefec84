// The rendezvous node's privacy policy and the version this browser acknowledged: when the node's is
// newer, the app shows a notice until the person has read it. Lives with the page's local data.
import { fetchPolicy } from './rendezvous-info.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { AppData } from '../store/app-data.ts'

export class PolicyState {
  /** The node's policy (from `/api/policy`), once fetched. */
  current?: { version: number, text: string }
  acknowledged = 0
  readonly #data: AppData
  readonly #changed: () => void

  constructor (data: AppData, changed: () => void) {
    this.#data = data
    this.#changed = changed
  }

  async load (): Promise<void> {
    const policy = await fetchPolicy().catch(() => undefined)
    if (policy == null) return
    this.current = policy
    this.acknowledged = await this.#data.getSetting<number>('policyAcknowledged') ?? 0
    this.#changed()
  }

  /** True when the node's policy is newer than the version this browser acknowledged. */
  get isNew (): boolean {
    return this.current != null && this.current.version > this.acknowledged
  }

  /** `accounts`: the connected node's account protocol, so an account records it too. */
  async acknowledge (version: number, accounts?: AccountClient): Promise<void> {
    await this.#data.setSetting('policyAcknowledged', version)
    // Without an account (NOT_FOUND) the browser's record is all there is.
    void accounts?.acceptPolicy(version).catch(() => {})
    this.acknowledged = version
    this.#changed()
  }
}
