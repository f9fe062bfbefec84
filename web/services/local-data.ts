// What lives as long as the page: the IndexedDB database (contacts, settings, the chat store with
// its outbox, decrypted attachments) and this device's identity. It needs no network: the lists show
// and messages queue while the node is still connecting or down. Changes are announced with
// `change` (lists), `message:changed` (one message, as the screens show it) and `message:removed`.
import { DeviceIdentity, parsePeerId } from '../../protocol/identity.ts'
import { newQueuedText } from '../../protocol/messages/outbox.ts'
import { conversationTimer } from '../../protocol/control/disappearing.ts'
import { AppData } from '../store/app-data.ts'
import { deleteAppDb, openAppDb } from '../store/app-db.ts'
import { IdbChatStore } from '../store/idb-chat-store.ts'
import { groupMessages, listGroups } from './group-history.ts'
import { PolicyState } from './policy-state.ts'
import { ConversationSummaries, conversationKey } from './conversation-summaries.ts'
import { ContactProfiles } from './contact-profiles.ts'
import { PreferenceStore } from './preferences.ts'
import { peerIdFromInvite } from './routes.ts'
import { SafetyNumbers } from './safety-numbers.ts'
import { SearchIndex } from './search-index.ts'
import { toView } from './view-model.ts'
import { withDeviceReceipts } from './device-receipts.ts'
import { WebAttachments } from './web-attachments.ts'
import type { ViewGroup, ViewMessage } from './view-model.ts'
import type { SearchHit } from './search-index.ts'
import type { ChatMessage } from '../../protocol/messages/message.ts'
import type { Contact as SyncedContact } from '../../protocol/control/own-contacts.ts'
import type { AppDb, Contact } from '../store/app-db.ts'
import type { LocalExport } from '../store/app-data.ts'

/** Shown at most per conversation. */
const HISTORY_LIMIT = 500
/** Messages indexed between two yields while the page opens (a few milliseconds each). */
const INDEX_SLICE = 2000

export interface LocalDataEvents {
  /** A problem worth showing the user (a file that could not be received). */
  onNotice(text: string): void
  /** The database was deleted or upgraded by another tab: this page must reload. */
  onLost(): void
}

export class LocalData extends EventTarget {
  readonly db: AppDb
  readonly data: AppData
  readonly store: IdbChatStore
  readonly files: WebAttachments
  readonly policy: PolicyState
  readonly preferences: PreferenceStore
  /** Unread counts, last messages and activity per conversation, for the list and the title. */
  readonly summaries: ConversationSummaries
  /** Contacts' display names and avatars, and this device's own profile. */
  readonly profiles: ContactProfiles
  /** Local search over every stored message; in memory only, rebuilt when the page opens. */
  readonly searchIndex = new SearchIndex()
  identity?: DeviceIdentity
  contacts: Contact[] = []
  groups: ViewGroup[] = []
  /** Text messages waiting in the outbox (control messages are not counted). */
  outboxCount = 0
  #safetyNumbers?: SafetyNumbers
  /**
   * While the index is being built: ids of messages, and keys of conversations re-read, that changed
   * meanwhile, which the build must not overwrite with what it read before.
   */
  #indexing?: Set<string>

