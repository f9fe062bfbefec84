// The reactions under a message: one chip per emoji with its count, who reacted in its tooltip (and
// for screen readers), and this device's own chip pressed. A chip toggles this device's reaction.
import { html, nothing } from 'lit'
import { shownReactions } from '../../protocol/control/message-rules.ts'
import { MessageActionEvent } from '../events/message-action-event.ts'
import type { ViewMessage } from '../services/view-model.ts'
import type { TemplateResult } from 'lit'

interface Chip {
  emoji: string
  who: string[]
  mine: boolean
}

/** Chips in the order each emoji was first used. */
function chips (m: ViewMessage, me: string, nameOf: (peer: string) => string): Chip[] {
  const byEmoji = new Map<string, Chip>()
  for (const r of [...shownReactions(m)].sort((a, b) => a.at - b.at)) {
    const chip = byEmoji.get(r.emoji) ?? { emoji: r.emoji, who: [], mine: false }
    chip.who.push(r.from === me ? 'You' : nameOf(r.from))
    if (r.from === me) chip.mine = true
    byEmoji.set(r.emoji, chip)
  }
  return [...byEmoji.values()]
}

/** This device's reaction to `m` ('' none), for the menu's picker. */
export function ownReaction (m: ViewMessage, me: string): string {
  return shownReactions(m).find(r => r.from === me)?.emoji ?? ''
}

export function reactionsView (m: ViewMessage, me: string, nameOf: (peer: string) => string): TemplateResult | typeof nothing {
  const list = chips(m, me, nameOf)
  if (list.length === 0 || m.deletedAt != null) return nothing
  return html`<div class="reactions" data-testid="reactions">
    ${list.map(c => html`<button type="button" class="reaction" data-emoji=${c.emoji} data-count=${c.who.length}
        aria-pressed=${c.mine ? 'true' : 'false'} title=${c.who.join(', ')}
        aria-label=${`${c.emoji} ${c.who.length}: ${c.who.join(', ')}${c.mine ? '. Press to remove yours' : ''}`}
        @click=${(e: Event) => { e.currentTarget?.dispatchEvent(new MessageActionEvent({ kind: 'react', id: m.id, emoji: c.mine ? '' : c.emoji })) }}>
      ${c.emoji} <span class="count">${c.who.length}</span></button>`)}
  </div>`
}
