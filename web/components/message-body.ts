// What a message says, shared by the 1:1 and group conversations: "This message was deleted" for a
// tombstone, else the quote it answers (a button that scrolls to the original when it is loaded), its
// text, and "edited" opening its earlier versions. The styles go with it (messageBodyStyles).
import { css, html, nothing } from 'lit'
import type { ViewMessage } from '../services/view-model.ts'
import type { TemplateResult } from 'lit'

const stamp = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' })

export const messageBodyStyles = css`
  .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
  .text.deleted { font-style: italic; color: var(--bc-muted); }
  .quote { display: block; width: 100%; min-height: 0; text-align: left; margin-bottom: var(--bc-space-1); padding: 2px var(--bc-space-2);
    border: 0; border-left: 3px solid var(--bc-accent); border-radius: 4px; background: var(--bc-bg); color: var(--bc-muted);
    font-size: 0.85rem; overflow-wrap: anywhere; }
  details.edited { display: inline; font-size: 0.75rem; color: var(--bc-muted); }
  details.edited summary { display: inline; cursor: pointer; }
  details.edited .earlier { display: block; margin: 2px 0 0; font-size: 0.8rem; text-align: left; white-space: pre-wrap; }
  .reactions { display: flex; flex-wrap: wrap; gap: var(--bc-space-1); margin-top: var(--bc-space-1); }
  .reaction { min-height: 28px; padding: 0 var(--bc-space-2); border-radius: 999px; border-color: var(--bc-border);
    background: var(--bc-surface); color: var(--bc-text); font-size: 0.9rem; gap: 4px; }
  .reaction[aria-pressed="true"] { border-color: var(--bc-accent); background: var(--bc-bubble-out); }
  /* The menu button sits in the bubble's corner, with room kept for it beside the text. */
  [data-testid="messages"] > li[data-id] { position: relative; padding-right: calc(var(--bc-space-2) + 32px); }
  .actions { position: absolute; top: 2px; right: 2px; }
  li.flash { animation: flash 1.2s ease-out; }
  @keyframes flash { from { box-shadow: 0 0 0 3px var(--bc-focus); } to { box-shadow: 0 0 0 3px transparent; } }
`

/** Scrolls to the message `id` in the same list and highlights it; false when it is not loaded. */
function showOriginal (from: Element, id: string): boolean {
  const li = from.closest('[data-testid="messages"]')?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`)
  if (li == null) return false
  li.scrollIntoView({ block: 'center', behavior: 'smooth' })
  li.focus({ preventScroll: true })
  li.classList.remove('flash')
  void li.offsetWidth
  li.classList.add('flash')
  return true
}

/** `original`: the message answered, when it is loaded; deleted for everyone, its quote goes too. */
function quoteView (m: ViewMessage, original: ViewMessage | undefined): TemplateResult | typeof nothing {
  const id = m.replyTo
  if (id == null) return nothing
  const text = original?.deletedAt != null ? 'This message was deleted' : m.replyPreview ?? 'a message not on this device'
  return html`<button type="button" class="quote" data-testid="quote" data-reply-to=${id}
    aria-label=${`Replying to: ${text}. Show the original`}
    @click=${(e: Event) => { if (!showOriginal(e.currentTarget as Element, id)) (e.currentTarget as HTMLElement).title = 'The original is not loaded' }}>${text}</button>`
}

/** "edited", opening the earlier texts (oldest first) with when each was written. */
export function editedView (m: ViewMessage): TemplateResult | typeof nothing {
  const earlier = m.edits ?? []
  if (m.deletedAt != null || m.editedAt == null || earlier.length === 0) return nothing
  return html` · <details class="edited" data-testid="edited"><summary>edited</summary>
    ${earlier.map(e => html`<span class="earlier"><time datetime=${new Date(e.at).toISOString()}>${stamp.format(e.at)}</time>: ${e.text}</span>`)}
  </details>`
}

/**
 * The quote and text (the caller adds attachments); a deleted message only says so. `byId`: the
 * conversation's loaded messages, for the quote's original.
 */
export function messageBody (m: ViewMessage, showText: boolean, byId: ReadonlyMap<string, ViewMessage>): TemplateResult {
  if (m.deletedAt != null) return html`<p class="text deleted" data-testid="deleted">This message was deleted</p>`
  return html`${quoteView(m, m.replyTo != null ? byId.get(m.replyTo) : undefined)}${showText ? html`<p class="text">${m.text}</p>` : nothing}`
}
