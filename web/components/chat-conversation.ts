// One conversation: the messages with their delivery status, attachments, quotes, reactions and
// edits, each with its menu (message-menu.ts), files on their way (transfer-parts.ts), the safety
// number, and the composer (Enter sends; a file picked with the button, pasted or dropped shows in a
// preview first, file-intake.ts; it also answers or edits a message, composer-intent.ts).
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { SendMessageEvent } from '../events/send-message-event.ts'
import { MessageActionEvent } from '../events/message-action-event.ts'
import { conversationContext } from '../contexts.ts'
import { controls } from '../styles/tokens.ts'
import { shortPeerId } from './chat-contacts.ts'
import { attachmentView, paperclipIcon } from './message-parts.ts'
import { ComposerIntent, composerBarStyles } from './composer-intent.ts'
import { FileIntake } from './file-intake.ts'
import { transferStyles, transferView } from './transfer-parts.ts'
import { editedView, messageBody, messageBodyStyles } from './message-body.ts'
import { ownReaction, reactionsView } from './message-reactions.ts'
import { SeenWatcher } from './seen-watcher.ts'
import { contactLabel, contactLabelStyles, contactName } from './contact-name.ts'
import { StickToBottom } from './stick-to-bottom.ts'
import { FoundMessage } from './found-message.ts'
import { daySeparatorStyles, withDaySeparators } from './day-separators.ts'
import { currentTimer, timerLineView, timerSelect } from './timer-parts.ts'
import { RemoveContactEvent } from '../events/remove-contact-event.ts'
import { SetTimerEvent } from '../events/set-timer-event.ts'
import './chat-file-preview.ts'
import { deviceStateText } from './message-info.ts'
import './chat-safety-number.ts'
import './chat-stuck-banner.ts'
import './message-menu.ts'
import type { ComposeIntentEvent } from '../events/compose-intent-event.ts'
import type { MessageMenu } from './message-menu.ts'
import type { ChatSafetyNumber } from './chat-safety-number.ts'
import type { Transfer } from '../services/transfers.ts'
import type { ViewMessage } from '../services/view-model.ts'
import type { Contact } from '../store/app-db.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'

const STATUS_LABEL: Record<ViewMessage['status'], string> = {
  queued: 'Waiting in outbox',
  sent: 'Sending…',
  stored: 'Stored on node',
  delivered: 'Delivered',
  read: 'Read',
  received: '',
  failed: 'Not sent'
}

const PATH_LABEL: Record<string, string> = { webrtc: 'WebRTC', direct: 'direct', relayed: 'relayed', mailbox: 'mailbox' }

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/**
 * The node's verified purge receipt(s): when it said it deleted its copy (per recipient device).
 * An expiry notice says the copy was deleted unread: that is said plainly, as a warning.
 */
function purgedLine (purged: NonNullable<ViewMessage['purged']>): ReturnType<typeof html> {
  const expired = purged.filter(p => p.reason === 'expired')
  if (expired.length > 0) {
    const at = Math.max(...expired.map(p => p.at))
    const title = `The node signed that this message waited past its retention and was deleted unread at ${new Date(at).toLocaleString()}` +
      `${expired.length < purged.length ? ` (on ${expired.length} of ${purged.length} devices)` : ''}. Send it again if it still matters.`
    return html` · <span class="purged expired" data-testid="expired" role="status" title=${title}>Not delivered: expired at the node ${time.format(at)}</span>`
  }
  const last = Math.max(...purged.map(p => p.at))
  const title = `The node signed that it deleted its copy at ${new Date(last).toLocaleString()} (verified against its key` +
    `${purged.length > 1 ? `; ${purged.length} devices` : ''}). It cannot prove no other copy exists.`
  return html` · <span class="purged" data-testid="purged" title=${title}>Removed from the node ${time.format(last)}</span>`
}

