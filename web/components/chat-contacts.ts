// The conversation list (contacts and groups, latest activity first, with unread counts and the last
// message), the confirmation an invite link opens, and the form to add someone by PeerId, invite
// link or @username.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { AddContactEvent } from '../events/add-contact-event.ts'
import { USERNAME_RULE } from '../services/contact-input.ts'
import { controls } from '../styles/tokens.ts'
import { contactLabel, contactLabelStyles } from './contact-name.ts'
import { conversationLine } from './conversation-line.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'
import type { ConversationSummary } from '../services/conversation-summaries.ts'
import type { ViewGroup } from '../services/view-model.ts'
import type { Contact } from '../store/app-db.ts'

export function shortPeerId (peerId: string): string {
  return peerId.length > 16 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId
}

const NONE: ConversationSummary = { unread: 0, preview: '', outgoing: false, at: 0 }

@customElement('chat-contacts')
export class ChatContacts extends LitElement {
  static override styles = [controls, contactLabelStyles, css`
    :host { display: grid; gap: var(--bc-space-4); grid-template-columns: 1fr; }
    @media (min-width: 760px) { :host(:not([compact])) { grid-template-columns: 3fr 2fr; align-items: start; } }
    :host([compact]) .card { padding: var(--bc-space-3); }
    li a[aria-current="page"] { background: var(--bc-bg); border-color: var(--bc-accent); }
    ul { list-style: none; margin: 0; padding: 0; }
    li a { display: grid; grid-template-columns: 1fr auto; gap: 2px var(--bc-space-2); padding: var(--bc-space-3); border-radius: var(--bc-radius);
      color: inherit; text-decoration: none; border: 1px solid transparent; }
    li a:hover { border-color: var(--bc-border); background: var(--bc-bg); }
    .name { font-weight: 600; overflow-wrap: anywhere; }
    .when { font-size: 0.8rem; color: var(--bc-muted); text-align: right; }
    .preview { color: var(--bc-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
    a.unread .preview { color: var(--bc-text); font-weight: 600; }
    .badge { justify-self: end; min-width: 1.5em; padding: 0 6px; border-radius: 999px; background: var(--bc-accent);
      color: var(--bc-surface, #fff); font-size: 0.8rem; font-weight: 700; text-align: center; }
    .field { margin-bottom: var(--bc-space-3); }
    .hint { font-size: 0.85rem; margin: var(--bc-space-1) 0 0; }
    .card { margin-bottom: 0; }
    .error:empty { margin: 0; }
    .groups-head { display: flex; align-items: center; justify-content: space-between; gap: var(--bc-space-2); margin-top: var(--bc-space-4); }
    .groups-head h2 { margin: 0; }
    .tag { font-size: 0.75rem; font-weight: 400; color: var(--bc-muted); }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; }
  `]

  @property({ attribute: false }) contacts: Contact[] = []
  @property({ attribute: false }) groups: ViewGroup[] = []
  /** Per conversation (`peer:<id>`, `group:<id>`): unread count, last message, activity. */
  @property({ attribute: false }) summaries: Record<string, ConversationSummary> = {}
  /** Display names and avatars the contacts share, by PeerId. */
  @property({ attribute: false }) profiles: Record<string, ViewProfile> = {}
  /** PeerId from an invite link the page was opened with, and the name it gives. */
  @property() prefill = ''
  @property() inviteName = ''
  @property() error = ''
  @property({ type: Boolean }) busy = false
  /** Beside an open conversation (two panes): the list only, the open one marked. */
  @property({ type: Boolean, reflect: true }) compact = false
  /** The open conversation's key (`peer:<id>`, `group:<id>`) in compact mode. */
  @property() current = ''
  @query('#contact-peer') private peerInput?: HTMLInputElement
  @query('#contact-nickname') private nicknameInput?: HTMLInputElement

