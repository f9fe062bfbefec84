// Date separators between a conversation's messages, as chat apps show them: "Today", "Yesterday",
// the weekday within the last week, then the date (with the year when it is not this one).
import { css, html } from 'lit'
import type { TemplateResult } from 'lit'

const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' })
const thisYear = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'long' })
const otherYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' })

/** Midnight (local time) of the day `at` falls on. */
function startOfDay (at: number): number {
  const d = new Date(at)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** The local calendar date as YYYY-MM-DD (what the separator's `data-day` carries). */
export function localDate (at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

export function dayLabel (at: number, now = Date.now()): string {
  const today = startOfDay(now)
  const day = startOfDay(at)
  // Whole days between the two midnights; rounding absorbs a daylight-saving hour.
  const daysAgo = Math.round((today - day) / 86_400_000)
  if (daysAgo === 0) return 'Today'
  if (daysAgo === 1) return 'Yesterday'
  if (daysAgo > 1 && daysAgo < 7) return weekday.format(at)
  return new Date(at).getFullYear() === new Date(now).getFullYear() ? thisYear.format(at) : otherYear.format(at)
}

/**
 * Renders `items` with a separator before the first message of each day (by the sender's clock, as
 * each message shows its time); `now` is read once per render.
 */
export function withDaySeparators<T extends { sentAt: number }> (items: T[], render: (item: T) => unknown, now = Date.now()): unknown[] {
  const out: unknown[] = []
  let last: string | undefined
  for (const item of items) {
    const day = localDate(item.sentAt)
    if (day !== last) out.push(separator(item.sentAt, day, now))
    last = day
    out.push(render(item))
  }
  return out
}

function separator (at: number, day: string, now: number): TemplateResult {
  return html`<li class="day" data-testid="day-separator" data-day=${day}><span>${dayLabel(at, now)}</span></li>`
}

/** The separator's look, shared by the 1:1 and group conversations. */
export const daySeparatorStyles = css`
  ol > li.day { align-self: center; max-width: none; background: none; border: none; padding: var(--bc-space-1) 0;
    font-size: 0.8rem; font-weight: 600; color: var(--bc-muted); }
  li.day span { padding: 2px var(--bc-space-3); border-radius: 999px; border: 1px solid var(--bc-border); background: var(--bc-surface); }
`
