// "Your profile" in Settings: the display name and avatar this device shares with its contacts,
// end to end encrypted. The picture is made small here (avatar-image.ts) before anything is sent.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { ProfileChangeEvent } from '../events/profile-change-event.ts'
import { controls } from '../styles/tokens.ts'
import { AvatarImageError, shrinkAvatar } from './avatar-image.ts'
import type { AvatarImage } from '../events/profile-change-event.ts'
import type { ViewProfile } from '../services/contact-profiles.ts'

export const MAX_DISPLAY_NAME_CHARS = 64

@customElement('chat-profile')
export class ChatProfile extends LitElement {
  static override styles = [controls, css`
    :host { display: block; }
    .row { display: flex; gap: var(--bc-space-4); align-items: flex-start; flex-wrap: wrap; }
    .avatar { width: 72px; height: 72px; border-radius: 50%; object-fit: cover; border: 1px solid var(--bc-border);
      background: var(--bc-bg); display: inline-flex; align-items: center; justify-content: center; font-size: 1.6rem; color: var(--bc-muted); }
    .fields { flex: 1; min-width: 220px; }
    .field { margin-bottom: var(--bc-space-3); }
    .hint { font-size: 0.85rem; margin: var(--bc-space-1) 0 0; }
    .actions { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; }
    input[type="file"] { min-height: 0; padding: var(--bc-space-1); }
    p:empty { margin: 0; }
  `]

  /** The profile as saved. */
  @property({ attribute: false }) profile: ViewProfile = { displayName: '' }
  @property() note = ''
  @property() error = ''
  @property({ type: Boolean }) busy = false
  /** A picture picked and made small, not saved yet (null: "remove" pressed). */
  @state() private picked: { image: AvatarImage, url: string } | null | undefined
  @state() private localError = ''
  @state() private stale = false
  @query('#profile-name') private nameInput?: HTMLInputElement

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    if (this.picked != null) URL.revokeObjectURL(this.picked.url)
  }

  get #shownAvatar (): string | undefined {
    if (this.picked === null) return undefined
    return this.picked?.url ?? this.profile.avatarUrl
  }

  override render (): unknown {
    const error = this.localError !== '' ? this.localError : this.stale ? '' : this.error
    const avatar = this.#shownAvatar
    return html`
      <section class="card" aria-labelledby="profile-title" data-testid="profile">
        <h3 id="profile-title">Your profile</h3>
        <p class="muted">Your contacts see this name and picture, sent to them end to end encrypted. The node never sees them.</p>
        <form class="row" novalidate @submit=${this.#save} @input=${this.#edited}>
          ${avatar != null
            ? html`<img class="avatar" src=${avatar} alt="Your picture" data-testid="own-avatar">`
            : html`<span class="avatar" aria-hidden="true">🙂</span>`}
          <div class="fields">
            <div class="field">
              <label for="profile-name">Display name</label>
              <input id="profile-name" name="displayName" autocomplete="nickname" maxlength=${MAX_DISPLAY_NAME_CHARS}
                .value=${this.profile.displayName} aria-describedby="profile-name-rule profile-error">
              <p id="profile-name-rule" class="hint muted">Up to ${MAX_DISPLAY_NAME_CHARS} characters, one line. Empty: contacts see the name they gave you.</p>
            </div>
            <div class="field">
              <label for="profile-picture">Picture</label>
              <input id="profile-picture" type="file" accept="image/png,image/jpeg,image/webp,image/gif" @change=${this.#pick}
                aria-describedby="profile-picture-rule profile-error">
              <p id="profile-picture-rule" class="hint muted">Cut to a square and made small on this device first.</p>
            </div>
            <p id="profile-error" class="error" role="alert">${error}</p>
            <div class="actions">
              <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save profile'}</button>
              ${avatar != null ? html`<button type="button" class="secondary" @click=${this.#remove}>Remove picture</button>` : nothing}
            </div>
            <p class="muted" role="status" data-testid="profile-note">${this.note}</p>
          </div>
        </form>
      </section>
    `
  }

  #edited (): void {
    this.localError = ''
    if (this.error !== '') this.stale = true
  }

  async #pick (e: Event): Promise<void> {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    if (file == null) return
    try {
      const image = await shrinkAvatar(file)
      if (this.picked != null) URL.revokeObjectURL(this.picked.url)
      this.picked = { image, url: URL.createObjectURL(new Blob([new Uint8Array(image.bytes)], { type: image.type })) }
    } catch (err) {
      this.localError = err instanceof AvatarImageError ? err.message : 'The picture could not be read.'
      input.value = ''
    }
  }

  #remove (): void {
    if (this.picked != null) URL.revokeObjectURL(this.picked.url)
    this.picked = null
    const input = this.renderRoot.querySelector<HTMLInputElement>('#profile-picture')
    if (input != null) input.value = ''
  }

  #save (e: SubmitEvent): void {
    e.preventDefault()
    const name = this.nameInput?.value.trim() ?? ''
    if ([...name].length > MAX_DISPLAY_NAME_CHARS) {
      this.localError = `A display name has at most ${MAX_DISPLAY_NAME_CHARS} characters.`
      return
    }
    this.localError = ''
    this.stale = false
    this.dispatchEvent(new ProfileChangeEvent(name, this.picked === null ? null : this.picked?.image))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-profile': ChatProfile }
}
