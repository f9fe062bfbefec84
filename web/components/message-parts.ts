// Template pieces the 1:1 and group conversations share: attachments and sizes.
import { html, svg } from 'lit'
import { isInlineImage } from '../../protocol/attachments/mime.ts'
import type { ViewAttachment } from '../services/view-model.ts'
import type { TemplateResult } from 'lit'

/** A paperclip drawn inline: emoji fonts are not on every system. */
export const paperclipIcon = html`<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false"
  fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${svg`<path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/>`}</svg>`

export function formatSize (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** Images as an inline preview (the decrypted bytes), anything else as a download link. */
export function attachmentView (a: ViewAttachment): TemplateResult {
  if (isInlineImage(a.mime)) {
    return html`<figure class="attachment">
      <a href=${a.url} download=${a.name}><img src=${a.url} alt=${`Image ${a.name}`} data-testid="attachment-image" loading="lazy"></a>
      <figcaption class="muted">${a.name} · ${formatSize(a.size)}</figcaption>
    </figure>`
  }
  return html`<a class="attachment file" href=${a.url} download=${a.name} data-testid="attachment-file">
    ${paperclipIcon} ${a.name} <span class="muted">(${formatSize(a.size)})</span></a>`
}
