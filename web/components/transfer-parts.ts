// Files on their way, as rows at the end of a conversation (1:1 and group): a progress bar with
// bytes of the total and Cancel while it runs; "Cancelled" or the failure after, with Retry for a
// download and Dismiss.
import { css, html, nothing } from 'lit'
import { TransferActionEvent } from '../events/transfer-action-event.ts'
import { formatSize } from './message-parts.ts'
import type { Transfer } from '../services/transfers.ts'
import type { TemplateResult } from 'lit'

export const transferStyles = css`
  li.transfer { min-width: min(320px, 80%); }
  li.transfer .name { font-weight: 600; overflow-wrap: anywhere; }
  li.transfer progress { display: block; width: 100%; margin: var(--bc-space-1) 0; }
  li.transfer .row { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; justify-content: space-between; font-size: 0.85rem; }
  li.transfer button { min-height: 32px; padding: 0 var(--bc-space-3); }
  li.transfer .state-failed { color: var(--bc-danger); }
`

function act (action: TransferActionEvent['action'], key: string): (e: Event) => void {
  return e => { (e.currentTarget as HTMLElement).dispatchEvent(new TransferActionEvent(action, key)) }
}

function stateLine (t: Transfer): TemplateResult {
  if (t.state === 'active') {
    const verb = t.direction === 'out' ? 'Sending' : 'Receiving'
    // The list is a live region: bytes ticking by would be read out ten times a second.
    return html`<span data-testid="transfer-bytes" aria-live="off">${verb} ${formatSize(t.done)} of ${formatSize(t.total)}</span>
      <button type="button" class="secondary" data-testid="transfer-cancel" aria-label=${`Cancel ${t.name}`} @click=${act('cancel', t.key)}>Cancel</button>`
  }
  const what = t.state === 'cancelled' ? 'Cancelled' : `Failed: ${t.error ?? 'unknown error'}`
  return html`<span class=${`state-${t.state}`} data-testid="transfer-state">${what}</span>
    <span>
      ${t.direction === 'in'
        ? html`<button type="button" data-testid="transfer-retry" aria-label=${`Download ${t.name} again`} @click=${act('retry', t.key)}>Retry</button>`
        : nothing}
      <button type="button" class="secondary" aria-label=${`Dismiss ${t.name}`} @click=${act('dismiss', t.key)}>Dismiss</button>
    </span>`
}

export function transferView (t: Transfer, from?: string): TemplateResult {
  const label = `${t.direction === 'out' ? 'Sending' : 'Receiving'} ${t.name}`
  return html`<li class=${`${t.direction} transfer`} data-transfer=${t.key} data-state=${t.state} data-testid="transfer">
    ${from != null ? html`<span class="from">${from}</span>` : nothing}
    <span class="name">${t.name}</span> <span class="muted">(${formatSize(t.size)})</span>
    ${t.state === 'active'
      ? html`<progress data-testid="transfer-progress" aria-label=${label} max=${t.total} value=${t.done}></progress>`
      : nothing}
    <span class="row">${stateLine(t)}</span>
  </li>`
}
