// Profiles as the screens show them: each contact's display name and avatar (as an object URL the
// page made itself, which the CSP's `blob:` allows) and this device's own, read from the chat store
// where protocol/control/profiles.ts keeps them. URLs of replaced avatars are revoked.
import { ownProfile, peerProfile } from '../../protocol/control/profiles.ts'
import type { Profile } from '../../protocol/control/profiles.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'

export interface ViewProfile {
  displayName: string
  avatarUrl?: string
}

export class ContactProfiles {
  readonly #store: ChatStore
  readonly #urls = new Map<string, string>()
  /** A new object whenever something changed, so screens given it update. */
  #all: Record<string, ViewProfile> = {}
  #own: ViewProfile = { displayName: '' }

  constructor (store: ChatStore) {
    this.#store = store
  }

  all (): Record<string, ViewProfile> { return this.#all }
  get own (): ViewProfile { return this.#own }

  /** Reads the profiles of `peers` (the contacts) and this device's own. */
  async load (peers: string[]): Promise<void> {
    const next: Record<string, ViewProfile> = {}
    for (const peer of peers) {
      const p = await peerProfile(this.#store, peer)
      if (p != null) next[peer] = this.#view(peer, p)
    }
    for (const key of this.#urls.keys()) {
      if (key !== 'own' && next[key] == null) this.#revoke(key)
    }
    this.#all = next
    this.#own = this.#view('own', await ownProfile(this.#store))
  }

  /** One contact's profile changed (the plugin stored it). */
  async reload (peer: string): Promise<void> {
    const p = await peerProfile(this.#store, peer)
    if (p == null) return
    this.#all = { ...this.#all, [peer]: this.#view(peer, p) }
  }

  async reloadOwn (): Promise<void> {
    this.#own = this.#view('own', await ownProfile(this.#store))
  }

  #view (key: string, p: Profile): ViewProfile {
    this.#revoke(key)
    if (p.avatar == null) return { displayName: p.displayName }
    const url = URL.createObjectURL(new Blob([new Uint8Array(p.avatar.bytes)], { type: p.avatar.type }))
    this.#urls.set(key, url)
    return { displayName: p.displayName, avatarUrl: url }
  }

  #revoke (key: string): void {
    const url = this.#urls.get(key)
    if (url != null) URL.revokeObjectURL(url)
    this.#urls.delete(key)
  }
}
