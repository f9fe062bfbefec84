// The "Verify safety number" dialog: the 60 digits both people compare, in twelve groups of five, the
// same as a QR code, and "Mark as verified" (kept on this device) once they match.
import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { VerifyContactEvent } from '../events/verify-contact-event.ts'
import { controls } from '../styles/tokens.ts'
import './chat-qr-code.ts'

/** What the QR code holds: the 60 digits, marked as a BabaCloud safety number. */
export function safetyNumberText (number: string): string {
  const digits = number.replace(/\s+/g, '')
  return digits === '' ? '' : `babacloud-safety-number:${digits}`
}

@customElement('chat-safety-number')
export class ChatSafetyNumber extends LitElement {
  static override styles = [controls, css`
    dialog { border: 1px solid var(--bc-border); border-radius: var(--bc-radius); background: var(--bc-surface);
      color: var(--bc-text); max-width: min(92vw, 460px); padding: var(--bc-space-4); }
    dialog::backdrop { background: rgb(0 0 0 / 45%); }
    .digits { display: grid; grid-template-columns: repeat(4, auto); justify-content: center; gap: var(--bc-space-2) var(--bc-space-4);
      font-family: var(--bc-mono); font-size: 1.3rem; margin: var(--bc-space-4) 0; letter-spacing: 0.05em; }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); justify-content: flex-end; }
    .qr { display: flex; justify-content: center; }
    .state { font-weight: 600; }
    .state.ok { color: var(--bc-ok); }
  `]

  /** Whose number this is, for the heading. */
  @property() name = ''
  /** Formatted number: twelve groups of five digits separated by spaces. */
  @property() number = ''
  /** The contact's PeerId (what "Mark as verified" applies to). */
  @property() peer = ''
  /** Marked as verified on this device. */
  @property({ type: Boolean }) verified = false
  @query('dialog') private dialog?: HTMLDialogElement

  async show (): Promise<void> {
    await this.updateComplete
    this.dialog?.showModal()
  }

  override render (): unknown {
    const groups = this.number.split(' ').filter(g => g !== '')
    return html`
      <dialog aria-labelledby="sn-title" aria-describedby="sn-help">
        <h2 id="sn-title">Safety number with ${this.name}</h2>
        <p id="sn-help">Compare these digits with the ones ${this.name} sees, side by side or read aloud. If they
          match, nobody sits between you.</p>
        <p class="digits" data-testid="safety-number" aria-label=${`Safety number ${this.number}`} data-number=${this.number}>
          ${groups.map(g => html`<span>${g}</span>`)}
        </p>
        <div class="qr"><chat-qr-code .text=${safetyNumberText(this.number)} label=${`QR code of the safety number with ${this.name}`}></chat-qr-code></div>
        <p class=${this.verified ? 'state ok' : 'state'} data-testid="verification-state">${this.verified
          ? `You marked ${this.name} as verified.`
          : `${this.name} is not marked as verified.`}</p>
        <form method="dialog" class="actions">
          <button type="button" class="secondary" ?disabled=${this.number === ''}
            @click=${() => { this.dispatchEvent(new VerifyContactEvent(this.peer, !this.verified)) }}>${this.verified ? 'Clear verification' : 'Mark as verified'}</button>
          <button autofocus>Close</button>
        </form>
      </dialog>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-safety-number': ChatSafetyNumber }
}
