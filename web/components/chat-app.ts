// The app shell: owns the services (page, session, open conversation), provides each lifetime's data
// to the screens through @lit/context, routes on the URL hash and turns the screens' events into
// service calls. No screen talks to the network itself.
import { ContextProvider } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { errorMessage } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { unreadTitle } from './conversation-line.ts'
import { conversationContext, localContext, sessionContext } from '../contexts.ts'
import { OFFLINE_ACCOUNT } from '../services/view-model.ts'
import { ChatService } from '../services/chat-service.ts'
import { datedFileName, downloadJson } from './download.ts'
import { inviteLink, parseRoute } from '../services/routes.ts'
import { controls, tokens } from '../styles/tokens.ts'
import './chat-connection-indicator.ts'
import './chat-contacts.ts'
import './chat-conversation.ts'
import './chat-first-run.ts'
import './chat-group-conversation.ts'
import './chat-group-create.ts'
import './chat-policy-notice.ts'
import './chat-search.ts'
import './chat-settings.ts'
import type { AcknowledgePolicyEvent } from '../events/acknowledge-policy-event.ts'
import type { CreateGroupEvent } from '../events/create-group-event.ts'
import type { InviteMembersEvent } from '../events/invite-members-event.ts'
import type { LeaveGroupEvent } from '../events/leave-group-event.ts'
import type { SendAttachmentEvent } from '../events/send-attachment-event.ts'
import type { TransferActionEvent } from '../events/transfer-action-event.ts'
import type { SetTimerEvent } from '../events/set-timer-event.ts'
import type { SendGroupMessageEvent } from '../events/send-group-message-event.ts'
import type { AddContactEvent } from '../events/add-contact-event.ts'
import type { MessagesSeenEvent } from '../events/messages-seen-event.ts'
import type { MessageActionEvent } from '../events/message-action-event.ts'
import type { ProfileChangeEvent } from '../events/profile-change-event.ts'
import type { PreferenceChangeEvent } from '../events/preference-events.ts'
import type { SendMessageEvent } from '../events/send-message-event.ts'
import type { SignUpEvent } from '../events/account-events.ts'
import type { SearchEvent } from '../events/search-event.ts'
import type { RemoveContactEvent } from '../events/remove-contact-event.ts'
import type { VerifyContactEvent } from '../events/verify-contact-event.ts'
import type { SearchHit } from '../services/search-index.ts'
import type { SearchNames } from './chat-search.ts'
import type { DeviceActionEvent } from '../events/device-action-event.ts'
import type { CreateIdentityEvent } from '../events/create-identity-event.ts'
import type { ConversationTarget } from '../services/conversation-model.ts'
import type { Route } from '../services/routes.ts'

function conversationOf (r: Route): ConversationTarget | undefined {
  if (r.name === 'chat') return { kind: 'peer', peer: r.peer }
  if (r.name === 'group') return { kind: 'group', groupId: r.groupId }
  return undefined
}

function isPeerId (text: string): boolean {
  try {
    parsePeerId(text)
    return true
  } catch {
    return false
  }
}

