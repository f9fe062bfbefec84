// A sent 1:1 message's details as its status tooltip says them: delivered and read per recipient
// device, and what the node signed about its copy (purge receipts, expiry).
import { shortPeerId } from './chat-contacts.ts'
import type { ViewMessage } from '../services/view-model.ts'

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** One line per device and per purge record; '' when nothing is known yet. `showRead` off: read shows as delivered. */
export function deviceStateText (m: ViewMessage, showRead: boolean): string {
  const lines: string[] = []
  const read = new Set(showRead ? m.devices?.read ?? [] : [])
  for (const device of new Set([...(m.devices?.delivered ?? []), ...read])) {
    lines.push(`${read.has(device) ? 'Read on' : 'Delivered to'} device ${shortPeerId(device)}`)
  }
  for (const p of m.purged ?? []) {
    lines.push(p.reason === 'expired'
      ? `Expired unread at the node for device ${shortPeerId(p.device)}, ${when.format(p.at)}`
      : `Removed from the node for device ${shortPeerId(p.device)}, ${when.format(p.at)} (signed receipt verified)`)
  }
  return lines.join('\n')
}
