// The banner over a 1:1 conversation when sent messages have waited at the node for more than a
// day: how many, since when, and what it means (the recipient has not come online). Dismissable;
// it comes back only for a message that got stuck after that.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { systemClock } from '../services/clock.ts'
import { stuckMessages } from '../services/stuck-messages.ts'
import { controls } from '../styles/tokens.ts'
import type { Clock } from '../services/clock.ts'
import type { ViewMessage } from '../services/view-model.ts'

/** How often the banner looks again while the conversation stays open. */
const RECHECK_MS = 60_000

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

@customElement('chat-stuck-banner')
export class ChatStuckBanner extends LitElement {
  static override styles = [controls, css`
    :host { display: block; }
    .banner { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; margin-top: var(--bc-space-2);
      padding: var(--bc-space-2) var(--bc-space-3); border: 1px solid var(--bc-warn); border-left-width: 4px;
      border-radius: var(--bc-radius); background: var(--bc-surface); }
    p { margin: 0; flex: 1; min-width: 200px; }
    button { min-height: 32px; padding: var(--bc-space-1) var(--bc-space-3); }
  `]

  @property({ attribute: false }) messages: ViewMessage[] = []
  /** The contact's name, as the conversation shows it. */
  @property() name = ''
  @property({ attribute: false }) clock: Clock = systemClock
  /** The stuck messages the person dismissed the banner for. */
  @state() private dismissed = new Set<string>()
  #timer?: ReturnType<typeof setInterval>

  override connectedCallback (): void {
    super.connectedCallback()
    this.#timer = setInterval(() => { this.requestUpdate() }, RECHECK_MS)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    clearInterval(this.#timer)
  }

  override render (): unknown {
    const stuck = stuckMessages(this.messages, this.clock.now())
    if (stuck.length === 0 || stuck.every(m => this.dismissed.has(m.id))) return nothing
    const since = Math.min(...stuck.map(m => m.sentAt))
    const who = this.name === '' ? 'The recipient' : this.name
    return html`<div class="banner" role="status" data-testid="stuck-banner" data-count=${stuck.length}>
      <p><strong>${stuck.length === 1 ? '1 message has' : `${stuck.length} messages have`} waited on the node since ${when.format(since)}.</strong>
        ${who} has not come online to receive ${stuck.length === 1 ? 'it' : 'them'}. The node keeps ${stuck.length === 1 ? 'it' : 'them'}
        end-to-end encrypted and delivers when a device of theirs connects; if none does in time, it deletes ${stuck.length === 1 ? 'it' : 'them'} unread and you are told.</p>
      <button type="button" class="secondary" @click=${() => { this.dismissed = new Set(stuck.map(m => m.id)) }}>Dismiss</button>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-stuck-banner': ChatStuckBanner }
}
