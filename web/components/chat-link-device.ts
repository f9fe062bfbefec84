// "Link to my account": this browser joins an account with a code one of its devices shows (typed,
// or filled in from the link URL of that device's QR image), then receives that device's history
// with a progress bar and a summary of what arrived.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { splitLinkCode } from '../../protocol/history/link-secret.ts'
import { DeviceActionEvent } from '../events/device-action-event.ts'
import { usernameProblem } from '../services/contact-input.ts'
import { parseRoute } from '../services/routes.ts'
import { OFFLINE_ACCOUNT } from '../services/view-model.ts'
import { controls } from '../styles/tokens.ts'
import type { AccountView, HistoryTransfer } from '../services/view-model.ts'

function plural (n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

@customElement('chat-link-device')
export class ChatLinkDevice extends LitElement {
  static override styles = [controls, css`
    :host { display: block; margin-top: var(--bc-space-4); }
    h4 { margin: var(--bc-space-3) 0 var(--bc-space-2); }
    .field { margin-bottom: var(--bc-space-3); }
    progress { width: 100%; height: 1rem; }
  `]

  @property({ attribute: false }) view: AccountView = OFFLINE_ACCOUNT
  @state() private formError = ''

  override render (): unknown {
    const t = this.view.transfer
    if (t != null) return this.#transfer(t)
    if (this.view.phase !== 'none') return nothing
    // Opened from another device's QR image: its link URL fills the form in.
    const route = parseRoute(location.hash)
    const prefill = route.name === 'settings' ? route.link : undefined
    return html`
      <section aria-labelledby="link-device-title" data-testid="link-device">
        <h4 id="link-device-title">Link to my account</h4>
        <p>Already have an account on another device? Link this browser to it: that device sends its whole history here, end-to-end encrypted.</p>
        <form @submit=${this.#submit} @input=${() => { this.formError = '' }} novalidate>
          <div class="field">
            <label for="link-username">Account to link</label>
            <input id="link-username" name="username" required spellcheck="false" autocapitalize="off" maxlength="33"
              placeholder="@username" .value=${prefill?.username ?? ''} aria-describedby="link-error">
          </div>
          <div class="field">
            <label for="link-code">Link code</label>
            <input id="link-code" name="code" required spellcheck="false" autocapitalize="off" autocomplete="one-time-code" maxlength="24"
              placeholder="1234-5678-abcdefgh" .value=${prefill?.code ?? ''} aria-describedby="link-code-hint link-error">
            <p id="link-code-hint" class="muted">Your other device shows it under Settings, "Link a new device" (the command line: <code>babacloud account link-code</code>).</p>
          </div>
          <p id="link-error" class="error" role="alert">${this.formError}</p>
          <button type="submit" ?disabled=${this.view.busy}>Link to my account</button>
        </form>
      </section>`
  }

  #transfer (t: HistoryTransfer): unknown {
    const s = t.summary
    return html`
      <section aria-labelledby="history-title" data-testid="history-transfer" data-done=${s != null ? 'true' : 'false'}>
        <h4 id="history-title">History from your other device</h4>
        ${t.error != null
          ? html`<p class="error" role="alert" data-testid="history-error">No history arrived: ${t.error}. This browser is linked; keep the other device online with its link code and link again to retry.</p>`
          : html`
            <label for="history-progress">${t.total === 0 && s == null ? 'Waiting for a device of your account to send its history…' : `Received ${t.received} of ${t.total} items`}</label>
            <progress id="history-progress" data-testid="history-progress" data-received=${t.received} data-total=${t.total}
              max=${Math.max(t.total, 1)} .value=${s != null ? Math.max(t.total, 1) : t.received}></progress>`}
        ${s != null
          ? html`<p role="status" data-testid="history-summary">History received: ${plural(s.messages, 'message', 'messages')} in
              ${plural(s.conversations, 'conversation', 'conversations')}, ${plural(s.groups, 'group', 'groups')}, ${plural(s.contacts, 'contact', 'contacts')}.</p>`
          : nothing}
      </section>`
  }

  #submit (e: SubmitEvent): void {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const username = String(data.get('username') ?? '').trim().replace(/^@/, '')
    const code = String(data.get('code') ?? '').trim()
    const problem = usernameProblem(username)
    if (problem != null) {
      this.formError = problem
      return
    }
    try {
      splitLinkCode(code)
    } catch {
      this.formError = 'Enter the whole link code, 8 digits and 8 letters, as your other device shows it (1234-5678-abcdefgh).'
      return
    }
    this.dispatchEvent(new DeviceActionEvent({ kind: 'link', username, code }))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-link-device': ChatLinkDevice }
}
