// A file about to be sent: its picture (or name, type and size), an optional caption, Send and
// Cancel. A file over the limit is refused here with the limit in plain words; nothing is uploaded.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { isInlineImage } from '../../protocol/attachments/mime.ts'
import { SendAttachmentEvent } from '../events/send-attachment-event.ts'
import { controls } from '../styles/tokens.ts'
import { formatSize } from './message-parts.ts'

@customElement('chat-file-preview')
export class ChatFilePreview extends LitElement {
  static override styles = [controls, css`
    :host { display: block; }
    section { display: flex; flex-wrap: wrap; gap: var(--bc-space-3); align-items: flex-start; padding: var(--bc-space-3);
      margin-top: var(--bc-space-2); border: 1px solid var(--bc-border); border-radius: var(--bc-radius); background: var(--bc-surface); }
    img { display: block; max-width: 160px; max-height: 120px; object-fit: contain; border-radius: 6px; background: var(--bc-bg); }
    .details { flex: 1; min-width: 200px; display: flex; flex-direction: column; gap: var(--bc-space-2); }
    .name { font-weight: 600; overflow-wrap: anywhere; }
    .actions { display: flex; gap: var(--bc-space-2); justify-content: flex-end; }
    .error { margin: 0; }
  `]

  @property({ attribute: false }) file?: File
  /** Where Send sends it. */
  @property({ attribute: false }) target?: { peer: string } | { groupId: string }
  /** Largest file that may be sent, bytes. */
  @property({ type: Number }) maxBytes = Number.POSITIVE_INFINITY
  @query('#caption') private caption?: HTMLInputElement
  #url?: string
  #urlFor?: File

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.#revoke()
  }

  override willUpdate (): void {
    if (this.file === this.#urlFor) return
    this.#revoke()
    this.#urlFor = this.file
    if (this.file != null && isInlineImage(this.file.type)) this.#url = URL.createObjectURL(this.file)
  }

  override updated (changed: Map<string, unknown>): void {
    if (changed.has('file') && this.file != null) this.caption?.focus()
  }

  override render (): unknown {
    const file = this.file
    if (file == null) return nothing
    const tooLarge = file.size > this.maxBytes
    return html`
      <section aria-label="File to send" data-testid="file-preview" @keydown=${this.#keydown}>
        ${this.#url != null ? html`<img src=${this.#url} alt=${`Preview of ${file.name}`} data-testid="file-preview-image">` : nothing}
        <div class="details">
          <span class="name" data-testid="file-preview-name">${file.name}</span>
          <span class="muted" data-testid="file-preview-meta">${file.type === '' ? 'File' : file.type} · ${formatSize(file.size)}</span>
          ${tooLarge
            ? html`<p class="error" role="alert" data-testid="file-too-large">This file is ${formatSize(file.size)}; files can be at most ${formatSize(this.maxBytes)}. Nothing was sent.</p>`
            : html`<label for="caption">Caption (optional)</label>
              <input id="caption" type="text" maxlength="1000" placeholder="Add a caption" autocomplete="off">`}
          <div class="actions">
            <button type="button" class="secondary" @click=${this.#close}>Cancel</button>
            ${tooLarge ? nothing : html`<button type="button" data-testid="file-preview-send" @click=${this.#send}>Send file</button>`}
          </div>
        </div>
      </section>`
  }

  #keydown (e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault()
      this.#close()
    } else if (e.key === 'Enter' && e.target === this.caption && !e.isComposing) {
      e.preventDefault()
      this.#send()
    }
  }

  #send (): void {
    const file = this.file
    if (file == null || this.target == null || file.size > this.maxBytes) return
    this.dispatchEvent(new SendAttachmentEvent(this.target, file, this.caption?.value.trim() ?? ''))
    this.#close()
  }

  #close (): void {
    this.dispatchEvent(new Event('close'))
  }

  #revoke (): void {
    if (this.#url != null) URL.revokeObjectURL(this.#url)
    this.#url = undefined
    this.#urlFor = undefined
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-file-preview': ChatFilePreview }
}
