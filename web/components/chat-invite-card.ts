// Shows this device's PeerId and invite link, each with a copy button, and the link as a QR code to
// scan from a phone.
import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { controls } from '../styles/tokens.ts'
import './chat-qr-code.ts'

@customElement('chat-invite-card')
export class ChatInviteCard extends LitElement {
  static override styles = [controls, css`
    .row { display: flex; gap: var(--bc-space-2); align-items: stretch; margin-bottom: var(--bc-space-3); }
    .row input { flex: 1; min-width: 0; font-family: var(--bc-mono); font-size: 0.85rem; }
    .row button { flex: none; }
    .copied { min-height: 1.2em; margin: 0; font-size: 0.875rem; }
    .row:last-of-type { margin-bottom: var(--bc-space-1); }
    .qr { margin: var(--bc-space-2) 0 var(--bc-space-3); }
    .qr p { margin: var(--bc-space-1) 0 0; font-size: 0.875rem; }
  `]

  @property() peerId = ''
  @property() inviteLink = ''
  @state() private copied = ''

  override render (): unknown {
    return html`
      <label for="peer-id">Your PeerId</label>
      <div class="row">
        <input id="peer-id" readonly .value=${this.peerId} data-testid="own-peer-id">
        <button class="secondary" type="button" @click=${() => { void this.#copy('peer-id', 'PeerId') }}>Copy<span class="visually-hidden"> PeerId</span></button>
      </div>
      <label for="invite-link">Invite link</label>
      <div class="row">
        <input id="invite-link" readonly .value=${this.inviteLink} data-testid="invite-link">
        <button class="secondary" type="button" @click=${() => { void this.#copy('invite-link', 'Invite link') }}>Copy<span class="visually-hidden"> invite link</span></button>
      </div>
      <p class="copied muted" role="status">${this.copied}</p>
      ${this.inviteLink !== ''
        ? html`<div class="qr"><chat-qr-code .text=${this.inviteLink} label="QR code of your invite link"></chat-qr-code>
            <p class="muted">Scan it with a phone's camera to open the invite.</p></div>`
        : ''}
    `
  }

  async #copy (inputId: string, what: string): Promise<void> {
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${inputId}`)
    if (input == null) return
    try {
      await navigator.clipboard.writeText(input.value)
      this.copied = `${what} copied.`
    } catch {
      // No clipboard API (plain http on a LAN): select the text so the person can copy it.
      input.focus()
      input.select()
      this.copied = `${what} selected: press Ctrl+C (⌘C) to copy.`
    }
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-invite-card': ChatInviteCard }
}
