// The account section of Settings: sign up (username, birth date) at the rendezvous node or link
// to an account (chat-link-device.ts), the plan and its usage, the devices (chat-devices.ts), export
// of what the node holds, and deleting the account there. It shows the
// session's account state (from context) and sends what the person wants up as events; the network
// calls are the session's (services/account-state.ts).
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { sessionContext } from '../contexts.ts'
import { DeleteAccountEvent, ExportAccountEvent, SignUpEvent } from '../events/account-events.ts'
import { USERNAME_RULE, usernameProblem } from '../services/contact-input.ts'
import { OFFLINE_ACCOUNT } from '../services/view-model.ts'
import { controls } from '../styles/tokens.ts'
import { formatSize } from './message-parts.ts'
import './chat-devices.ts'
import './chat-link-device.ts'
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
  /** The last check found the username wrong (the field says so to screen readers). */
  @state() private usernameInvalid = false
  /** The node's last answer was an error, and the form has been edited since: it no longer applies. */
  @state() private nodeErrorStale = false

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
        <p id="account-error" class="error" role="alert" data-testid="account-error">${this.#error}</p>
        <p class="muted" role="status">${this.#view.note}</p>
      </section>
    `
  }

  get #error (): string {
    if (this.formError !== '') return this.formError
    return this.nodeErrorStale ? '' : this.#view.error
  }

  #body (): unknown {
    switch (this.phase) {
      case 'offline': return html`<p class="muted">Connect to the rendezvous node to see your account.</p>`
      case 'loading': return html`<p class="muted">Loading…</p>`
      case 'unavailable': return html`<p class="muted">This node does not offer accounts.</p>`
      case 'none': return html`${this.#signUpForm()}<chat-link-device .view=${this.#view}></chat-link-device>`
      case 'account': return this.#accountView()
    }
  }

  #signUpForm (): unknown {
    return html`
      <p>An account gives this device a username others can find you by. Chat works without one.</p>
      <form @submit=${this.#signUp} @input=${this.#edited} novalidate>
        <div class="field">
          <label for="account-username">Username</label>
          <input id="account-username" name="username" autocomplete="username" required spellcheck="false" autocapitalize="off"
            maxlength="32" aria-describedby="username-rule account-error" aria-invalid=${this.usernameInvalid ? 'true' : 'false'}>
          <p id="username-rule" class="muted" data-testid="username-rule">${USERNAME_RULE[0].toUpperCase()}${USERNAME_RULE.slice(1)}. Others find you by it; it cannot be changed later.</p>
        </div>
        <div class="field">
          <label for="account-birth">Birth date</label>
          <input id="account-birth" name="birthDate" type="date" required aria-describedby="birth-hint account-error">
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
      <chat-link-device .view=${this.#view}></chat-link-device>
      <chat-devices .view=${this.#view}></chat-devices>
    `
  }

  #signUp (e: SubmitEvent): void {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const username = String(data.get('username') ?? '').trim().replace(/^@/, '')
    const birthDate = String(data.get('birthDate') ?? '')
    const problem = usernameProblem(username)
    this.usernameInvalid = problem != null
    this.formError = problem ?? (birthDate === '' ? 'Enter your birth date.' : '')
    this.nodeErrorStale = false
    if (this.formError === '') this.dispatchEvent(new SignUpEvent(username, birthDate))
  }

  /** What was typed changed: an earlier error, the form's or the node's, no longer applies. */
  #edited (): void {
    this.formError = ''
    this.usernameInvalid = false
    if (this.#view.error !== '') this.nodeErrorStale = true
  }

  #delete (): void {
    this.confirming = false
    this.dispatchEvent(new DeleteAccountEvent())
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-account': ChatAccount }
}
