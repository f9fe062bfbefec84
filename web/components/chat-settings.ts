// Settings: the privacy-policy notice, this device's identity and invite, its profile, the account at the node,
// receipts and notifications, export of local data, and deleting it all.
import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { DeleteDataEvent } from '../events/delete-data-event.ts'
import { ExportDataEvent } from '../events/export-data-event.ts'
import { controls } from '../styles/tokens.ts'
import './chat-account.ts'
import './chat-invite-card.ts'
import './chat-policy-notice.ts'
import './chat-preferences.ts'
import './chat-profile.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'
import type { NotificationPermissionState } from '../services/alerts.ts'
import type { Preferences } from '../services/preferences.ts'

@customElement('chat-settings')
export class ChatSettings extends LitElement {
  static override styles = [controls, css`
    :host { display: block; max-width: 720px; margin: 0 auto; }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); }
  `]

  @property() peerId = ''
  @property() inviteLink = ''
  @property() exportNote = ''
  /** Set while the node's policy is newer than the one acknowledged here. */
  @property({ attribute: false }) policy?: { version: number, text: string }
  @property({ type: Number }) policyAcknowledged = 0
  @property({ attribute: false }) preferences?: Preferences
  @property() permission: NotificationPermissionState = 'default'
  /** This device's profile as shared with contacts, and how the last save went. */
  @property({ attribute: false }) profile: ViewProfile = { displayName: '' }
  @property() profileNote = ''
  @property() profileError = ''
  @property({ type: Boolean }) profileBusy = false
  @state() private confirming = false

  override render (): unknown {
    return html`
      <h2 id="settings-title" tabindex="-1">Settings</h2>
      ${this.policy != null ? html`<chat-policy-notice .version=${this.policy.version} .text=${this.policy.text} .acknowledged=${this.policyAcknowledged}></chat-policy-notice>` : ''}
      <section class="card" aria-labelledby="identity-title">
        <h3 id="identity-title">Your identity</h3>
        <chat-invite-card .peerId=${this.peerId} .inviteLink=${this.inviteLink}></chat-invite-card>
      </section>
      <chat-profile .profile=${this.profile} .note=${this.profileNote} .error=${this.profileError} .busy=${this.profileBusy}></chat-profile>
      <chat-account></chat-account>
      <chat-preferences .preferences=${this.preferences} .permission=${this.permission}></chat-preferences>
      <section class="card" aria-labelledby="data-title">
        <h3 id="data-title">Your data on this device</h3>
        <p>Export your contacts and message history as a JSON file. Your secret key is not included.</p>
        <div class="actions">
          <button type="button" class="secondary" @click=${() => this.dispatchEvent(new ExportDataEvent())}>Export local data</button>
        </div>
        <p class="muted" role="status">${this.exportNote}</p>
        <h3>Delete all local data</h3>
        <p>Deletes your identity, contacts, messages and outbox from this browser. Messages waiting for you on the
          rendezvous node cannot be read by anyone once the identity is gone.</p>
        ${this.confirming
          ? html`<div class="actions" role="group" aria-label="Confirm deletion">
              <button type="button" class="danger" @click=${this.#delete}>Yes, delete everything</button>
              <button type="button" class="secondary" @click=${() => { this.confirming = false }}>Cancel</button>
            </div>`
          : html`<button type="button" class="danger" @click=${this.#askConfirm}>Delete all local data…</button>`}
      </section>
    `
  }

  async #askConfirm (): Promise<void> {
    this.confirming = true
    await this.updateComplete
    this.renderRoot.querySelector<HTMLButtonElement>('button.secondary[type="button"]:last-child')?.focus()
  }

  #delete (): void {
    this.dispatchEvent(new DeleteDataEvent())
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-settings': ChatSettings }
}