@customElement('chat-conversation')
export class ChatConversation extends LitElement {
  static override styles = [controls, messageBodyStyles, composerBarStyles, contactLabelStyles, transferStyles, daySeparatorStyles, css`
    :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
    header { display: flex; flex-wrap: wrap; align-items: baseline; gap: var(--bc-space-2) var(--bc-space-3);
      padding-bottom: var(--bc-space-3); border-bottom: 1px solid var(--bc-border); }
    header h2 { margin: 0; }
    header a { font-size: 0.9rem; }
    ol { list-style: none; margin: 0; padding: var(--bc-space-3) 0; flex: 1; overflow-y: auto; min-height: 120px;
      display: flex; flex-direction: column; gap: var(--bc-space-2); }
    li { max-width: min(80%, 560px); padding: var(--bc-space-2) var(--bc-space-3); border-radius: var(--bc-radius);
      border: 1px solid var(--bc-border); background: var(--bc-bubble-in); align-self: flex-start; }
    li.out { align-self: flex-end; background: var(--bc-bubble-out); }
    li[data-found] { outline: 3px solid var(--bc-accent); outline-offset: 2px; }
    .meta { display: block; font-size: 0.75rem; color: var(--bc-muted); margin-top: 2px; text-align: right; }
    li[data-status="failed"] .meta { color: var(--bc-danger); }
    .meta .expired { color: var(--bc-warn); font-weight: 600; }
    .empty { margin: auto; text-align: center; }
    form { display: flex; gap: var(--bc-space-2); align-items: flex-end; padding-top: var(--bc-space-3);
      border-top: 1px solid var(--bc-border); }
    .composer { flex: 1; min-width: 0; }
    textarea { resize: none; max-height: 30vh; display: block; }
    header .verify { margin-left: auto; min-height: 32px; padding: var(--bc-space-1) var(--bc-space-3); font-size: 0.9rem; }
    .attachment { margin: 0; }
    /* Previews get a readable size whatever the picture's own: wide enough to see, never past the bubble. */
    .attachment img { display: block; width: 240px; max-width: 100%; height: auto; max-height: 320px; object-fit: contain;
      border-radius: calc(var(--bc-radius) - 4px); background: var(--bc-bg); }
    figcaption { font-size: 0.8rem; margin-top: 2px; overflow-wrap: anywhere; }
    a.file { overflow-wrap: anywhere; display: inline-flex; gap: var(--bc-space-1); align-items: center; }
    .attach { padding: var(--bc-space-2) var(--bc-space-3); }
    li.system { align-self: center; background: none; border: none; font-size: 0.85rem; color: var(--bc-muted); }
    header .timer { font-size: 0.9rem; display: inline-flex; gap: var(--bc-space-1); align-items: baseline; }
    :host([dragging]) ol { outline: 2px dashed var(--bc-accent); outline-offset: -2px; }
    .verified { font-size: 0.85rem; font-weight: 600; color: var(--bc-ok); border: 1px solid currentColor; border-radius: 999px; padding: 0 var(--bc-space-2); }
    .key-change, .remove-confirm { margin-top: var(--bc-space-3); padding: var(--bc-space-2) var(--bc-space-3); border: 1px solid var(--bc-danger);
      border-radius: var(--bc-radius); background: var(--bc-surface); display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; }
    .key-change p, .remove-confirm p { margin: 0; flex: 1 1 260px; }
    header .remove { min-height: 32px; padding: var(--bc-space-1) var(--bc-space-3); font-size: 0.9rem; }
  `]

