// A group conversation: its name and encryption setting (shown to every member), the members, invite
// and leave, the messages with their senders, files, quotes, reactions and edits, each with its menu,
// files on their way, and the composer (Enter sends; it also answers or edits a message; a file
// picked with the button, pasted or dropped shows in a preview first and goes to every member).
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { currentTimer, timerLineView, timerSelect } from './timer-parts.ts'
import { SetTimerEvent } from '../events/set-timer-event.ts'
import { InviteMembersEvent } from '../events/invite-members-event.ts'
import { LeaveGroupEvent } from '../events/leave-group-event.ts'
import { SendGroupMessageEvent } from '../events/send-group-message-event.ts'
import { MessageActionEvent } from '../events/message-action-event.ts'
import { conversationContext } from '../contexts.ts'
import { controls } from '../styles/tokens.ts'
import { shortPeerId } from './chat-contacts.ts'
import { ComposerIntent, composerBarStyles } from './composer-intent.ts'
import { FileIntake } from './file-intake.ts'
import { attachmentView, paperclipIcon } from './message-parts.ts'
import { transferStyles, transferView } from './transfer-parts.ts'
import { editedView, messageBody, messageBodyStyles } from './message-body.ts'
import { ownReaction, reactionsView } from './message-reactions.ts'
import { SeenWatcher } from './seen-watcher.ts'
import { StickToBottom } from './stick-to-bottom.ts'
import './chat-file-preview.ts'
import { FoundMessage } from './found-message.ts'
import { daySeparatorStyles, withDaySeparators } from './day-separators.ts'
import './message-menu.ts'
import type { ComposeIntentEvent } from '../events/compose-intent-event.ts'
import type { MessageMenu } from './message-menu.ts'
import type { Transfer } from '../services/transfers.ts'
import type { ViewGroup, ViewMessage } from '../services/view-model.ts'
import type { Contact } from '../store/app-db.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

const STATUS: Partial<Record<ViewMessage['status'], string>> = { sent: 'Sending…', queued: 'Waiting', failed: 'Not sent' }

/** An own group message's status by member: "Read by 2 of 3", "Delivered to 1 of 3", "Sent". */
function groupStatus (m: ViewMessage, showRead: boolean): string {
  const early = STATUS[m.status]
  if (early != null) return early
  const r = m.receipts
  if (r == null) return 'Sent'
  if (showRead && r.read > 0) return `Read by ${r.read} of ${r.of}`
  if (r.delivered > 0) return `Delivered to ${r.delivered} of ${r.of}`
  return 'Sent'
}

@customElement('chat-group-conversation')
export class ChatGroupConversation extends LitElement {
  static override styles = [controls, messageBodyStyles, composerBarStyles, transferStyles, daySeparatorStyles, css`
    :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: var(--bc-space-2) var(--bc-space-3);
      padding-bottom: var(--bc-space-3); border-bottom: 1px solid var(--bc-border); }
    header h2 { margin: 0; }
    .badge { font-size: 0.8rem; padding: 2px var(--bc-space-2); border-radius: 999px; border: 1px solid currentColor; }
    .badge.e2ee { color: var(--bc-ok); }
    .badge.open { color: var(--bc-warn); }
    header a { font-size: 0.9rem; }
    li.system { align-self: center; background: none; border: none; font-size: 0.85rem; color: var(--bc-muted); }
    details { width: 100%; font-size: 0.9rem; }
    summary { cursor: pointer; padding: var(--bc-space-1) 0; }
    details ul { margin: var(--bc-space-1) 0 var(--bc-space-2); padding-left: var(--bc-space-4); columns: 2 200px; }
    .manage { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: flex-end; margin-top: var(--bc-space-2); }
    .manage .field { flex: 1; min-width: 180px; }
    select { font: inherit; color: inherit; background: var(--bc-surface); border: 1px solid var(--bc-border);
      border-radius: var(--bc-radius); padding: var(--bc-space-2); width: 100%; min-height: 40px; }
    ol { list-style: none; margin: 0; padding: var(--bc-space-3) 0; flex: 1; overflow-y: auto; min-height: 120px;
      display: flex; flex-direction: column; gap: var(--bc-space-2); }
    ol > li { max-width: min(80%, 560px); padding: var(--bc-space-2) var(--bc-space-3); border-radius: var(--bc-radius);
      border: 1px solid var(--bc-border); background: var(--bc-bubble-in); align-self: flex-start; }
    ol > li.out { align-self: flex-end; background: var(--bc-bubble-out); }
    ol > li[data-found] { outline: 3px solid var(--bc-accent); outline-offset: 2px; }
    .from { display: block; font-size: 0.8rem; font-weight: 600; color: var(--bc-accent); }
    .meta { display: block; font-size: 0.75rem; color: var(--bc-muted); margin-top: 2px; text-align: right; }
    .empty { margin: auto; text-align: center; }
    form.composer-form { display: flex; gap: var(--bc-space-2); align-items: flex-end; padding-top: var(--bc-space-3);
      border-top: 1px solid var(--bc-border); }
    .composer { flex: 1; min-width: 0; }
    textarea { resize: none; max-height: 30vh; display: block; }
    .attach { padding: var(--bc-space-2) var(--bc-space-3); }
    .attachment { margin: 0; }
    .attachment img { display: block; width: 240px; max-width: 100%; height: auto; max-height: 320px; object-fit: contain;
      border-radius: calc(var(--bc-radius) - 4px); background: var(--bc-bg); }
    figcaption { font-size: 0.8rem; margin-top: 2px; overflow-wrap: anywhere; }
    a.file { overflow-wrap: anywhere; display: inline-flex; gap: var(--bc-space-1); align-items: center; }
    :host([dragging]) ol { outline: 2px dashed var(--bc-accent); outline-offset: -2px; }
    header .timer { font-size: 0.9rem; display: inline-flex; gap: var(--bc-space-1); align-items: baseline; }
    header .timer select { width: auto; min-height: 32px; padding: var(--bc-space-1) var(--bc-space-2); }
  `]

