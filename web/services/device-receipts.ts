// The per-device delivered/read record of sent 1:1 messages (protocol/control/receipts.ts), added
// to the messages as the screens show them, so a message's details can say which device has it.
import { readDeviceReceipts } from '../../protocol/control/receipts.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'
import type { ViewMessage } from './view-model.ts'

export async function withDeviceReceipts (store: Pick<ChatStore, 'getValue'>, messages: ViewMessage[]): Promise<ViewMessage[]> {
  return await Promise.all(messages.map(async m => {
    if (m.direction !== 'out' || m.group != null) return m
    const devices = await readDeviceReceipts(store, m.id).catch(() => undefined)
    return devices == null || (devices.delivered.length === 0 && devices.read.length === 0) ? m : { ...m, devices }
  }))
}