@customElement('chat-app')
export class ChatApp extends LitElement {
  static override styles = [tokens, controls, css`
    :host { display: flex; flex-direction: column; min-height: 100vh; min-height: 100dvh; background: var(--bc-bg); }
    /* A conversation fills exactly the screen: the list scrolls, the composer stays in view. */
    :host([chat]) { height: 100vh; height: 100dvh; }
    .notice a { margin-left: var(--bc-space-2); }
    .skip { position: absolute; left: -9999px; }
    .skip:focus { left: var(--bc-space-2); top: var(--bc-space-2); z-index: 1; background: var(--bc-surface); padding: var(--bc-space-2); }
    header { position: sticky; top: 0; z-index: 1; background: var(--bc-surface); border-bottom: 1px solid var(--bc-border); }
    .bar { max-width: var(--bc-max-width); margin: 0 auto; padding: var(--bc-space-2) var(--bc-space-4);
      display: flex; flex-wrap: wrap; align-items: center; gap: var(--bc-space-2) var(--bc-space-4); }
    h1 { font-size: 1.1rem; margin: 0; margin-right: auto; }
    h1 a { color: inherit; text-decoration: none; }
    nav { display: flex; gap: var(--bc-space-3); }
    nav a { color: var(--bc-accent); text-decoration: none; padding: var(--bc-space-1) 0; border-bottom: 2px solid transparent; }
    nav a[aria-current="page"] { border-bottom-color: var(--bc-accent); color: var(--bc-text); }
    main { flex: 1; width: 100%; max-width: var(--bc-max-width); margin: 0 auto; padding: var(--bc-space-4);
      display: flex; flex-direction: column; min-height: 0; }
    main:focus { outline: none; }
    .notice { margin: 0 0 var(--bc-space-3); padding: var(--bc-space-2) var(--bc-space-3); border-radius: var(--bc-radius);
      border: 1px solid var(--bc-warn); background: var(--bc-surface); }
    chat-conversation, chat-group-conversation { flex: 1; min-height: 0; }
    /* Desktop: the conversation list stays beside the open conversation. */
    :host([two-pane]) main { max-width: 1320px; }
    .panes { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr); gap: var(--bc-space-4); }
    :host([two-pane]) .panes { grid-template-columns: minmax(240px, 340px) minmax(0, 1fr); }
    .panes > .side { overflow-y: auto; min-height: 0; }
    .panes > .pane { display: flex; flex-direction: column; min-height: 0; }
  `]

  readonly service = new ChatService()
  readonly #local = new ContextProvider(this, { context: localContext, initialValue: { peerId: '', contacts: [], groups: [], outbox: 0 } })
  readonly #session = new ContextProvider(this, { context: sessionContext, initialValue: { rendezvous: 'connecting', reachable: false, account: OFFLINE_ACCOUNT } })
  readonly #conversation = new ContextProvider(this, { context: conversationContext, initialValue: [] })
  @state() private route: Route = parseRoute(location.hash)
  @state() private busy = false
  @state() private addError = ''
  @state() private exportNote = ''
  @state() private groupError = ''
  @state() private profileNote = ''
  @state() private profileError = ''
  @state() private permission = this.service.alerts.permission
  @state() private searchResults: SearchHit[] = []
  /** Wide enough for the conversation list beside the open conversation. */
  @state() private wide = false
  readonly #wideQuery = window.matchMedia('(min-width: 900px)')
  #searchQuery = ''