  private constructor (db: AppDb, events: LocalDataEvents) {
    super()
    this.db = db
    this.data = new AppData(db)
    this.store = new IdbChatStore(db)
    this.policy = new PolicyState(this.data, () => { this.#changed() })
    this.preferences = new PreferenceStore(this.data, () => { this.#changed() })
    this.summaries = new ConversationSummaries(this.store)
    this.profiles = new ContactProfiles(this.store)
    this.files = new WebAttachments({
      db,
      store: this.store,
      onMessage: async message => {
        // A group's member is not a contact of its own.
        if (message.direction === 'in' && message.group == null) await this.ensureContact(message.peer)
        await this.messageChanged(message)
      },
      onProblem: events.onNotice
    })
  }

  static async open (events: LocalDataEvents): Promise<LocalData> {
    const db = await openAppDb(undefined, events.onLost)
    const local = new LocalData(db, events)
    const record = await local.data.loadIdentity()
    if (record != null) local.identity = await DeviceIdentity.fromSeed(record.seed)
    await local.preferences.load()
    // One read of the whole history feeds both the list's summaries and the search index.
    const all = await local.store.listMessages()
    local.summaries.loadFrom(all)
    void local.#buildIndex(all)
    return local
  }

  /**
   * Fills the search index in slices, yielding between them, so a long history does not hold up the
   * first screen; a message that changes meanwhile is indexed as it is now, not as it was read.
   */
  async #buildIndex (all: ChatMessage[]): Promise<void> {
    const changed = this.#indexing = new Set()
    for (let i = 0; i < all.length; i += INDEX_SLICE) {
      for (const m of all.slice(i, i + INDEX_SLICE)) {
        if (!changed.has(m.id) && !changed.has(conversationKey(m))) this.searchIndex.put(m)
      }
      await new Promise(resolve => setTimeout(resolve, 0))
    }
    this.#indexing = undefined
  }

  get peerId (): string | undefined {
    return this.identity?.peerId.toString()
  }

  async createIdentity (): Promise<DeviceIdentity> {
    if (this.identity != null) return this.identity
    const identity = await DeviceIdentity.generate()
    await this.data.saveIdentity({ seed: identity.toSeed(), peerId: identity.peerId.toString(), createdAt: Date.now() })
    this.identity = identity
    return identity
  }

  /** Reloads the lists (contacts, groups, outbox count): after a contact or group changed. */
  async refresh (): Promise<void> {
    this.contacts = await this.data.listContacts()
    await this.profiles.load(this.contacts.map(c => c.peerId))
    // A verification holds for the keys compared: another safety number now means they changed.
    const stale = this.identity == null ? [] : this.contacts.filter(c => c.verified != null && c.verified.safetyNumber !== this.safetyNumber(c.peerId))
    for (const c of stale) await this.#keyChanged(c, [c.peerId])
    if (stale.length > 0) this.contacts = await this.data.listContacts()
    this.outboxCount = await this.#countOutbox()
    if (this.peerId != null) this.groups = await listGroups(this.store, this.peerId)
    this.#changed()
  }

  /** A message was added or moved: announced as the screen shows it; the outbox count is re-read. */
  async messageChanged (message: ChatMessage): Promise<void> {
    this.summaries.apply(message)
    // An edit replaces what is found; a message deleted for everyone leaves the index.
    this.#indexing?.add(message.id)
    this.searchIndex.put(message)
    const [view] = await this.files.attach(await withDeviceReceipts(this.store, [toView(message)]))
    this.dispatchEvent(new CustomEvent<ViewMessage>('message:changed', { detail: view }))
    this.outboxCount = await this.#countOutbox()
    // The list's unread counts and previews follow every message.
    this.#changed()
  }

  /**
   * A conversation changed in the store behind the client's `message:changed` (the group plugin
   * writes group messages, a deletion removes one): its summary is re-read.
   */
  async conversationChanged (target: { group: string } | { peer: string }): Promise<void> {
    if ('group' in target) await this.summaries.reloadGroup(target.group)
    else await this.summaries.reloadPeer(target.peer)
    const key = 'group' in target ? `group:${target.group}` : `peer:${target.peer}`
    const messages = await this.store.listMessages('group' in target ? { group: target.group } : { peer: target.peer })
    this.#indexing?.add(key)
    this.searchIndex.removeConversation(key)
    for (const m of messages) this.searchIndex.put(m)
    this.#changed()
  }

  /**
   * A message was deleted: gone from the store (delete for me, or expired) it leaves the screen
   * (`message:removed`); a tombstone (delete for everyone) stays and came as `message:changed`.
   */
  async messageDeleted (id: string, peer: string): Promise<void> {
    this.#indexing?.add(id)
    this.searchIndex.remove(id)
    if (await this.store.getMessage(id) == null) this.dispatchEvent(new CustomEvent<string>('message:removed', { detail: id }))
    await this.conversationChanged({ peer })
  }

  /**
   * Another device of the account sent its history into the store: its contacts, and every 1:1
   * conversation's peer, become contacts here, and the lists are re-read.
   */
  async historyArrived (contacts: SyncedContact[] = []): Promise<void> {
    // The contact list came along (names and verifications made on the other device).
    for (const c of contacts) await this.#applyContact(c)
    await this.summaries.load()
    for (const key of Object.keys(this.summaries.all())) {
      if (!key.startsWith('peer:')) continue
      const peer = key.slice('peer:'.length)
      if (await this.data.getContact(peer) == null) await this.data.putContact({ peerId: peer, nickname: '', addedAt: Date.now() })
    }
    await this.refresh()
  }

  /** A contact was added, renamed, verified or removed on another device of the account. */
  async contactFromDevice (contact: SyncedContact): Promise<void> {
    await this.#applyContact(contact)
    await this.refresh()
  }

  async #applyContact (c: SyncedContact): Promise<void> {
    if (c.peer === this.peerId) return
    if (c.removed === true) {
      await this.data.deleteContact(c.peer)
      return
    }
    const held = await this.data.getContact(c.peer)
    const { verified: _v, ...rest } = held ?? { peerId: c.peer, nickname: '', addedAt: c.addedAt }
    // Verified there: the contact's key is the one compared; the number kept is this device's own.
    const verified = c.verifiedAt == null ? undefined : held?.verified ?? { safetyNumber: this.safetyNumber(c.peer), at: c.verifiedAt }
    const { keyChange: _k, ...unwarned } = rest
    await this.data.putContact({ ...(verified != null ? unwarned : rest), peerId: c.peer, nickname: c.nickname, ...(c.username != null ? { username: c.username } : {}), ...(verified != null ? { verified } : {}) })
  }

  /** A contact's profile arrived, or this device's own was saved. */
  async profileChanged (peer?: string): Promise<void> {
    if (peer == null) await this.profiles.reloadOwn()
    else await this.profiles.reload(peer)
    this.#changed()
  }

  /** Adds someone who wrote first, without a nickname (left to the user). */
  async ensureContact (peer: string): Promise<void> {
    if (await this.data.getContact(peer) != null) return
    await this.data.putContact({ peerId: peer, nickname: '', addedAt: Date.now() })
    await this.refresh()
  }

  /** Adds or renames a contact from a PeerId or an invite link (`username`: found by @username). */
  async addContact (input: string, nickname: string, username?: string): Promise<Contact> {
    const peer = parsePeerId(peerIdFromInvite(input)).toString()
    if (peer === this.peerId) throw new Error('That is your own PeerId.')
    const existing = await this.data.getContact(peer)
    const name = username ?? existing?.username
    const contact: Contact = { ...existing, peerId: peer, nickname: nickname.trim(), addedAt: existing?.addedAt ?? Date.now(), ...(name != null ? { username: name } : {}) }
    await this.data.putContact(contact)
    await this.refresh()
    return contact
  }

  /** Removes a contact from the list; the conversation's history stays in the store. */
  async removeContact (peer: string): Promise<void> {
    await this.data.deleteContact(peer)
    await this.refresh()
  }

  /** "Mark as verified" (with the safety number shown now), or taking it back; a key-change warning ends. */
  async setVerified (peer: string, verified: boolean): Promise<void> {
    const contact = await this.data.getContact(peer)
    if (contact == null || this.identity == null) return
    const { verified: _v, keyChange: _k, ...rest } = contact
    await this.data.putContact(verified ? { ...rest, verified: { safetyNumber: this.safetyNumber(peer), at: Date.now() } } : rest)
    await this.refresh()
  }

  /** The account behind `@username` has devices this device did not know: its contacts warn, unverified. */
  async identityChanged (username: string, devices: string[]): Promise<void> {
    for (const c of this.contacts.filter(c => c.username === username)) await this.#keyChanged(c, devices)
    await this.refresh()
  }

  async #keyChanged (contact: Contact, devices: string[]): Promise<void> {
    const { verified: _v, ...rest } = contact
    await this.data.putContact({ ...rest, keyChange: { at: Date.now(), devices } })
  }

  /** No network session yet: the message waits in the store's outbox for one. */
  async queueOffline (peer: string, text: string): Promise<void> {
    const to = parsePeerId(peer).toString()
    // Written offline, it still carries the conversation's disappearing-message timer.
    const { seconds } = await conversationTimer(this.store, { peer: to })
    const { message, entry } = newQueuedText(to, text, Date.now(), {}, seconds > 0 ? seconds * 1000 : undefined)
    await this.store.addMessage(message, entry)
    await this.messageChanged(message)
  }

  /** The newest messages, or with `all` the whole history (a search result further back). */
  async conversation (peer: string, all = false): Promise<ViewMessage[]> {
    return await this.files.attach(await withDeviceReceipts(this.store, (await this.store.listMessages({ peer, ...(all ? {} : { limit: HISTORY_LIMIT }) })).map(toView)))
  }

  async groupConversation (groupId: string, all = false): Promise<ViewMessage[]> {
    if (this.peerId == null) return []
    return await this.files.attach(await groupMessages(this.store, groupId, this.peerId, all))
  }

  /** Messages matching `query` (text, sender or conversation name), newest first. */
  search (query: string, limit = 50): SearchHit[] {
    const names = new Map<string, string>()
    for (const c of this.contacts) {
      if (c.nickname === '') continue
      names.set(`peer:${c.peerId}`, c.nickname)
      names.set(c.peerId, c.nickname)
    }
    for (const g of this.groups) names.set(`group:${g.id}`, g.name)
    return this.searchIndex.search(query, { names, limit })
  }

  /** The 60 digits in twelve groups of five, as `babacloud safety-number` prints them. */
  safetyNumber (peer: string): string {
    if (this.identity == null) return ''
    this.#safetyNumbers ??= new SafetyNumbers(this.identity)
    return this.#safetyNumbers.with(peer)
  }

  async exportAll (): Promise<LocalExport> {
    return await this.data.exportAll()
  }

  /** Deletes every local record (stop the network session first). */
  async deleteAll (): Promise<void> {
    this.searchIndex.clear()
    await this.files.stop().catch(() => {})
    await deleteAppDb(this.db)
  }

  async #countOutbox (): Promise<number> {
    return (await this.store.listOutbox()).filter(e => !e.control).length
  }

  #changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
