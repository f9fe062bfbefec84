// Settings for receipts, notifications and sound: each says what it does for the person and for the
// people they write to.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { PreferenceChangeEvent, RequestNotificationsEvent } from '../events/preference-events.ts'
import { controls } from '../styles/tokens.ts'
import type { NotificationPermissionState } from '../services/alerts.ts'
import type { Preferences } from '../services/preferences.ts'

const PERMISSION_TEXT: Record<NotificationPermissionState, string> = {
  default: 'Notifications are not allowed yet.',
  granted: 'Notifications are allowed: you are told of new messages while this tab is in the background.',
  denied: 'This browser blocks notifications for this site. Allow them in the browser\'s site settings.',
  unsupported: 'This browser cannot show notifications.'
}

@customElement('chat-preferences')
export class ChatPreferences extends LitElement {
  static override styles = [controls, css`
    .toggle { display: flex; gap: var(--bc-space-2); align-items: flex-start; margin-bottom: var(--bc-space-3); }
    .toggle input { margin-top: 0.3em; width: auto; min-height: 0; }
    .toggle p { margin: 2px 0 0; font-size: 0.875rem; }
  `]

  @property({ attribute: false }) preferences?: Preferences
  @property() permission: NotificationPermissionState = 'default'

  override render (): unknown {
    const p = this.preferences
    if (p == null) return html``
    return html`
      <section class="card" aria-labelledby="prefs-title" data-testid="preferences">
        <h3 id="prefs-title">Receipts and notifications</h3>
        ${this.#toggle('read-receipts', 'Send read receipts', p.readReceipts, { readReceipts: !p.readReceipts },
          'When off, people you write with do not see when you have read their messages, and you do not see when they read yours (their messages show "Delivered").')}
        <p role="status" data-testid="notification-permission">${PERMISSION_TEXT[this.permission]}</p>
        ${this.permission === 'default'
          ? html`<p><button type="button" class="secondary" @click=${() => this.dispatchEvent(new RequestNotificationsEvent())}>Allow notifications</button></p>`
          : ''}
        ${this.#toggle('notification-text', 'Show message text in notifications', p.notificationText, { notificationText: !p.notificationText },
          'When off, a notification says only who wrote, so the text stays off your screen.')}
        ${this.#toggle('sound', 'Play a sound for new messages', p.sound, { sound: !p.sound },
          'A short tone when a message comes while you look at another conversation or another tab.')}
      </section>`
  }

  #toggle (id: string, label: string, checked: boolean, change: Partial<Preferences>, hint: string): unknown {
    return html`<div class="toggle">
      <input type="checkbox" id=${id} .checked=${checked} aria-describedby=${`${id}-hint`}
        @change=${() => this.dispatchEvent(new PreferenceChangeEvent(change))}>
      <div><label for=${id}>${label}</label><p id=${`${id}-hint`} class="muted">${hint}</p></div>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-preferences': ChatPreferences }
}