  override connectedCallback (): void {
    super.connectedCallback()
    this.service.addEventListener('change', this.#onChange)
    this.service.addEventListener('conversation', this.#onConversation)
    this.service.addEventListener('transfers', this.#onTransfers)
    window.addEventListener('hashchange', this.#onHash)
    window.addEventListener('online', this.#onOnline)
    window.addEventListener('pagehide', this.#onPageHide)
    this.#wideQuery.addEventListener('change', this.#onWidth)
    this.wide = this.#wideQuery.matches
    this.service.setActiveConversation(conversationOf(this.route))
    void this.service.init()
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.service.removeEventListener('change', this.#onChange)
    this.service.removeEventListener('conversation', this.#onConversation)
    this.service.removeEventListener('transfers', this.#onTransfers)
    window.removeEventListener('hashchange', this.#onHash)
    window.removeEventListener('online', this.#onOnline)
    window.removeEventListener('pagehide', this.#onPageHide)
    this.#wideQuery.removeEventListener('change', this.#onWidth)
  }

  readonly #onWidth = (): void => { this.wide = this.#wideQuery.matches }

  /** Local data or the session moved: the screens get fresh values; no conversation is reloaded. */
  readonly #onChange = (): void => {
    const s = this.service
    const local = s.local
    this.#local.setValue({ peerId: s.peerId ?? '', contacts: local?.contacts ?? [], groups: local?.groups ?? [], outbox: local?.outboxCount ?? 0 })
    const session = s.session
    this.#session.setValue({
      rendezvous: s.rendezvous,
      reachable: session?.reachable ?? false,
      path: s.path,
      account: session != null && session.rendezvous === 'online' ? session.account.view : OFFLINE_ACCOUNT
    })
    this.#onConversation()
    // New, edited or deleted messages change what an open search finds.
    if (this.#searchQuery !== '') this.searchResults = local?.search(this.#searchQuery) ?? []
    // "(3) BabaCloud Chat": unread messages in every conversation.
    document.title = unreadTitle(local?.summaries.totalUnread ?? 0)
    this.requestUpdate()
  }

  /** The open conversation's model patched a message (or loaded): its messages go to the screen. */
  readonly #onConversation = (): void => {
    this.#conversation.setValue(this.service.conversation?.messages ?? [])
  }

  /** Bytes of a file moved: the open conversation's transfer rows repaint. */
  readonly #onTransfers = (): void => { this.requestUpdate() }
  readonly #onOnline = (): void => { this.service.retryNow() }
  readonly #onPageHide = (e: PageTransitionEvent): void => {
    // Kept in the back/forward cache: the page may come back with its connections.
    if (!e.persisted) this.service.session?.pageHidden()
  }

  readonly #onHash = (): void => {
    this.route = parseRoute(location.hash)
    this.addError = ''
    this.service.setActiveConversation(conversationOf(this.route))
    this.#onConversation()
    const focus = this.route.name === 'chat' || this.route.name === 'group' ? this.route.focus : undefined
    if (focus != null) void this.service.conversation?.reveal(focus)
    void this.updateComplete.then(async () => { await this.#focusView() })
  }

  /**
   * After navigation, focus goes to the new screen's heading, unless the screen already put it
   * somewhere more useful (the composer, the nickname field of an invite).
   */
  async #focusView (): Promise<void> {
    const view = this.renderRoot.querySelector('main .pane > *') ?? this.renderRoot.querySelector('main > :not(.notice)')
    if (!(view instanceof LitElement)) return
    await view.updateComplete
    if (view.shadowRoot?.activeElement != null) return
    view.shadowRoot?.querySelector<HTMLElement>('h2[tabindex="-1"]')?.focus()
  }

  get #inviteLink (): string {
    // Signed up: the invite names the account, so the other person is asked "Add @name?".
    const username = this.service.session?.account.view.account?.profile?.username
    return inviteLink(location, this.service.peerId ?? '', username != null && username !== '' ? `@${username}` : undefined)
  }

  readonly #seen = (e: MessagesSeenEvent): void => { this.service.reads.seen(e.ids) }
  /** React, edit, delete: the views follow the store's changes, nothing is reloaded here. */
  readonly #messageAction = (e: MessageActionEvent): void => {
    if (this.service.session != null) void this.service.session.messages.run(e.action)
    else this.service.setNotice('Reactions, edits and deletions need the chat node started; try again in a moment.')
  }

  async #requestNotifications (): Promise<void> {
    this.permission = await this.service.alerts.requestPermission()
  }

  override willUpdate (): void {
    const inChat = (this.route.name === 'chat' || this.route.name === 'group') && this.service.phase === 'ready'
    this.toggleAttribute('chat', inChat)
    this.toggleAttribute('two-pane', inChat && this.wide)
    // Settings shows the account: loaded once per session, while connected.
    const session = this.service.session
    if (this.route.name === 'settings' && session?.rendezvous === 'online') void session.account.load()
  }

  override render (): unknown {
    const s = this.service
    const ready = s.phase === 'ready'
    const r = this.route
    const peer = r.name === 'chat' ? r.peer : undefined
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>('main')?.focus() }}>Skip to content</a>
      <header>
        <div class="bar">
          <h1><a href="#/">BabaCloud Chat</a></h1>
          ${ready
            ? html`<nav aria-label="Main">
                <a href="#/" aria-current=${r.name === 'contacts' || r.name === 'chat' || r.name === 'group' || r.name === 'new-group' ? 'page' : 'false'}>Contacts</a>
                <a href="#/settings" aria-current=${r.name === 'settings' ? 'page' : 'false'}>Settings</a>
              </nav>
              <chat-search .results=${this.searchResults} .names=${this.#searchNames} @search=${this.#search}></chat-search>
              <chat-connection-indicator .inConversation=${peer != null}></chat-connection-indicator>`
            : ''}
        </div>
      </header>
      <main id="main" tabindex="-1">
        ${s.notice != null && ready ? html`<p class="notice" role="status">${s.notice}</p>` : ''}
        ${ready && s.local?.policy.isNew === true && s.local.policy.acknowledged > 0 && r.name !== 'settings'
          ? html`<p class="notice" role="status">The node's privacy policy changed.<a href="#/settings">Read it in Settings</a></p>`
          : ''}
        ${this.hasAttribute('chat') ? this.#renderPanes() : this.#renderView()}
      </main>
    `
  }

  /**
   * A conversation, with the conversation list beside it on wide screens. The same template at every
   * width, so resizing adds or removes the list without re-creating the conversation (its draft, an
   * open dialog).
   */
  #renderPanes (): unknown {
    const local = this.service.local
    const r = this.route
    const current = r.name === 'chat' ? `peer:${r.peer}` : r.name === 'group' ? `group:${r.groupId}` : ''
    return html`<div class="panes">
      ${this.hasAttribute('two-pane')
        ? html`<nav class="side" aria-label="Conversations">
            <chat-contacts compact .current=${current} .contacts=${local?.contacts ?? []} .groups=${local?.groups ?? []}
              .summaries=${local?.summaries.all() ?? {}}></chat-contacts>
          </nav>`
        : nothing}
      <div class="pane">${this.#renderView()}</div>
    </div>`
  }

  readonly #search = (e: SearchEvent): void => {
    this.#searchQuery = e.query.trim()
    this.searchResults = this.#searchQuery === '' ? [] : this.service.local?.search(this.#searchQuery) ?? []
  }

  /** Names a search hit shows: the contact's nickname or the group's name, and who wrote it. */
  readonly #searchNames: SearchNames = {
    conversation: key => {
      const local = this.service.local
      const id = key.slice(key.indexOf(':') + 1)
      if (key.startsWith('group:')) return local?.groups.find(g => g.id === id)?.name ?? 'Group'
      return this.#contactName(id)
    },
    sender: hit => hit.direction === 'out' ? 'You' : hit.sender != null ? this.#contactName(hit.sender) : ''
  }

  #contactName (peer: string): string {
    const nickname = this.service.local?.contacts.find(c => c.peerId === peer)?.nickname ?? ''
    return nickname !== '' ? nickname : `${peer.slice(0, 8)}…`
  }

  #renderView (): unknown {
    const s = this.service
    const local = s.local
    const r = this.route
    if (s.phase === 'loading' || local == null) return html`<p class="muted">Opening…</p>`
    if (s.phase === 'failed') return html`<p class="error" role="alert">${s.notice}</p>`
    if (s.phase === 'first-run') {
      return html`<chat-first-run .busy=${this.busy} .linking=${r.name === 'settings' && r.link != null} @create-identity=${this.#createIdentity}></chat-first-run>`
    }
    switch (r.name) {
      case 'welcome':
        return html`<chat-first-run .peerId=${s.peerId} .inviteLink=${this.#inviteLink}></chat-first-run>`
      case 'settings':
        return html`<chat-settings .peerId=${s.peerId ?? ''} .inviteLink=${this.#inviteLink} .exportNote=${this.exportNote}
          .policy=${local.policy.isNew ? local.policy.current : undefined} .policyAcknowledged=${local.policy.acknowledged}
          .preferences=${local.preferences.current} .permission=${this.permission}
          .profile=${local.profiles.own} .profileNote=${this.profileNote} .profileError=${this.profileError} .profileBusy=${this.busy}
          @profile-change=${this.#saveProfile}
          @preference-change=${(e: PreferenceChangeEvent) => { void local.preferences.set(e.change) }}
          @request-notifications=${() => { void this.#requestNotifications() }}
          @export-data=${this.#export} @delete-data=${this.#delete}
          @sign-up=${(e: SignUpEvent) => { void s.session?.account.signUp(e.username, e.birthDate, { type: 'web', os: navigator.platform, clientVersion: '0.1.0' }) }}
          @export-account=${this.#exportAccount} @delete-account=${() => { void s.session?.account.delete() }}
          @device-action=${(e: DeviceActionEvent) => { void s.session?.account.device(e.action) }}
          @acknowledge-policy=${(e: AcknowledgePolicyEvent) => { void local.policy.acknowledge(e.version, s.session?.client.accounts) }}></chat-settings>`
      case 'new-group':
        return html`<chat-group-create .contacts=${local.contacts} .profiles=${local.profiles.all()} .error=${this.groupError} .busy=${this.busy}
          @create-group=${this.#createGroup}></chat-group-create>`
      case 'group':
        return html`<chat-group-conversation .group=${local.groups.find(g => g.id === r.groupId)} .contacts=${local.contacts} .profiles=${local.profiles.all()}
          .me=${s.peerId ?? ''} .showRead=${local.preferences.current.readReceipts} .focusId=${r.focus ?? ''} @messages-seen=${this.#seen}
          .transfers=${local.files.transfers.for(r.groupId)} .maxFileBytes=${local.files.maxBytes}
          @send-attachment=${this.#sendAttachment} @transfer-action=${this.#transferAction}
          @message-action=${this.#messageAction}
          @send-group-message=${(e: SendGroupMessageEvent) => { this.#afterSend(); void s.sendGroup(e.groupId, e.text, e.replyTo) }}
          @invite-members=${this.#inviteMembers} @leave-group=${this.#leaveGroup} @set-timer=${this.#setTimer}></chat-group-conversation>`
      case 'chat':
        if (!isPeerId(r.peer)) {
          return html`<p class="error" role="alert">This link does not name a BabaCloud contact. <a href="#/">Back to contacts</a></p>`
        }
        return html`<chat-conversation .peer=${r.peer} .contact=${local.contacts.find(c => c.peerId === r.peer)} .profile=${local.profiles.all()[r.peer]}
          .safetyNumber=${local.safetyNumber(r.peer)} .showRead=${local.preferences.current.readReceipts} .me=${s.peerId ?? ''}
          .focusId=${r.focus ?? ''}
          @messages-seen=${this.#seen} @send-message=${this.#send} @message-action=${this.#messageAction} @set-timer=${this.#setTimer}
          .transfers=${local.files.transfers.for(r.peer)} .maxFileBytes=${local.files.maxBytes}
          @send-attachment=${this.#sendAttachment} @transfer-action=${this.#transferAction}
          @verify-contact=${(e: VerifyContactEvent) => { void s.verifyContact(e.peer, e.verified) }}
          @remove-contact=${(e: RemoveContactEvent) => { void s.removeContact(e.peer).then(() => { location.hash = '#/' }) }}></chat-conversation>`
      default:
        return html`<chat-contacts .contacts=${local.contacts} .groups=${local.groups} .summaries=${local.summaries.all()} .profiles=${local.profiles.all()}
          .prefill=${r.invite ?? ''} .inviteName=${r.inviteName ?? ''} .error=${this.addError}
          .busy=${this.busy} @add-contact=${this.#addContact}></chat-contacts>`
    }
  }

  async #createIdentity (e: CreateIdentityEvent): Promise<void> {
    this.busy = true
    try {
      await this.service.createIdentity()
      // Opened from someone's invite: add them next; otherwise show the new identity's invite.
      if (this.route.name === 'contacts' && this.route.invite != null) this.#onHash()
      // Linking to an account: its form in Settings (filled in when opened from a link URL).
      else if (this.route.name === 'settings' && this.route.link != null) this.#onHash()
      else if (e.link) location.hash = '#/link'
      else location.hash = '#/welcome'
    } finally {
      this.busy = false
    }
  }

  async #addContact (e: AddContactEvent): Promise<void> {
    this.busy = true
    this.addError = ''
    try {
      const contact = await this.service.addContact(e.input, e.nickname)
      if (contact != null) location.hash = `#/chat/${contact.peerId}`
    } catch (err) {
      this.addError = errorMessage(err)
    } finally {
      this.busy = false
    }
  }

  async #saveProfile (e: ProfileChangeEvent): Promise<void> {
    this.busy = true
    this.profileError = ''
    this.profileNote = ''
    try {
      await this.service.saveProfile(e.displayName, e.avatar)
      const n = this.service.local?.contacts.length ?? 0
      this.profileNote = `Saved. Sent to your ${n} ${n === 1 ? 'contact' : 'contacts'}, end to end encrypted.`
    } catch (err) {
      this.profileError = errorMessage(err)
    } finally {
      this.busy = false
    }
  }

  async #createGroup (e: CreateGroupEvent): Promise<void> {
    this.busy = true
    this.groupError = ''
    try {
      const actions = this.service.session?.groupActions
      if (actions == null) throw new Error('Groups need a connection to the rendezvous node first.')
      const group = await actions.create(e.name, e.encryption, e.members)
      location.hash = `#/group/${group.id}`
    } catch (err) {
      this.groupError = errorMessage(err)
    } finally {
      this.busy = false
    }
  }

  async #inviteMembers (e: InviteMembersEvent): Promise<void> {
    try {
      await this.service.session?.groupActions.invite(e.groupId, e.members)
    } catch (err) {
      this.service.setNotice(`Could not invite: ${errorMessage(err)}`)
    }
  }

