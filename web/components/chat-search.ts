// The search box in the header: finds messages in this device's history (nothing leaves the device)
// and lists each hit with its conversation, sender, time and the matching words highlighted; a hit
// opens its conversation scrolled to the message. Ctrl+K (⌘K) or "/" jumps here from anywhere.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { SearchEvent } from '../events/search-event.ts'
import { MAX_QUERY_LENGTH, snippet } from '../services/search-index.ts'
import { messageHref } from '../services/routes.ts'
import { controls } from '../styles/tokens.ts'
import { when } from './conversation-line.ts'
import type { SearchHit } from '../services/search-index.ts'

/** Shown names for a hit: its conversation and who wrote it. */
export interface SearchNames {
  conversation(key: string): string
  sender(hit: SearchHit): string
}

@customElement('chat-search')
export class ChatSearch extends LitElement {
  static override styles = [controls, css`
    :host { position: relative; display: block; flex: 1 1 220px; max-width: 420px; }
    input { width: 100%; }
    .panel { position: absolute; z-index: 3; left: 0; right: 0; top: calc(100% + 4px); max-height: min(70vh, 520px); overflow-y: auto;
      background: var(--bc-surface); border: 1px solid var(--bc-border); border-radius: var(--bc-radius);
      box-shadow: 0 8px 24px rgb(0 0 0 / 18%); padding: var(--bc-space-1); min-width: min(92vw, 360px); }
    ul { list-style: none; margin: 0; padding: 0; }
    a { display: grid; grid-template-columns: 1fr auto; gap: 2px var(--bc-space-2); padding: var(--bc-space-2); border-radius: calc(var(--bc-radius) - 4px);
      color: inherit; text-decoration: none; }
    a:hover, a:focus { background: var(--bc-bg); }
    .where { font-weight: 600; overflow-wrap: anywhere; }
    .when { font-size: 0.8rem; color: var(--bc-muted); }
    .text { grid-column: 1 / -1; color: var(--bc-muted); overflow: hidden; text-overflow: ellipsis; display: -webkit-box;
      -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow-wrap: anywhere; }
    mark { background: color-mix(in srgb, var(--bc-accent) 25%, transparent); color: var(--bc-text); border-radius: 2px; }
    .status { margin: var(--bc-space-2); font-size: 0.875rem; }
    .status:empty { display: none; }
  `]

  /** Hits for `query` (from the app, which owns the index). */
  @property({ attribute: false }) results: SearchHit[] = []
  @property({ attribute: false }) names?: SearchNames
  @state() private query = ''
  @state() private open = false
  @query('input') private input?: HTMLInputElement

  override connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener('keydown', this.#shortcut)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    window.removeEventListener('keydown', this.#shortcut)
  }

  /** Ctrl+K / ⌘K anywhere; "/" when the person is not typing somewhere else. */
  readonly #shortcut = (e: KeyboardEvent): void => {
    const typing = e.composedPath().some(t => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)))
    if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') || (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey)) {
      e.preventDefault()
      this.input?.focus()
      this.input?.select()
      this.open = this.query !== ''
    }
  }

  override render (): unknown {
    const showing = this.open && this.query.trim() !== ''
    return html`<div @focusout=${this.#focusOut}>
      <label for="search" class="visually-hidden">Search messages</label>
      <input id="search" type="search" placeholder="Search messages (Ctrl+K)" autocomplete="off" spellcheck="false"
        maxlength=${MAX_QUERY_LENGTH} aria-controls="search-results" aria-describedby="search-status" .value=${this.query}
        @input=${this.#typed} @focus=${() => { this.open = true }} @keydown=${this.#keydown}>
      <div class="panel" ?hidden=${!showing} @keydown=${this.#keydown}>
        <p id="search-status" class="status muted" role="status">${showing ? this.#statusText() : ''}</p>
        <ul id="search-results" data-testid="search-results" aria-label="Search results">
          ${showing ? this.results.map(hit => this.#hit(hit)) : nothing}
        </ul>
      </div>
    </div>`
  }

  #statusText (): string {
    const n = this.results.length
    if (n === 0) return 'No messages found on this device.'
    return n === 1 ? '1 message found.' : `${n} messages found${n >= 50 ? ' (the newest 50)' : ''}.`
  }

  #hit (hit: SearchHit): unknown {
    const where = this.names?.conversation(hit.key) ?? hit.key
    const who = this.names?.sender(hit) ?? ''
    return html`<li><a href=${messageHref(hit.key, hit.id)} data-id=${hit.id} @click=${() => { this.open = false }}>
      <span class="where">${where}${who !== '' && who !== where ? html` · <span class="who">${who}</span>` : nothing}</span>
      <span class="when"><time datetime=${new Date(hit.at).toISOString()}>${when(hit.at)}</time></span>
      <span class="text">${snippet(hit.text, this.query).map(part => part.hit ? html`<mark>${part.text}</mark>` : part.text)}</span>
    </a></li>`
  }

  #typed (): void {
    this.query = this.input?.value ?? ''
    this.open = true
    this.dispatchEvent(new SearchEvent(this.query))
  }

  #keydown (e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      this.open = false
      this.input?.focus()
      return
    }
    // Arrow keys move between the input and the hits.
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const links = [...this.renderRoot.querySelectorAll<HTMLAnchorElement>('#search-results a')]
    if (links.length === 0) return
    e.preventDefault()
    const at = links.indexOf(this.shadowRoot?.activeElement as HTMLAnchorElement)
    const next = e.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : at - 1
    if (next < 0) this.input?.focus()
    else links[next].focus()
  }

  /** Focus left the box and its results: the results close. */
  readonly #focusOut = (e: FocusEvent): void => {
    const to = e.relatedTarget
    if (to instanceof Node && this.shadowRoot?.contains(to) === true) return
    this.open = false
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-search': ChatSearch }
}