  @property({ attribute: false }) contact?: Contact
  /** The display name and avatar the contact shares. */
  @property({ attribute: false }) profile?: ViewProfile
  @property() peer = ''
  /** The open conversation's model (from the app shell), patched as messages change. */
  @consume({ context: conversationContext, subscribe: true })
  @property({ attribute: false }) messages: ViewMessage[] = []
  /** The formatted safety number with this contact (empty until known). */
  @property() safetyNumber = ''
  /** Off when the person turned read receipts off: then others' "Read" shows as "Delivered". */
  @property({ type: Boolean }) showRead = true
  /** This device's PeerId (its reactions show as "You"). */
  @property() me = ''
  /** Files on their way in this conversation. */
  @property({ attribute: false }) transfers: Transfer[] = []
  /** Largest file that may be sent now, bytes. */
  @property({ type: Number }) maxFileBytes = Number.POSITIVE_INFINITY
  /** A message to show and highlight (opened from a search result). */
  @property() focusId = ''
  /** Asking whether to remove the contact. */
  @state() private removing = false
  @query('#composer') private composer?: HTMLTextAreaElement
  @query('#attach-input') private fileInput?: HTMLInputElement
  @query('chat-safety-number') private safetyDialog?: ChatSafetyNumber
  @query('ol') private list?: HTMLOListElement
  /** Reports the unread messages in view (the app marks them read). */
  readonly seen = new SeenWatcher(this, () => this.list)
  /** Answering or editing a message from its menu. */
  readonly intent = new ComposerIntent(this, () => this.composer)
  /** A file picked, pasted or dropped waits in the preview. */
  readonly files = new FileIntake(this)
  readonly #scroll = new StickToBottom(this, () => this.list)
  readonly #found = new FoundMessage(this, () => this.list, () => { this.#scroll.release() })

  override render (): unknown {
    const name = contactName(this.contact, this.profile)
    const verified = this.contact?.verified != null
    const keyChange = this.contact?.keyChange
    return html`
      <header>
        <h2 id="conversation-title" tabindex="-1">${contactLabel(this.contact, this.profile)}</h2>
        ${verified
          ? html`<span class="verified" data-testid="verified" title="You compared safety numbers with ${name} and marked them verified on this device.">✓ Verified</span>`
          : nothing}
        <span class="mono muted" title=${this.peer}>${shortPeerId(this.peer)}</span>
        <a href="#/">Back to contacts</a>
        <button type="button" class="secondary verify" @click=${() => { void this.safetyDialog?.show() }}>Verify safety number</button>
        ${timerSelect(currentTimer(this.messages), seconds => { this.dispatchEvent(new SetTimerEvent(this.peer, seconds)) })}
        ${this.contact != null ? html`<button type="button" class="secondary remove" @click=${() => { this.removing = true }}>Remove contact</button>` : nothing}
      </header>
      ${this.removing
        ? html`<div class="remove-confirm" role="alert" data-testid="remove-contact">
            <p>Remove ${name} from your contacts, on all your devices? The conversation stays; a new message from ${name} brings the contact back.</p>
            <button type="button" @click=${() => { this.removing = false; this.dispatchEvent(new RemoveContactEvent(this.peer)) }}>Yes, remove</button>
            <button type="button" class="secondary" @click=${() => { this.removing = false }}>Cancel</button>
          </div>`
        : nothing}
      ${keyChange != null
        ? html`<div class="key-change" role="alert" data-testid="key-change">
            <p><strong>${name}'s identity changed.</strong> ${this.contact?.username != null ? `@${this.contact.username} has ${keyChange.devices.length === 1 ? 'a device' : `${keyChange.devices.length} devices`} you have not verified` : 'The safety number is not the one you verified'}
              (noticed ${new Date(keyChange.at).toLocaleString()}). It may be a new phone, or someone listening in. Compare safety numbers again before you trust it.</p>
            <button type="button" class="secondary" @click=${() => { void this.safetyDialog?.show() }}>Compare safety numbers</button>
          </div>`
        : nothing}
      <chat-stuck-banner .messages=${this.messages} .name=${name}></chat-stuck-banner>
      <chat-safety-number .name=${name} .number=${this.safetyNumber} .peer=${this.peer} ?verified=${verified}></chat-safety-number>
      <ol aria-labelledby="conversation-title" aria-live="polite" data-testid="messages" @scroll=${this.#scroll.onScroll}
        @compose-intent=${(e: ComposeIntentEvent) => { this.intent.start(e.mode, this.messages.find(m => m.id === e.id)) }}>
        ${this.messages.length === 0 ? html`<li class="empty muted" aria-hidden="true">No messages yet. Say hello.</li>` : nothing}
        ${this.#messagesView(name)}
        ${this.transfers.map(t => transferView(t))}
      </ol>
      <chat-file-preview .file=${this.files.file} .target=${{ peer: this.peer }} .maxBytes=${this.maxFileBytes}
        @close=${() => { this.files.clear(); this.composer?.focus() }}></chat-file-preview>
      <form @submit=${this.#submit}>
        <div class="composer">
          ${this.intent.bar(m => m.direction === 'out' ? 'yourself' : name)}
          <label for="composer" class="visually-hidden">Message</label>
          <textarea id="composer" rows="2" placeholder="Write a message" aria-describedby="composer-hint"
            @keydown=${this.#keydown}></textarea>
          <span id="composer-hint" class="visually-hidden">Enter sends, Shift+Enter starts a new line.</span>
        </div>
        <input type="file" id="attach-input" hidden @change=${this.#fileChosen}>
        <button type="button" class="secondary attach" aria-label="Attach a file" title="Attach a file"
          @click=${() => { this.fileInput?.click() }}>${paperclipIcon}</button>
        <button type="submit">Send</button>
      </form>
    `
  }

