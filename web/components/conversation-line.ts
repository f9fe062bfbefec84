// One row of the conversation list: name, time of the last activity, the last message (or what to
// show without one) and the unread count.
import { html, nothing } from 'lit'
import type { ConversationSummary } from '../services/conversation-summaries.ts'
import type { TemplateResult } from 'lit'

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })

/** Today: the time; earlier: the date. */
export function when (at: number, now = Date.now()): string {
  return new Date(at).toDateString() === new Date(now).toDateString() ? timeOfDay.format(at) : day.format(at)
}

export interface LineInit {
  href: string
  /** data-* attributes the tests and styles use (`peer`, `group`). */
  data: { peer?: string, group?: string }
  name: unknown
  /** Shown instead of a preview when the conversation has no message yet. */
  fallback: unknown
  summary: ConversationSummary
  /** The conversation open beside the list. */
  current?: boolean
}

export function conversationLine (l: LineInit): TemplateResult {
  const s = l.summary
  const unread = s.unread > 0
  return html`<a href=${l.href} class=${unread ? 'unread' : ''} data-peer=${l.data.peer ?? nothing} data-group=${l.data.group ?? nothing}
      data-unread=${s.unread} aria-current=${l.current === true ? 'page' : nothing}>
    <span class="name">${l.name}</span>
    <span class="when">${s.at > 0 ? html`<time datetime=${new Date(s.at).toISOString()}>${when(s.at)}</time>` : nothing}</span>
    <span class="preview" data-testid="preview">${s.preview !== '' ? `${s.outgoing ? 'You: ' : ''}${s.preview}` : l.fallback}</span>
    ${unread ? html`<span class="badge" data-testid="unread">${s.unread}<span class="visually-hidden"> unread</span></span>` : html`<span></span>`}
  </a>`
}

/** The page title with the unread count, as chat apps show it in the tab. */
export function unreadTitle (unread: number): string {
  return unread > 0 ? `(${unread}) BabaCloud Chat` : 'BabaCloud Chat'
}
