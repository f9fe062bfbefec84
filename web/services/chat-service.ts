// The web app's services by lifetime: the page's local data (LocalData), the network session once a
// node runs (NetworkSession, built by launchSession), and the open conversation's model
// (ConversationModel). This is where the three meet: it opens the local data, launches the session
// (again, with a backoff, while the node cannot be reached) and swaps the conversation model when
// the screen changes. `change` says its state or a list moved; the conversation model has its own.
import { errorMessage } from '../../protocol/errors.ts'
import { Alerts } from './alerts.ts'
import { followArrivals } from './arrivals.ts'
import { Backoff } from './backoff.ts'
import { resolveContactInput } from './contact-input.ts'
import { ContactKeys } from './contact-keys.ts'
import { ConversationModel } from './conversation-model.ts'
import { LocalData } from './local-data.ts'
import { DEFAULT_PREFERENCES } from './preferences.ts'
import { ReadMarker } from './read-marker.ts'
import { LaunchError, launchSession } from './session-launch.ts'
import { holdTabLock } from './tab-lock.ts'
import type { ConversationTarget } from './conversation-model.ts'
import type { NetworkSession, RendezvousState } from './network-session.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'
import type { Profile } from '../../protocol/control/profiles.ts'
import type { Preferences } from './preferences.ts'
import type { Contact } from '../store/app-db.ts'

export type Phase = 'loading' | 'first-run' | 'ready' | 'failed'
export type { RendezvousState } from './network-session.ts'
export type { ViewAttachment, ViewGroup, ViewMessage } from './view-model.ts'

const TAB_LOCK = 'babacloud-chat-node'