  #messagesView (name: string): unknown {
    const byId = new Map(this.messages.map(m => [m.id, m]))
    return withDaySeparators(this.messages, m => m.timer != null ? timerLineView(m, name) : this.#message(m, name, byId))
  }

  #message (m: ViewMessage, name: string, byId: ReadonlyMap<string, ViewMessage>): unknown {
    const status = m.status === 'read' && m.direction === 'out' && !this.showRead ? 'delivered' : m.status
    return html`
      <li class=${m.direction} data-id=${m.id} data-status=${status} data-path=${m.path ?? nothing} tabindex="-1"
        ?data-found=${m.id === this.focusId}
        @contextmenu=${this.#openMenu}>
        <message-menu class="actions" .messageId=${m.id} ?mine=${m.direction === 'out'} ?deleted=${m.deletedAt != null}
          ?editable=${m.text !== ''} .reaction=${ownReaction(m, this.me)}></message-menu>
        <span class="visually-hidden">${m.direction === 'out' ? 'You' : name}:</span>
        ${m.attachment != null && m.deletedAt == null ? attachmentView(m.attachment) : nothing}
        ${messageBody(m, m.text !== '' || m.attachment == null, byId)}
        ${reactionsView(m, this.me, () => name)}
        <span class="meta">
          <time datetime=${new Date(m.sentAt).toISOString()}>${time.format(m.sentAt)}</time>${editedView(m)}
          ${m.direction === 'out' ? this.#status(m, status) : nothing}
          ${m.direction === 'out' && m.purged != null && m.purged.length > 0 ? purgedLine(m.purged) : nothing}
          ${m.path != null && m.path !== 'mailbox' && (m.status === 'delivered' || m.status === 'received') ? ` · ${PATH_LABEL[m.path]}` : nothing}
        </span>
      </li>`
  }

  /** The status, with per-device delivery and the node's receipts in its tooltip (and to screen readers). */
  #status (m: ViewMessage, status: ViewMessage['status']): unknown {
    const details = deviceStateText(m, this.showRead)
    return html` · <span class="status" data-testid="message-status" title=${details !== '' ? details : nothing} data-devices=${details !== '' ? details : nothing}>${STATUS_LABEL[status]}</span>${details !== ''
      ? html`<span class="visually-hidden">: ${details.replaceAll('\n', '; ')}</span>`
      : nothing}`
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

  #fileChosen (): void {
    const input = this.fileInput
    const file = input?.files?.[0]
    if (input == null || file == null) return
    this.files.take(file)
    input.value = ''
  }

  #send (): void {
    const text = this.composer?.value.trim() ?? ''
    if (text === '' || this.composer == null) return
    const outcome = this.intent.take(text)
    if (outcome.kind === 'send') this.dispatchEvent(new SendMessageEvent(this.peer, text, outcome.replyTo))
    else if (outcome.kind === 'edit') this.dispatchEvent(new MessageActionEvent({ kind: 'edit', id: outcome.id, text }))
    this.composer.value = ''
    this.composer.focus()
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-conversation': ChatConversation }
}
