// How a contact is named on screen: the nickname this person gave them, else the display name the
// contact shares (protocol/control/profiles.ts), else "Unnamed contact"; with the shared name beside
// a differing nickname, and the contact's avatar.
import { css, html, nothing } from 'lit'
import type { ViewProfile } from '../services/contact-profiles.ts'
import type { Contact } from '../store/app-db.ts'
import type { TemplateResult } from 'lit'

export function contactName (contact: Contact | undefined, profile: ViewProfile | undefined): string {
  if (contact != null && contact.nickname !== '') return contact.nickname
  if (profile != null && profile.displayName !== '') return profile.displayName
  return 'Unnamed contact'
}

/** The shared display name when a nickname is shown instead of it. */
export function sharedName (contact: Contact | undefined, profile: ViewProfile | undefined): string | undefined {
  const shared = profile?.displayName ?? ''
  return shared !== '' && contact?.nickname !== '' && contact?.nickname !== shared ? shared : undefined
}

/** Avatar (decorative: the name follows it) and name, for the list and the conversation header. */
export function contactLabel (contact: Contact | undefined, profile: ViewProfile | undefined): TemplateResult {
  const other = sharedName(contact, profile)
  return html`${profile?.avatarUrl != null ? html`<img class="avatar" src=${profile.avatarUrl} alt="" data-testid="contact-avatar">` : nothing}<span
    data-testid="contact-name">${contactName(contact, profile)}</span>${other != null ? html` <span class="shared-name muted" data-testid="shared-name">(${other})</span>` : nothing}`
}

export const contactLabelStyles = css`
  .avatar { width: 1.6em; height: 1.6em; border-radius: 50%; object-fit: cover; vertical-align: middle; margin-right: var(--bc-space-2); }
  .shared-name { font-weight: 400; font-size: 0.9em; }
`