  @property({ attribute: false }) group?: ViewGroup
  @property({ attribute: false }) contacts: Contact[] = []
  /** Display names members who are contacts share with this device, by PeerId. */
  @property({ attribute: false }) profiles: Record<string, ViewProfile> = {}
  /** The open conversation's model (from the app shell), patched as messages change. */
  @consume({ context: conversationContext, subscribe: true })
  @property({ attribute: false }) messages: ViewMessage[] = []
  /** This device's PeerId. */
  @property() me = ''
  /** Off when the person turned read receipts off: only deliveries are shown. */
  @property({ type: Boolean }) showRead = true
  /** Files on their way in this group. */
  @property({ attribute: false }) transfers: Transfer[] = []
  /** Largest file that may be sent now, bytes. */
  @property({ type: Number }) maxFileBytes = Number.POSITIVE_INFINITY
  /** A message to show and highlight (opened from a search result). */
  @property() focusId = ''
  @query('#group-composer') private composer?: HTMLTextAreaElement
  @query('#invite-member') private inviteSelect?: HTMLSelectElement
  @query('#group-attach-input') private fileInput?: HTMLInputElement
  @query('ol') private list?: HTMLOListElement
  /** Reports the unread messages in view (the app marks them read). */
  readonly seen = new SeenWatcher(this, () => this.list)
  /** Answering or editing a message from its menu. */
  readonly intent = new ComposerIntent(this, () => this.composer)
  /** A file picked, pasted or dropped waits in the preview; only members send. */
  readonly files = new FileIntake(this, () => this.group?.member === true)
  readonly #scroll = new StickToBottom(this, () => this.list)
  readonly #found = new FoundMessage(this, () => this.list, () => { this.#scroll.release() })

