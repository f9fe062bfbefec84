// The account section of Settings: sign up (username, birth date) at the rendezvous node, the plan
// and its usage, export of what the node holds, and deleting the account there. It shows the
// session's account state (from context) and sends what the person wants up as events; the network
// calls are the session's (services/account-state.ts).
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { sessionContext } from '../contexts.ts'
import { DeleteAccountEvent, ExportAccountEvent, SignUpEvent } from '../events/account-events.ts'
import { OFFLINE_ACCOUNT } from '../services/view-model.ts'
import { controls } from '../styles/tokens.ts'
import { formatSize } from './message-parts.ts'
import type { SessionView } from '../contexts.ts'
import type { AccountView } from '../services/view-model.ts'

@customElement('chat-account')
export class ChatAccount extends LitElement {
  static override styles = [controls, css`
    :host { display: block; }
    .field { margin-bottom: var(--bc-space-3); }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: var(--bc-space-1) var(--bc-space-3); margin: 0 0 var(--bc-space-3); }
    dt { color: var(--bc-muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    p:empty { margin: 0; }
  `]

  @consume({ context: sessionContext, subscribe: true })
  @property({ attribute: false }) session?: SessionView

  @state() private confirming = false
  /** Shown until the node answers, so a form error needs no round trip. */
  @state() private formError = ''

  get #view (): AccountView {
    return this.session?.account ?? OFFLINE_ACCOUNT
  }

  get phase (): AccountView['phase'] {
    return this.#view.phase
  }

  override render (): unknown {
    return html`
      <section class="card" aria-labelledby="account-title" data-testid="account" data-phase=${this.phase}>
        <h3 id="account-title">Account on this rendezvous node</h3>
        ${this.#body()}
        <p class="error" role="alert">${this.formError !== '' ? this.formError : this.#view.error}</p>
        <p class="muted" role="status">${this.#view.note}</p>
      </section>
    `
  }

  #body (): unknown {
    switch (this.phase) {
      case 'offline': return html`<p class="muted">Connect to the rendezvous node to see your account.</p>`
      case 'loading': return html`<p class="muted">Loading…</p>`
      case 'unavailable': return html`<p class="muted">This node does not offer accounts.</p>`
      case 'none': return this.#signUpForm()
      case 'account': return this.#accountView()
    }
  }

  #signUpForm (): unknown {
    return html`
      <p>An account gives this device a username others can find you by. Chat works without one.</p>
      <form @submit=${this.#signUp}>
        <div class="field">
          <label for="account-username">Username</label>
          <input id="account-username" name="username" autocomplete="username" required pattern="[a-zA-Z0-9_.\\-]{3,32}" spellcheck="false">
        </div>
        <div class="field">
          <label for="account-birth">Birth date</label>
          <input id="account-birth" name="birthDate" type="date" required aria-describedby="birth-hint">
          <p id="birth-hint" class="muted">Checked once to confirm you are at least 13; the node does not keep it.</p>
        </div>
        <button type="submit" ?disabled=${this.#view.busy}>Sign up</button>
      </form>
    `
  }

  #accountView (): unknown {
    const a = this.#view.account
    if (a == null) return nothing
    const p = this.#view.plan
    const l = p?.limits
    return html`
      <dl>
        <dt>Username</dt><dd data-testid="account-username">@${a.profile?.username ?? ''}</dd>
        <dt>Devices</dt><dd>${a.devices.length}</dd>
        <dt>Plan</dt><dd data-testid="account-plan">${p == null ? 'unknown' : p.plan}${p != null && p.subscriptionStatus !== '' ? ` (${p.subscriptionStatus})` : ''}</dd>
        ${p != null && l != null
          ? html`<dt>Mailbox</dt><dd>${p.mailboxMessages} of ${l.mailboxMaxMessages} messages, ${formatSize(Number(p.mailboxBytes))} of ${formatSize(Number(l.mailboxMaxBytes))}</dd>
            <dt>Limits</dt><dd>Files up to ${formatSize(Number(l.attachmentMaxBytes))}, groups up to ${l.groupMaxMembers} members, kept ${Number(l.retentionMs) / 86_400_000} days</dd>`
          : nothing}
      </dl>
      <div class="actions">
        <button type="button" class="secondary" ?disabled=${this.#view.busy} @click=${() => this.dispatchEvent(new ExportAccountEvent())}>Export account data</button>
        ${this.confirming
          ? html`<span role="group" aria-label="Confirm account deletion" class="actions">
              <button type="button" class="danger" @click=${this.#delete}>Yes, delete my account</button>
              <button type="button" class="secondary" @click=${() => { this.confirming = false }}>Keep it</button></span>`
          : html`<button type="button" class="danger" @click=${() => { this.confirming = true }}>Delete account…</button>`}
      </div>
    `
  }

  #signUp (e: SubmitEvent): void {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const username = String(data.get('username') ?? '').trim()
    const birthDate = String(data.get('birthDate') ?? '')
    this.formError = username === '' || birthDate === '' ? 'Enter a username and your birth date.' : ''
    if (this.formError === '') this.dispatchEvent(new SignUpEvent(username, birthDate))
  }

  #delete (): void {
    this.confirming = false
    this.dispatchEvent(new DeleteAccountEvent())
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-account': ChatAccount }
}
