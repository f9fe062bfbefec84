// The account section of Settings: sign up (username, birth date) at the rendezvous node, the plan
// and its usage, export of what the node holds, and deleting the account there.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import { controls } from '../styles/tokens.ts'
import { formatSize } from './message-parts.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { Account, PlanStatus } from '../../protocol/wire/generated/messages.ts'

type Phase = 'offline' | 'loading' | 'none' | 'account' | 'unavailable'

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

  /** The node's account protocol; undefined until this device is connected. */
  @property({ attribute: false }) accounts?: AccountClient
  @state() private phase: Phase = 'offline'
  @state() private account?: Account
  @state() private plan?: PlanStatus
  @state() private error = ''
  @state() private note = ''
  @state() private busy = false
  @state() private confirming = false
  #loadedFor?: AccountClient

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('accounts') && this.accounts !== this.#loadedFor) {
      this.#loadedFor = this.accounts
      void this.#load()
    }
  }

  async #load (): Promise<void> {
    const accounts = this.accounts
    if (accounts == null) {
      this.phase = 'offline'
      return
    }
    this.phase = 'loading'
    try {
      this.account = await accounts.get()
      this.phase = 'account'
      this.plan = await accounts.plan().catch(() => undefined)
    } catch (err) {
      if (ProtocolError.is(err, ErrorCode.NOT_FOUND)) {
        this.phase = 'none'
      } else if (err instanceof Error && err.name === 'UnsupportedProtocolError') {
        // A rendezvous without the account protocol: nothing to sign up for here.
        this.phase = 'unavailable'
      } else {
        this.phase = 'none'
        this.error = `The account could not be loaded: ${errorMessage(err)}`
      }
    }
  }

  override render (): unknown {
    return html`
      <section class="card" aria-labelledby="account-title" data-testid="account" data-phase=${this.phase}>
        <h3 id="account-title">Account on this rendezvous node</h3>
        ${this.#body()}
        <p class="error" role="alert">${this.error}</p>
        <p class="muted" role="status">${this.note}</p>
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
        <button type="submit" ?disabled=${this.busy}>Sign up</button>
      </form>
    `
  }

  #accountView (): unknown {
    const a = this.account
    if (a == null) return nothing
    const p = this.plan
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
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${this.#export}>Export account data</button>
        ${this.confirming
          ? html`<span role="group" aria-label="Confirm account deletion" class="actions">
              <button type="button" class="danger" @click=${this.#delete}>Yes, delete my account</button>
              <button type="button" class="secondary" @click=${() => { this.confirming = false }}>Keep it</button></span>`
          : html`<button type="button" class="danger" @click=${() => { this.confirming = true }}>Delete account…</button>`}
      </div>
    `
  }

  async #run (work: (accounts: AccountClient) => Promise<void>): Promise<void> {
    const accounts = this.accounts
    if (accounts == null) return
    this.busy = true
    this.error = ''
    this.note = ''
    try {
      await work(accounts)
    } catch (err) {
      this.error = errorMessage(err)
    } finally {
      this.busy = false
    }
  }

  async #signUp (e: SubmitEvent): Promise<void> {
    e.preventDefault()
    const data = new FormData(e.target as HTMLFormElement)
    const username = String(data.get('username') ?? '').trim()
    const birthDate = String(data.get('birthDate') ?? '')
    if (username === '' || birthDate === '') {
      this.error = 'Enter a username and your birth date.'
      return
    }
    await this.#run(async accounts => {
      this.account = await accounts.signUp({ username }, birthDate, { type: 'web', os: navigator.platform, clientVersion: '0.1.0' })
      this.phase = 'account'
      this.note = `Signed up as @${username}.`
      this.plan = await accounts.plan().catch(() => undefined)
    })
  }

  async #export (): Promise<void> {
    await this.#run(async accounts => {
      const json = await accounts.export()
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }))
      const a = document.createElement('a')
      a.href = url
      a.download = `babacloud-account-export-${new Date().toISOString().slice(0, 10)}.json`
      a.click()
      setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
      this.note = 'Account data exported.'
    })
  }

  async #delete (): Promise<void> {
    await this.#run(async accounts => {
      await accounts.delete()
      this.account = undefined
      this.plan = undefined
      this.confirming = false
      this.phase = 'none'
      this.note = 'Your account was deleted from this node.'
    })
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-account': ChatAccount }
}
