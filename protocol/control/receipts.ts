// Delivery and read receipts as end-to-end encrypted control messages, sent through the durable
// outbox so they are retried until acked, like messages. A receipt only moves the status of a
// message its receiver sent to the receipt's author, and only forward (the store's status rule).
import { KeyedLock } from '../messages/keyed-lock.ts'
import { canMove } from '../messages/message.ts'
import { chunks, decodeIds, encodeIds } from './control-ids.ts'
import { GroupReceipts } from './group-receipts.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { ContactTrust } from '../session/contact-trust.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export const DELIVERED_RECEIPT = 'receipt/delivered'
export const READ_RECEIPT = 'receipt/read'

export interface ReceiptsComponents {
  control: ControlRegistry
  store: ChatStore
  trust: ContactTrust
  log: Logger
  onChanged: (message: ChatMessage) => void
  /** Messages just marked read here (the account's other devices are told; receipts or not). */
  onRead?: (ids: string[]) => Promise<void>
}

/** Whether `from` speaks for the conversation `peer` names (a PeerId, or a trusted device of @name). */
export async function speaksFor (trust: ContactTrust, peer: string, from: PeerId): Promise<boolean> {
  if (peer === from.toString()) return true
  if (!peer.startsWith('@')) return false
  const device = await trust.device(from.toString())
  return device?.contact === peer && device.state === 'trusted'
}

const DEVICE_KEY_PREFIX = 'receipts/devices/'
/** Devices recorded per message at most: an account never links more. */
const MAX_DEVICES = 64

/** Which of the recipient's devices said they have a 1:1 message this device sent, and which read it. */
export interface DeviceReceiptState {
  delivered: string[]
  read: string[]
}

/** Per-device receipts of one sent 1:1 message (readable without a client, e.g. by `status`). */
export async function readDeviceReceipts (store: Pick<ChatStore, 'getValue'>, id: string): Promise<DeviceReceiptState> {
  const raw = await store.getValue(DEVICE_KEY_PREFIX + id)
  if (raw == null) return { delivered: [], read: [] }
  const parsed = JSON.parse(new TextDecoder().decode(raw)) as Partial<DeviceReceiptState>
  return { delivered: parsed.delivered ?? [], read: parsed.read ?? [] }
}

export interface MarkReadOptions {
  /** Tell the senders (default true); false when the person turned read receipts off. */
  receipts?: boolean
}

export class Receipts {
  readonly #c: ReceiptsComponents
  /** Receipts for group messages: per member, to the message's author. */
  readonly groups: GroupReceipts
  /** Delivery receipts owed per sender, queued in the outbox at the next `commit()`. */
  readonly #owed = new Map<string, string[]>()
  /** One read-modify-write of a message's per-device record at a time. */
  readonly #lock = new KeyedLock()

  constructor (components: ReceiptsComponents) {
    this.#c = components
    this.groups = new GroupReceipts(components)
    components.control.handle(DELIVERED_RECEIPT, async m => { await this.#onReceipt(m, 'delivered') })
    components.control.handle(READ_RECEIPT, async m => { await this.#onReceipt(m, 'read') })
  }

  /** Owes the sender a delivery receipt for a message just received. */
  delivered (message: ChatMessage): void {
    this.#owed.set(message.peer, [...this.#owed.get(message.peer) ?? [], message.id])
  }

  /**
   * Queues what is owed, one control message per sender and batch. Called before the mailbox ack:
   * once the node forgets the messages, their receipts are already in the durable outbox.
   */
  async commit (): Promise<void> {
    const owed = [...this.#owed]
    this.#owed.clear()
    for (const [peer, ids] of owed) {
      for (const batch of chunks(ids)) await this.#c.control.queueControl(peer, DELIVERED_RECEIPT, encodeIds(batch))
    }
  }

  /**
   * Marks received messages read here and tells each sender (unless told not to); returns how many
   * changed. The receipts are queued in the durable outbox before the status moves: a tab closed or
   * a process killed in between then sends a receipt twice at worst (receivers take it once), where
   * the other order would leave a message read here whose sender never hears of it.
   */
  async markRead (ids: string[], options: MarkReadOptions = {}): Promise<number> {
    const unread: ChatMessage[] = []
    for (const id of new Set(ids)) {
      const m = await this.#c.store.getMessage(id)
      if (m != null && m.direction === 'in' && canMove(m.status, 'read')) unread.push(m)
    }
    if (unread.length === 0) return 0
    if (options.receipts !== false) {
      // A group message's author hears it as one member of several (group-receipts.ts).
      await this.groups.send(unread.filter(m => m.group != null), 'read')
      const bySender = new Map<string, string[]>()
      for (const m of unread) if (m.group == null) bySender.set(m.peer, [...bySender.get(m.peer) ?? [], m.id])
      for (const [peer, list] of bySender) {
        for (const batch of chunks(list)) await this.#c.control.queueControl(peer, READ_RECEIPT, encodeIds(batch))
      }
    }
    const changedIds: string[] = []
    for (const m of unread) {
      const changed = await this.#c.store.updateMessage(m.id, { status: 'read' })
      if (changed == null) continue
      this.#c.onChanged(changed)
      changedIds.push(m.id)
    }
    // The account's other devices hear of it whether receipts are on or not; after the screen has
    // it, since finding those devices may ask the node.
    if (changedIds.length > 0) await this.#c.onRead?.(changedIds)
    return changedIds.length
  }

  /** A device of the recipient acked its copy of our message live: it has it. */
  async deliveredLive (id: string, device: string): Promise<void> {
    await this.#lock.run(id, async () => await this.#recordDevice(id, device, 'delivered'))
  }

  /** Adds `device` to the message's per-device record; whether anything changed. */
  async #recordDevice (id: string, device: string, status: 'delivered' | 'read'): Promise<boolean> {
    const state = await readDeviceReceipts(this.#c.store, id)
    const add = (list: string[]): string[] => list.includes(device) || list.length >= MAX_DEVICES ? list : [...list, device]
    // A read receipt says it arrived too.
    const next = { delivered: add(state.delivered), read: status === 'read' ? add(state.read) : state.read }
    if (next.delivered.length === state.delivered.length && next.read.length === state.read.length) return false
    await this.#c.store.setValue(DEVICE_KEY_PREFIX + id, new TextEncoder().encode(JSON.stringify(next)))
    return true
  }

  async #onReceipt (m: ControlMessage, status: 'delivered' | 'read'): Promise<void> {
    for (const id of decodeIds(m.body)) {
      const message = await this.#c.store.getMessage(id)
      if (message == null || message.direction !== 'out') continue
      if (!await speaksFor(this.#c.trust, message.peer, m.from)) continue
      const recorded = await this.#lock.run(id, async () => await this.#recordDevice(id, m.from.toString(), status))
      const changed = await this.#c.store.updateMessage(id, { status })
      // The status may not move (another device got there first): screens still need the new device.
      if (changed != null || recorded) this.#c.onChanged(changed ?? message)
    }
  }
}