export class ChatService extends EventTarget {
  phase: Phase = 'loading'
  /** Last problem worth showing (unreachable rendezvous, a refused message); cleared when online. */
  notice?: string
  local?: LocalData
  session?: NetworkSession
  conversation?: ConversationModel
  /** Watches contacts' identities while a session runs (contact-keys.ts). */
  keys?: ContactKeys
  readonly alerts = new Alerts(() => this.#preferences)
  readonly reads = new ReadMarker(() => this.#preferences)
  /** Before a session runs: whether one is being started or could not be. */
  #launchState: RendezvousState = 'connecting'
  /** The conversation on screen, also before local data is open. */
  #target?: ConversationTarget
  readonly #backoff = new Backoff()
  #launching = false
  #tabLocked = false
  #closed = false

  async init (): Promise<void> {
    try {
      this.local = await LocalData.open({
        onNotice: text => { this.setNotice(text) },
        onLost: () => {
          this.phase = 'failed'
          this.setNotice('Local data was deleted or upgraded in another tab. Reload this page.')
        }
      })
      this.local.addEventListener('change', this.#changed)
      this.local.files.transfers.addEventListener('change', () => { this.dispatchEvent(new Event('transfers')) })
      if (this.#target != null) this.#open(this.#target)
      if (this.local.identity == null) {
        this.phase = 'first-run'
        this.#changed()
        return
      }
      await this.#ready()
    } catch (err) {
      this.phase = 'failed'
      this.setNotice(`Local storage is unavailable: ${errorMessage(err)}`)
    }
  }

  get #preferences (): Preferences {
    return this.local?.preferences.current ?? DEFAULT_PREFERENCES
  }

  get rendezvous (): RendezvousState {
    return this.session?.rendezvous ?? this.#launchState
  }

  get peerId (): string | undefined {
    return this.local?.peerId
  }

  async createIdentity (): Promise<void> {
    if (this.local == null || this.local.identity != null) return
    await this.local.createIdentity()
    await this.#ready()
  }

  async #ready (): Promise<void> {
    this.phase = 'ready'
    await this.local?.refresh()
    void this.#launch()
  }

  async #launch (): Promise<void> {
    const local = this.local
    const identity = local?.identity
    if (this.#closed || this.#launching || this.session != null || local == null || identity == null) return
    this.#launching = true
    try {
      if (!this.#tabLocked) {
        this.#tabLocked = true
        await holdTabLock(TAB_LOCK, () => {
          this.#setLaunchState('offline', 'BabaCloud Chat is open in another tab of this browser. This tab takes over when that one closes.')
        })
        this.#setLaunchState('connecting', undefined)
      }
      const session = await launchSession({ local, identity, notice: text => { this.setNotice(text) } })
      if (this.#closed) {
        await session.stop()
        return
      }
      this.session = session
      session.addEventListener('change', this.#changed)
      const keys = this.keys = new ContactKeys(session, local)
      let online = false
      session.addEventListener('change', () => {
        // Each time the node is reached: did a contact's account get new devices meanwhile?
        if (session.rendezvous === 'online' && !online) void keys.checkAll()
        online = session.rendezvous === 'online'
      })
      this.conversation?.follow(session)
      session.setActiveConversation(this.#activePeer())
      followArrivals({ session, local, alerts: this.alerts, open: () => this.#target })
      this.reads.attach(session.client)
      this.#changed()
      await session.start()
    } catch (err) {
      const retry = !(err instanceof LaunchError) || err.retry
      this.#setLaunchState('offline', errorMessage(err))
      if (retry) this.#backoff.schedule(() => { void this.#launch() })
    } finally {
      this.#launching = false
    }
  }

  /** The browser came back online: try at once instead of waiting out the backoff. */
  retryNow (): void {
    if (this.session != null) {
      this.session.retryNow()
      return
    }
    this.#backoff.cancel()
    void this.#launch()
  }

  /** The screen shows `target` (or no conversation): its model is made, the old one closed. */
  setActiveConversation (target: ConversationTarget | undefined): void {
    if (target != null && this.conversation?.is(target) === true) return
    this.#target = target
    this.conversation?.close()
    this.conversation = undefined
    if (target != null) this.#open(target)
    this.session?.setActiveConversation(this.#activePeer())
    const peer = this.#activePeer()
    if (peer != null) void this.keys?.check(peer)
    this.#changed()
  }

  /** Opened before local data is: the model is made once it is (init). */
  #open (target: ConversationTarget): void {
    if (this.local == null) return
    this.conversation = new ConversationModel(target, { local: this.local, groups: this.session })
    this.conversation.addEventListener('change', this.#conversationChanged)
  }

  #activePeer (): string | undefined {
    return this.#target?.kind === 'peer' ? this.#target.peer : undefined
  }

  /** The open conversation's peer path; undefined: only the mailbox. */
  get path (): DeliveryPath | undefined {
    const peer = this.#activePeer()
    return peer == null ? undefined : this.session?.peerPath(peer)
  }

  /** Writes a message: with a session it goes out (or waits in the outbox); without, it waits there. */
  async send (peer: string, text: string, replyTo?: string): Promise<void> {
    if (this.local == null) return
    await this.local.ensureContact(peer)
    if (this.session != null) await this.session.send(peer, text, replyTo)
    else if (replyTo == null) await this.local.queueOffline(peer, text)
    else this.setNotice('A reply needs the chat node started; try again in a moment.')
  }

  /** Adds a contact from a PeerId, an invite link or an @username (resolved at the node). */
  async addContact (input: string, nickname: string): Promise<Contact | undefined> {
    if (this.local == null) return undefined
    const found = await resolveContactInput(input, this.session?.rendezvous === 'online' ? this.session.client.accounts : undefined)
    const contact = await this.local.addContact(found.peerId, nickname.trim() !== '' ? nickname : found.suggestedName, found.username)
    // The account's other devices get the same contact (end to end encrypted; queued while offline).
    await this.session?.client.contacts.add(contact.peerId, { nickname: contact.nickname, ...(contact.username != null ? { username: contact.username } : {}) }).catch(err => { this.setNotice(`The contact was not sent to your other devices: ${errorMessage(err)}`) })
    // The account's devices as they are now: what later checks compare with.
    void this.keys?.check(contact.peerId)
    // A new contact learns the profile the others already have.
    const own = await this.session?.profiles.own()
    if (own != null && (own.displayName !== '' || own.avatar != null)) await this.session?.profiles.send(own, [contact.peerId]).catch(() => {})
    return contact
  }

  /**
   * Saves this device's profile and queues it to every contact, end to end encrypted. `avatar`:
   * undefined keeps the current one, null removes it. Needs the chat node started (not the rendezvous).
   */
  async saveProfile (displayName: string, avatar: Profile['avatar'] | null | undefined): Promise<void> {
    const session = this.session
    const local = this.local
    if (session == null || local == null) throw new Error('Your profile can be saved once the chat node has started; try again in a moment.')
    const kept = avatar === undefined ? (await session.profiles.own()).avatar : avatar ?? undefined
    await session.profiles.share({ displayName: displayName.trim(), ...(kept != null ? { avatar: kept } : {}) }, local.contacts.map(c => c.peerId))
    await local.profileChanged()
  }

  /**
   * Removes a contact here, then on the account's other devices (queued while offline). Only the
   * removal here is waited for: asking the node for the account's devices may take a request's
   * whole timeout, and the screen must not wait on the network.
   */
  async removeContact (peer: string): Promise<void> {
    await this.local?.removeContact(peer)
    void this.session?.client.contacts.remove(peer).catch(err => { this.setNotice(`The removal was not sent to your other devices: ${errorMessage(err)}`) })
  }

  /** "Mark as verified" or taking it back; verifying after a change trusts the new devices. */
  async verifyContact (peer: string, verified: boolean): Promise<void> {
    await this.local?.setVerified(peer, verified)
    void this.#syncVerified(peer, verified).catch(err => { this.setNotice(`The verification was not sent to your other devices: ${errorMessage(err)}`) })
    if (verified) await this.keys?.trust(peer).catch(err => { this.setNotice(`Could not trust the new devices: ${errorMessage(err)}`) })
  }

  /** The account's other devices mark the contact the same way (added there first if only this device had it). */
  async #syncVerified (peer: string, verified: boolean): Promise<void> {
    const contacts = this.session?.client.contacts
    if (contacts == null) return
    const here = this.local?.contacts.find(c => c.peerId === peer)
    if (await contacts.get(peer) == null && here != null) await contacts.add(peer, { nickname: here.nickname, ...(here.username != null ? { username: here.username } : {}) })
    await contacts.setVerified(peer, verified)
  }

  async sendGroup (groupId: string, text: string, replyTo?: string): Promise<void> {
    if (this.session == null) {
      this.setNotice('Groups need a connection to the rendezvous node first.')
      return
    }
    const sending = this.session.groupActions.send(groupId, text, replyTo)
    // The group plugin stores the message before it goes out: show it now, then with its result.
    void this.conversation?.reload()
    await sending.catch(err => { this.setNotice(`The message could not be sent: ${errorMessage(err)}`) })
    void this.conversation?.reload()
  }

  /** Stops the session and deletes every local record; the page then starts from the first run. */
  async deleteAllData (): Promise<void> {
    this.#closed = true
    this.#backoff.stop()
    this.conversation?.close()
    await this.session?.stop()
    await this.local?.deleteAll()
  }

  setNotice (text: string | undefined): void {
    this.notice = text
    this.#changed()
  }

  #setLaunchState (state: RendezvousState, notice: string | undefined): void {
    this.#launchState = state
    this.setNotice(notice)
  }

  /** The open conversation's messages moved (the app shell re-provides them). */
  readonly #conversationChanged = (): void => {
    this.dispatchEvent(new Event('conversation'))
  }

  readonly #changed = (): void => {
    this.dispatchEvent(new Event('change'))
  }
}
