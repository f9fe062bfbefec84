// Which sent messages count as stuck at the node: the banner over a 1:1 conversation says so.
import type { ViewMessage } from './view-model.ts'

/** Waiting this long at the node is worth saying: a device online now and then takes mail within a day. */
export const STUCK_AFTER_MS = 24 * 60 * 60_000

/** Sent messages still only at the node (no device took them, none expired) for longer than STUCK_AFTER_MS at `now`. */
export function stuckMessages (messages: ViewMessage[], now: number): ViewMessage[] {
  return messages.filter(m => m.direction === 'out' && m.status === 'stored' && (m.purged == null || m.purged.length === 0) &&
    m.deletedAt == null && now - m.sentAt > STUCK_AFTER_MS)
}
