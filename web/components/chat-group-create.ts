// Creating a group: its name, members chosen from the contacts, and its encryption setting, which
// every member sees and which never changes afterwards.
import { LitElement, css, html } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { CreateGroupEvent } from '../events/create-group-event.ts'
import { controls } from '../styles/tokens.ts'
import { shortPeerId } from './chat-contacts.ts'
import { contactName } from './contact-name.ts'
import type { Contact } from '../store/app-db.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'

@customElement('chat-group-create')
export class ChatGroupCreate extends LitElement {
  static override styles = [controls, css`
    :host { display: block; max-width: 720px; margin: 0 auto; width: 100%; }
    .field { margin-bottom: var(--bc-space-4); }
    fieldset { border: 1px solid var(--bc-border); border-radius: var(--bc-radius); margin: 0 0 var(--bc-space-4); padding: var(--bc-space-3); }
    legend { font-weight: 600; padding: 0 var(--bc-space-1); }
    .option { display: flex; gap: var(--bc-space-2); align-items: flex-start; margin-bottom: var(--bc-space-2); }
    .option input { width: auto; min-height: 0; margin-top: 4px; }
    .option label { font-weight: 400; margin: 0; }
    .option strong { display: block; }
    ul { list-style: none; margin: 0; padding: 0; }
    .hint { margin: 0 0 var(--bc-space-3); font-size: 0.9rem; }
    .actions { display: flex; gap: var(--bc-space-2); flex-wrap: wrap; }
  `]

  @property({ attribute: false }) contacts: Contact[] = []
  /** Display names the contacts share, by PeerId. */
  @property({ attribute: false }) profiles: Record<string, ViewProfile> = {}
  @property() error = ''
  @property({ type: Boolean }) busy = false
  @state() private localError = ''
  /** The app's error (from the last attempt) is hidden once the form changes. */
  @state() private errorStale = false
  @query('#group-name') private nameInput?: HTMLInputElement

  override render (): unknown {
    const error = this.localError !== '' ? this.localError : this.errorStale ? '' : this.error
    return html`
      <section class="card" aria-labelledby="new-group-title">
        <h2 id="new-group-title" tabindex="-1">New group</h2>
        <form @submit=${this.#submit} @input=${this.#edited} @change=${this.#edited} novalidate>
          <div class="field">
            <label for="group-name">Group name</label>
            <input id="group-name" name="name" autocomplete="off" maxlength="100" required aria-describedby="group-name-rule group-error"
              aria-invalid=${this.localError !== '' ? 'true' : 'false'}>
            <p id="group-name-rule" class="muted hint">Up to 100 characters; members see it.</p>
          </div>
          <fieldset>
            <legend>Encryption</legend>
            <p class="muted hint">Every member sees this setting. It cannot be changed later.</p>
            <div class="option">
              <input type="radio" id="enc-e2ee" name="encryption" value="e2ee" checked>
              <label for="enc-e2ee"><strong>End-to-end encrypted</strong>
                <span class="muted">Only members can read messages. Recommended.</span></label>
            </div>
            <div class="option">
              <input type="radio" id="enc-open" name="encryption" value="open">
              <label for="enc-open"><strong>Open</strong>
                <span class="muted">Messages are signed but not encrypted on the group topic.</span></label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Members</legend>
            ${this.contacts.length === 0
              ? html`<p class="muted">Add contacts first; you can invite them later too.</p>`
              : html`<ul>${this.contacts.map(c => html`<li class="option">
                  <input type="checkbox" id="m-${c.peerId}" name="member" value=${c.peerId}>
                  <label for="m-${c.peerId}">${contactName(c, this.profiles[c.peerId])}
                    <span class="mono muted">${shortPeerId(c.peerId)}</span></label>
                </li>`)}</ul>`}
          </fieldset>
          <p id="group-error" class="error" role="alert">${error}</p>
          <div class="actions">
            <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create group'}</button>
            <a href="#/" class="button secondary">Cancel</a>
          </div>
        </form>
      </section>
    `
  }

  /** The form changed: an earlier error no longer applies. */
  #edited (): void {
    this.localError = ''
    if (this.error !== '') this.errorStale = true
  }

  #submit (e: SubmitEvent): void {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const name = this.nameInput?.value.trim() ?? ''
    if (name === '') {
      this.localError = 'Give the group a name.'
      this.nameInput?.focus()
      return
    }
    this.localError = ''
    this.errorStale = false
    const data = new FormData(form)
    const encryption = data.get('encryption') === 'open' ? 'open' : 'e2ee'
    const members = data.getAll('member').map(String)
    this.dispatchEvent(new CreateGroupEvent(name, encryption, members))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-group-create': ChatGroupCreate }
}