  async #leaveGroup (e: LeaveGroupEvent): Promise<void> {
    try {
      await this.service.session?.groupActions.leave(e.groupId)
    } catch (err) {
      this.service.setNotice(`Could not leave the group: ${errorMessage(err)}`)
    }
  }

  async #send (e: SendMessageEvent): Promise<void> {
    this.#afterSend()
    await this.service.send(e.peer, e.text, e.replyTo)
  }

  /** The person just sent something: the moment to ask once for notifications (never on load). */
  #afterSend (): void {
    this.service.alerts.askAfterFirstSend()
    void Promise.resolve().then(() => { this.permission = this.service.alerts.permission })
  }

  async #setTimer (e: SetTimerEvent): Promise<void> {
    const session = this.service.session
    if (session == null) {
      this.service.setNotice('Disappearing messages can be set only while connected to the rendezvous node.')
      return
    }
    try {
      await session.client.setTimer(e.group != null ? { group: e.group } : { peer: e.peer }, e.seconds)
    } catch (err) {
      this.service.setNotice(`Could not set disappearing messages: ${errorMessage(err)}`)
    }
    void this.service.conversation?.reload()
  }

  async #sendAttachment (e: SendAttachmentEvent): Promise<void> {
    const session = this.service.session
    if (session == null) this.service.setNotice('Files can be sent only while connected to the rendezvous node.')
    else await session.sendAttachment(e.to, e.file, e.caption)
  }

  readonly #transferAction = (e: TransferActionEvent): void => {
    const files = this.service.local?.files
    if (files == null) return
    if (e.action === 'cancel') files.cancel(e.key)
    else if (e.action === 'retry') void files.retry(e.key)
    else files.transfers.remove(e.key)
  }

  async #exportAccount (): Promise<void> {
    const json = await this.service.session?.account.export()
    if (json != null) downloadJson(json, datedFileName('babacloud-account-export'))
  }

  async #export (): Promise<void> {
    const local = this.service.local
    if (local == null) return
    const data = await local.exportAll()
    downloadJson(JSON.stringify(data, null, 2), datedFileName('babacloud-chat-export'))
    this.exportNote = `Exported ${data.messages.length} messages and ${data.contacts.length} contacts.`
  }

  async #delete (): Promise<void> {
    await this.service.deleteAllData()
    location.hash = ''
    location.reload()
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-app': ChatApp }
}