  override render (): unknown {
    const s = this.summaries
    const contacts = [...this.contacts].sort((a, b) => (s[`peer:${b.peerId}`]?.at ?? b.addedAt) - (s[`peer:${a.peerId}`]?.at ?? a.addedAt))
    const groups = [...this.groups].sort((a, b) => (s[`group:${b.id}`]?.at ?? b.updatedAt) - (s[`group:${a.id}`]?.at ?? a.updatedAt))
    return html`
      <section class="card" aria-labelledby="contacts-title">
        <h2 id="contacts-title" tabindex=${this.compact ? nothing : '-1'}>Contacts</h2>
        ${contacts.length === 0
          ? html`<p class="muted">No contacts yet. Add someone with their PeerId, invite link or @username, or share yours from Settings.</p>`
          : html`<ul data-testid="contact-list">${contacts.map(c => html`
              <li>${conversationLine({ href: `#/chat/${c.peerId}`, data: { peer: c.peerId }, name: contactLabel(c, this.profiles[c.peerId]), fallback: this.compact ? '' : html`<span class="mono">${shortPeerId(c.peerId)}</span>`, summary: s[`peer:${c.peerId}`] ?? NONE, current: this.current === `peer:${c.peerId}` })}</li>`)}</ul>`}
        <div class="groups-head">
          <h2 id="groups-title">Groups</h2>
          <a class="button secondary" href="#/groups/new">New group</a>
        </div>
        ${groups.length === 0
          ? html`<p class="muted">No groups yet.</p>`
          : html`<ul data-testid="group-list" aria-labelledby="groups-title">${groups.map(g => html`
              <li>${conversationLine({
                href: `#/group/${g.id}`,
                data: { group: g.id },
                name: html`${g.name} <span class="tag">${g.encryption === 'e2ee' ? 'end-to-end encrypted' : 'open'}</span>`,
                // Beside the group itself, its member count would only repeat the header.
                fallback: this.compact ? '' : html`${g.members.length} members${g.member ? '' : ' · left'}`,
                summary: s[`group:${g.id}`] ?? NONE,
                current: this.current === `group:${g.id}`
              })}</li>`)}</ul>`}
      </section>
      ${this.compact ? '' : this.prefill !== '' ? this.#renderInvite() : this.#renderForm()}
    `
  }

  /** Opened from an invite link: one question, one button. */
  #renderInvite (): unknown {
    const known = this.contacts.find(c => c.peerId === this.prefill)
    const label = this.inviteName !== '' ? this.inviteName : 'this contact'
    return html`
      <section class="card" aria-labelledby="add-title" data-testid="invite-confirm">
        <h2 id="add-title">${known != null ? `${label} is already a contact` : `Add ${label}?`}</h2>
        <p>From an invite link, for the device <span class="mono" title=${this.prefill}>${shortPeerId(this.prefill)}</span>.</p>
        <p id="add-error" class="error" role="alert">${this.error}</p>
        <div class="actions">
          ${known != null
            ? html`<a class="button" href="#/chat/${this.prefill}">Open the conversation</a>`
            : html`<button type="button" ?disabled=${this.busy}
                @click=${() => { this.dispatchEvent(new AddContactEvent(this.prefill, this.inviteName)) }}>Add ${label}</button>`}
          <a href="#/">Not now</a>
        </div>
      </section>`
  }

  #renderForm (): unknown {
    return html`
      <section class="card" aria-labelledby="add-title">
        <h2 id="add-title">Add a contact</h2>
        <form @submit=${this.#submit} novalidate>
          <div class="field">
            <label for="contact-peer">PeerId or invite link, or @username</label>
            <input id="contact-peer" name="peer" autocomplete="off" spellcheck="false" autocapitalize="off" required
              aria-describedby="contact-peer-rule add-error" aria-invalid=${this.error !== '' ? 'true' : 'false'}
              @input=${this.#edited}>
            <p id="contact-peer-rule" class="hint muted">A username starts with @ and has ${USERNAME_RULE}.</p>
          </div>
          <div class="field">
            <label for="contact-nickname">Nickname</label>
            <input id="contact-nickname" name="nickname" autocomplete="off" maxlength="80" @input=${this.#edited}>
            <p class="hint muted">Only you see it.</p>
          </div>
          <p id="add-error" class="error" role="alert">${this.error}</p>
          <button type="submit" ?disabled=${this.busy}>Add contact</button>
        </form>
      </section>`
  }

  override updated (changed: Map<string, unknown>): void {
    // Opened from an invite: the one button is where the keyboard starts (once it is enabled).
    if ((changed.has('prefill') || changed.get('busy') === true) && this.prefill !== '' && !this.busy) this.renderRoot.querySelector<HTMLElement>('[data-testid="invite-confirm"] button, [data-testid="invite-confirm"] a.button')?.focus()
  }

  /** What was typed changed: an earlier error no longer applies. */
  #edited (): void {
    if (this.error !== '') this.error = ''
  }

  #submit (e: SubmitEvent): void {
    e.preventDefault()
    const input = this.peerInput?.value.trim() ?? ''
    if (input === '') {
      this.error = 'Enter a PeerId, paste an invite link, or type an @username.'
      this.peerInput?.focus()
      return
    }
    this.dispatchEvent(new AddContactEvent(input, this.nicknameInput?.value ?? ''))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-contacts': ChatContacts }
}
