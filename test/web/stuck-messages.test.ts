// Which sent messages the conversation's banner calls stuck: stored at the node over a day, with no
// device having taken them and no expiry notice.
import { expect, it } from 'vitest'
import { STUCK_AFTER_MS, stuckMessages } from '../../web/services/stuck-messages.ts'
import type { ViewMessage } from '../../web/services/view-model.ts'

const T0 = 1_700_000_000_000

function sent (id: string, change: Partial<ViewMessage> = {}): ViewMessage {
  return { id, peer: 'bob', direction: 'out', text: id, sentAt: T0, receivedAt: T0, status: 'stored', ...change }
}

it('flags only messages stored past the threshold with no purge record', () => {
  const messages = [
    sent('stored'),
    sent('delivered', { status: 'delivered' }),
    sent('expired', { purged: [{ device: 'd', node: 'n', at: T0, reason: 'expired' }] }),
    sent('incoming', { direction: 'in', status: 'received' }),
    sent('newer', { sentAt: T0 + 60_000 })
  ]
  expect(stuckMessages(messages, T0 + STUCK_AFTER_MS)).toEqual([])
  expect(stuckMessages(messages, T0 + STUCK_AFTER_MS + 1).map(m => m.id)).toEqual(['stored'])
  expect(stuckMessages(messages, T0 + STUCK_AFTER_MS + 60_001).map(m => m.id)).toEqual(['stored', 'newer'])
})
