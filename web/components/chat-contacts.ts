// Contact list and the form to add someone by PeerId or invite link.
import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { AddContactEvent } from '../events/add-contact-event.ts'
import { controls } from '../styles/tokens.ts'
import type { ViewGroup } from '../services/view-model.ts'
import type { Contact } from '../store/app-db.ts'

export function shortPeerId (peerId: string): string {
  return peerId.length > 16 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId
}

@customElement('chat-contacts')
export class ChatContacts extends LitElement {
  static override styles = [controls, css`
    :host { display: grid; gap: var(--bc-space-4); grid-template-columns: 1fr; }
    @media (min-width: 760px) { :host { grid-template-columns: 3fr 2fr; align-items: start; } }
    ul { list-style: none; margin: 0; padding: 0; }
    li a { display: flex; flex-direction: column; gap: 2px; padding: var(--bc-space-3); border-radius: var(--bc-radius);
      color: inherit; text-decoration: none; border: 1px solid transparent; }
    li a:hover { border-color: var(--bc-border); background: var(--bc-bg); }
    .name { font-weight: 600; }
    .field { margin-bottom: var(--bc-space-3); }
    .hint { font-size: 0.85rem; margin: var(--bc-space-1) 0 0; }
    .card { margin-bottom: 0; }
    .error:empty { margin: 0; }
    .groups-head { display: flex; align-items: center; justify-content: space-between; gap: var(--bc-space-2); margin-top: var(--bc-space-4); }
    .groups-head h2 { margin: 0; }
    .tag { font-size: 0.75rem; font-weight: 400; color: var(--bc-muted); }
  `]

  @property({ attribute: false }) contacts: Contact[] = []
  @property({ attribute: false }) groups: ViewGroup[] = []
  /** PeerId from an invite link the page was opened with. */
  @property() prefill = ''
  @property() error = ''
  @property({ type: Boolean }) busy = false
  @query('#contact-peer') private peerInput?: HTMLInputElement
  @query('#contact-nickname') private nicknameInput?: HTMLInputElement

  override render (): unknown {
    return html`
      <section class="card" aria-labelledby="contacts-title">
        <h2 id="contacts-title" tabindex="-1">Contacts</h2>
        ${this.contacts.length === 0
          ? html`<p class="muted">No contacts yet. Add someone with their PeerId or invite link, or share yours from Settings.</p>`
          : html`<ul data-testid="contact-list">${this.contacts.map(c => html`
              <li><a href="#/chat/${c.peerId}" data-peer=${c.peerId}>
                <span class="name">${c.nickname === '' ? 'Unnamed contact' : c.nickname}</span>
                <span class="mono muted">${shortPeerId(c.peerId)}</span>
              </a></li>`)}</ul>`}
        <div class="groups-head">
          <h2 id="groups-title">Groups</h2>
          <a class="button secondary" href="#/groups/new">New group</a>
        </div>
        ${this.groups.length === 0
          ? html`<p class="muted">No groups yet.</p>`
          : html`<ul data-testid="group-list" aria-labelledby="groups-title">${this.groups.map(g => html`
              <li><a href="#/group/${g.id}" data-group=${g.id}>
                <span class="name">${g.name} <span class="tag">${g.encryption === 'e2ee' ? 'end-to-end encrypted' : 'open'}</span></span>
                <span class="muted">${g.members.length} members${g.member ? '' : ' · left'}</span>
              </a></li>`)}</ul>`}
      </section>
      <section class="card" aria-labelledby="add-title">
        <h2 id="add-title">Add a contact</h2>
        ${this.prefill !== '' ? html`<p>You opened an invite link. Give this contact a nickname and add them.</p>` : ''}
        <form @submit=${this.#submit} novalidate>
          <div class="field">
            <label for="contact-peer">PeerId or invite link</label>
            <input id="contact-peer" name="peer" autocomplete="off" spellcheck="false" required
              .value=${this.prefill} aria-describedby="add-error"
              aria-invalid=${this.error !== '' ? 'true' : 'false'}>
          </div>
          <div class="field">
            <label for="contact-nickname">Nickname</label>
            <input id="contact-nickname" name="nickname" autocomplete="off" maxlength="80">
            <p class="hint muted">Only you see it.</p>
          </div>
          <p id="add-error" class="error" role="alert">${this.error}</p>
          <button type="submit" ?disabled=${this.busy}>Add contact</button>
        </form>
      </section>
    `
  }

  override updated (changed: Map<string, unknown>): void {
    // An invite link fills the PeerId: the next thing to type is the nickname.
    if (changed.has('prefill') && this.prefill !== '') this.nicknameInput?.focus()
  }

  #submit (e: SubmitEvent): void {
    e.preventDefault()
    const input = this.peerInput?.value.trim() ?? ''
    if (input === '') {
      this.error = 'Enter a PeerId or paste an invite link.'
      this.peerInput?.focus()
      return
    }
    this.dispatchEvent(new AddContactEvent(input, this.nicknameInput?.value ?? ''))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-contacts': ChatContacts }
}