  #name (peer: string | undefined): string {
    if (peer == null || peer === '') return 'Unknown member'
    if (peer === this.me) return 'You'
    const c = this.contacts.find(c => c.peerId === peer)
    if (c != null && c.nickname !== '') return c.nickname
    const shared = this.profiles[peer]?.displayName ?? ''
    return shared !== '' ? shared : shortPeerId(peer)
  }

  override render (): unknown {
    const g = this.group
    if (g == null) return html`<p class="muted">This group is not on this device. <a href="#/">Back to contacts</a></p>`
    const admin = g.admins.includes(this.me)
    const invitable = this.contacts.filter(c => !g.members.includes(c.peerId))
    const byId = new Map(this.messages.map(m => [m.id, m]))
    return html`
      <header>
        <h2 id="group-title" tabindex="-1">${g.name}</h2>
        <span class="badge ${g.encryption}" data-testid="group-encryption" data-encryption=${g.encryption}>
          ${g.encryption === 'e2ee' ? 'End-to-end encrypted' : 'Open: signed, not encrypted'}</span>
        <a href="#/">Back to contacts</a>
        ${g.member ? timerSelect(currentTimer(this.messages), seconds => { this.dispatchEvent(new SetTimerEvent('', seconds, g.id)) }) : nothing}
        <details>
          <summary>${g.members.length} members${g.member ? '' : ' · you are no longer a member'}</summary>
          <ul data-testid="group-members">${g.members.map(m => html`<li class="member">${this.#name(m)}${g.admins.includes(m) ? ' (admin)' : ''}</li>`)}</ul>
          ${g.member
            ? html`<div class="manage">
                ${admin && invitable.length > 0
                  ? html`<div class="field"><label for="invite-member">Invite a contact</label>
                      <select id="invite-member">${invitable.map(c => html`<option value=${c.peerId}>${c.nickname === '' ? shortPeerId(c.peerId) : c.nickname}</option>`)}</select></div>
                    <button type="button" class="secondary" @click=${this.#invite}>Invite</button>`
                  : nothing}
                <button type="button" class="danger" @click=${this.#leave}>Leave group</button>
              </div>`
            : nothing}
        </details>
      </header>
      <ol aria-labelledby="group-title" aria-live="polite" data-testid="messages" @scroll=${this.#scroll.onScroll}
        @compose-intent=${(e: ComposeIntentEvent) => { this.intent.start(e.mode, this.messages.find(m => m.id === e.id)) }}>
        ${this.messages.length === 0 ? html`<li class="empty muted" aria-hidden="true">No messages yet.</li>` : nothing}
        ${withDaySeparators(this.messages, m => m.timer != null ? timerLineView(m, this.#name(m.from)) : html`
          <li class=${m.direction} data-id=${m.id} data-status=${m.status} data-from=${m.from ?? ''} tabindex="-1" @contextmenu=${this.#openMenu}
            ?data-found=${m.id === this.focusId}>
            <message-menu class="actions" .messageId=${m.id} ?mine=${m.direction === 'out'} ?deleted=${m.deletedAt != null}
              ?editable=${m.text !== ''} .reaction=${ownReaction(m, this.me)}></message-menu>
            <span class="from">${this.#name(m.from)}</span>
            ${m.attachment != null && m.deletedAt == null ? attachmentView(m.attachment) : nothing}
            ${messageBody(m, m.text !== '' || m.attachment == null, byId)}
            ${reactionsView(m, this.me, p => this.#name(p))}
            <span class="meta"><time datetime=${new Date(m.sentAt).toISOString()}>${time.format(m.sentAt)}</time>${editedView(m)}${m.direction === 'out' ? html` · <span class="status">${groupStatus(m, this.showRead)}</span>` : nothing}</span>
          </li>`)}
        ${this.transfers.map(t => transferView(t, this.#name(t.direction === 'out' ? this.me : t.from)))}
      </ol>
      ${g.member
        ? html`<chat-file-preview .file=${this.files.file} .target=${{ groupId: g.id }} .maxBytes=${this.maxFileBytes}
            @close=${() => { this.files.clear(); this.composer?.focus() }}></chat-file-preview>`
        : nothing}
      ${g.member
        ? html`<form class="composer-form" @submit=${this.#submit}>
            <div class="composer">
              ${this.intent.bar(m => m.direction === 'out' ? 'yourself' : this.#name(m.from))}
              <label for="group-composer" class="visually-hidden">Message</label>
              <textarea id="group-composer" rows="2" placeholder=${`Message ${g.name}`} aria-describedby="group-composer-hint"
                @keydown=${this.#keydown}></textarea>
              <span id="group-composer-hint" class="visually-hidden">Enter sends, Shift+Enter starts a new line.</span>
            </div>
            <input type="file" id="group-attach-input" hidden @change=${this.#fileChosen}>
            <button type="button" class="secondary attach" aria-label="Attach a file" title="Attach a file"
              @click=${() => { this.fileInput?.click() }}>${paperclipIcon}</button>
            <button type="submit">Send</button>
          </form>`
        : nothing}
    `
  }

  override firstUpdated (): void {
    this.composer?.focus()
  }

  override willUpdate (): void {
    this.toggleAttribute('dragging', this.files.dragging)
  }

  override updated (changed: Map<string, unknown>): void {
    if (changed.has('messages')) this.intent.check(this.messages)
    if (changed.has('messages') || changed.has('transfers')) this.#scroll.follow(this.messages)
    this.#found.show(this.focusId)
  }

  /** Right-click (or a long press) on a message opens its menu instead of the browser's. */
  #openMenu (e: MouseEvent): void {
    const menu = (e.currentTarget as HTMLElement).querySelector<MessageMenu>('message-menu')
    if (menu == null) return
    e.preventDefault()
    void menu.show()
  }

  #fileChosen (): void {
    const input = this.fileInput
    if (input == null) return
    this.files.take(input.files?.[0])
    input.value = ''
  }

  #invite (): void {
    const peer = this.inviteSelect?.value
    if (this.group == null || peer == null || peer === '') return
    this.dispatchEvent(new InviteMembersEvent(this.group.id, [peer]))
  }

  #leave (): void {
    if (this.group == null) return
    this.dispatchEvent(new LeaveGroupEvent(this.group.id))
  }

  #keydown (e: KeyboardEvent): void {
    if (this.intent.escape(e)) return
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      this.#send()
    }
  }

  #submit (e: SubmitEvent): void {
    e.preventDefault()
    this.#send()
  }

  #send (): void {
    const text = this.composer?.value.trim() ?? ''
    if (text === '' || this.composer == null || this.group == null) return
    const outcome = this.intent.take(text)
    if (outcome.kind === 'send') this.dispatchEvent(new SendGroupMessageEvent(this.group.id, text, outcome.replyTo))
    else if (outcome.kind === 'edit') this.dispatchEvent(new MessageActionEvent({ kind: 'edit', id: outcome.id, text }))
    this.composer.value = ''
    this.composer.focus()
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-group-conversation': ChatGroupConversation }
}
