// One conversation: the messages with their delivery status and attachments, the safety number, and
// the composer (Enter sends; a button attaches a file).
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { SendAttachmentEvent } from '../events/send-attachment-event.ts'
import { SendMessageEvent } from '../events/send-message-event.ts'
import { conversationContext } from '../contexts.ts'
import { controls } from '../styles/tokens.ts'
import { shortPeerId } from './chat-contacts.ts'
import { attachmentView, paperclipIcon } from './message-parts.ts'
import './chat-safety-number.ts'
import type { ChatSafetyNumber } from './chat-safety-number.ts'
import type { ViewMessage } from '../services/view-model.ts'
import type { Contact } from '../store/app-db.ts'

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

/** The node's verified purge receipt(s): when it said it deleted its copy (per recipient device). */
function purgedLine (purged: NonNullable<ViewMessage['purged']>): ReturnType<typeof html> {
  const last = Math.max(...purged.map(p => p.at))
  const title = `The node signed that it deleted its copy at ${new Date(last).toLocaleString()} (verified against its key` +
    `${purged.length > 1 ? `; ${purged.length} devices` : ''}). It cannot prove no other copy exists.`
  return html` · <span class="purged" data-testid="purged" title=${title}>Removed from the node ${time.format(last)}</span>`
}

@customElement('chat-conversation')
export class ChatConversation extends LitElement {
  static override styles = [controls, css`
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
    .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
    .meta { display: block; font-size: 0.75rem; color: var(--bc-muted); margin-top: 2px; text-align: right; }
    li[data-status="failed"] .meta { color: var(--bc-danger); }
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
  `]

  @property({ attribute: false }) contact?: Contact
  @property() peer = ''
  /** The open conversation's model (from the app shell), patched as messages change. */
  @consume({ context: conversationContext, subscribe: true })
  @property({ attribute: false }) messages: ViewMessage[] = []
  /** The formatted safety number with this contact (empty until known). */
  @property() safetyNumber = ''
  @query('#composer') private composer?: HTMLTextAreaElement
  @query('#attach-input') private fileInput?: HTMLInputElement
  @query('chat-safety-number') private safetyDialog?: ChatSafetyNumber
  @query('ol') private list?: HTMLOListElement

  override render (): unknown {
    const name = this.contact?.nickname != null && this.contact.nickname !== '' ? this.contact.nickname : 'Unnamed contact'
    return html`
      <header>
        <h2 id="conversation-title" tabindex="-1">${name}</h2>
        <span class="mono muted" title=${this.peer}>${shortPeerId(this.peer)}</span>
        <a href="#/">Back to contacts</a>
        <button type="button" class="secondary verify" @click=${() => { void this.safetyDialog?.show() }}>Verify safety number</button>
      </header>
      <chat-safety-number .name=${name} .number=${this.safetyNumber}></chat-safety-number>
      <ol aria-labelledby="conversation-title" role="log" aria-live="polite" data-testid="messages">
        ${this.messages.length === 0 ? html`<li class="empty muted" aria-hidden="true">No messages yet. Say hello.</li>` : nothing}
        ${this.messages.map(m => html`
          <li class=${m.direction} data-id=${m.id} data-status=${m.status} data-path=${m.path ?? nothing}>
            <span class="visually-hidden">${m.direction === 'out' ? 'You' : name}:</span>
            ${m.attachment != null ? attachmentView(m.attachment) : nothing}
            ${m.text !== '' || m.attachment == null ? html`<p class="text">${m.text}</p>` : nothing}
            <span class="meta">
              <time datetime=${new Date(m.sentAt).toISOString()}>${time.format(m.sentAt)}</time>
              ${m.direction === 'out' ? html` · <span class="status">${STATUS_LABEL[m.status]}</span>` : nothing}
              ${m.direction === 'out' && m.purged != null && m.purged.length > 0 ? purgedLine(m.purged) : nothing}
              ${m.path != null && m.path !== 'mailbox' && (m.status === 'delivered' || m.status === 'received') ? ` · ${PATH_LABEL[m.path]}` : nothing}
            </span>
          </li>`)}
      </ol>
      <form @submit=${this.#submit}>
        <div class="composer">
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

  override firstUpdated (): void {
    this.composer?.focus()
  }

  override updated (changed: Map<string, unknown>): void {
    if (changed.has('messages') && this.list != null) this.list.scrollTop = this.list.scrollHeight
  }

  #keydown (e: KeyboardEvent): void {
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
    this.dispatchEvent(new SendAttachmentEvent(this.peer, file))
    input.value = ''
  }

  #send (): void {
    const text = this.composer?.value.trim() ?? ''
    if (text === '' || this.composer == null) return
    this.dispatchEvent(new SendMessageEvent(this.peer, text))
    this.composer.value = ''
    this.composer.focus()
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-conversation': ChatConversation }
}
