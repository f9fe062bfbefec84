// First run: explains what happens, creates the device identity, then shows the invite to share.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { CreateIdentityEvent } from '../events/create-identity-event.ts'
import { controls } from '../styles/tokens.ts'
import './chat-invite-card.ts'

@customElement('chat-first-run')
export class ChatFirstRun extends LitElement {
  static override styles = [controls, css`
    :host { display: block; max-width: 640px; margin: 0 auto; }
    ul { padding-left: 1.2em; line-height: 1.5; }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); }
  `]

  /** Set once the identity exists: the screen then shows the invite. */
  @property() peerId?: string
  @property() inviteLink = ''
  @property({ type: Boolean }) busy = false
  /** Opened from another device's link URL: linking is what the person came for. */
  @property({ type: Boolean }) linking = false

  override render (): unknown {
    if (this.peerId != null) {
      return html`
        <section class="card" aria-labelledby="ready-title">
          <h2 id="ready-title" tabindex="-1">Your identity is ready</h2>
          <p>Share your invite link with the people you want to chat with. Anyone with it can write to you.</p>
          <chat-invite-card .peerId=${this.peerId} .inviteLink=${this.inviteLink}></chat-invite-card>
          <a class="button" href="#/">Continue to contacts</a>
        </section>`
    }
    return html`
      <section class="card" aria-labelledby="welcome-title">
        <h2 id="welcome-title" tabindex="-1">Welcome to BabaCloud Chat</h2>
        <ul>
          <li>This device creates its own identity key. Its PeerId is your address; no account or phone number is needed.</li>
          <li>Messages are end-to-end encrypted and go straight to the other browser when it is online, otherwise they wait (encrypted) on this rendezvous node until delivered.</li>
          <li>Your identity and history stay in this browser. Clearing site data deletes them.</li>
        </ul>
        ${this.linking
          ? html`<p>You opened a link from another device of your account. This browser makes its identity first, then links to the account and receives the history.</p>`
          : nothing}
        <div class="actions">
          <button type="button" class=${this.linking ? 'secondary' : ''} ?disabled=${this.busy} @click=${() => this.dispatchEvent(new CreateIdentityEvent())}>
            ${this.busy ? 'Creating…' : 'Create my identity'}
          </button>
          <button type="button" class=${this.linking ? '' : 'secondary'} ?disabled=${this.busy} @click=${() => this.dispatchEvent(new CreateIdentityEvent(true))}>
            Link to my account
          </button>
        </div>
      </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-first-run': ChatFirstRun }
}
