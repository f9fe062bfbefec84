// Disappearing messages in a conversation: the system line someone's timer setting leaves, and the
// setting in the conversation header (its current value: the latest line).
import { html } from 'lit'
import { describeTimer, timerLine } from '../../protocol/control/timer-text.ts'
import type { ViewMessage } from '../services/view-model.ts'
import type { TemplateResult } from 'lit'

/** What the header offers (seconds); the CLI takes any value within the bounds. */
export const TIMER_CHOICES = [0, 5, 30, 5 * 60, 60 * 60, 24 * 60 * 60, 7 * 24 * 60 * 60, 28 * 24 * 60 * 60]

/** The conversation's timer as its newest system line says (0: never set, or off). */
export function currentTimer (messages: ViewMessage[]): number {
  return messages.findLast(m => m.timer != null)?.timer ?? 0
}

/**
 * "Alice set disappearing messages to 1 day", centred in the conversation. A list item like the
 * messages around it (the list is the live region that announces it).
 */
export function timerLineView (m: ViewMessage, name: string): TemplateResult {
  return html`<li class="system" data-id=${m.id} data-testid="timer-line">
    ${timerLine(m.direction === 'out' ? 'You' : name, m.timer ?? 0)}</li>`
}

/** The header control; `onChange` gets the chosen seconds. */
export function timerSelect (current: number, onChange: (seconds: number) => void): TemplateResult {
  const choices = TIMER_CHOICES.includes(current) ? TIMER_CHOICES : [...TIMER_CHOICES, current].sort((a, b) => a - b)
  return html`<label class="timer">Disappearing messages
    <select data-testid="timer-select" @change=${(e: Event) => { onChange(Number((e.target as HTMLSelectElement).value)) }}>
      ${choices.map(s => html`<option value=${s} ?selected=${s === current}>${describeTimer(s)}</option>`)}
    </select></label>`
}
