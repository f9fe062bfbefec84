// Delivery and read receipts for group messages. A group message has several readers, so its author
// keeps, per message, which members said they have it and which read it ("Read by 2 of 3"); the
// message's own status moves to `delivered` with the first and to `read` once every other member
// has read it. Receipts go 1:1 to the author through the durable outbox, like 1:1 receipts.
import { KeyedLock } from '../messages/keyed-lock.ts'
import { GroupStore } from '../groups/group-store.ts'
import { chunks, decodeIds, encodeIds } from './control-ids.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'

export const GROUP_DELIVERED_RECEIPT = 'receipt/group-delivered'
export const GROUP_READ_RECEIPT = 'receipt/group-read'

const KEY_PREFIX = 'receipts/group/'
/** Members recorded per message at most: a group never has more (see groups/constants.ts). */
const MAX_RECORDED = 1024

/** Which members have a group message this device sent, and which read it. */
export interface GroupReceiptState {
  delivered: string[]
  read: string[]
}

export interface GroupReceiptsComponents {
  control: ControlRegistry
  store: ChatStore
  onChanged: (message: ChatMessage) => void
}

/** What the members told this device about one of its group messages (readable without a client). */
export async function readGroupReceipts (store: ChatStore, id: string): Promise<GroupReceiptState> {
  const raw = await store.getValue(KEY_PREFIX + id)
  if (raw == null) return { delivered: [], read: [] }
  const parsed = JSON.parse(new TextDecoder().decode(raw)) as Partial<GroupReceiptState>
  return { delivered: parsed.delivered ?? [], read: parsed.read ?? [] }
}

export class GroupReceipts {
  readonly #c: GroupReceiptsComponents
  readonly #groups: GroupStore
  /** One read-modify-write of a message's record at a time. */
  readonly #lock = new KeyedLock()

  constructor (components: GroupReceiptsComponents) {
    this.#c = components
    this.#groups = new GroupStore(components.store)
    components.control.handle(GROUP_DELIVERED_RECEIPT, async m => { await this.#onReceipt(m, 'delivered') })
    components.control.handle(GROUP_READ_RECEIPT, async m => { await this.#onReceipt(m, 'read') })
  }

  /** Tells the authors of received group messages that this device has them (or read them). */
  async send (messages: ChatMessage[], kind: 'delivered' | 'read'): Promise<void> {
    const byAuthor = new Map<string, string[]>()
    for (const m of messages) {
      const author = m.sender ?? m.peer
      if (m.group == null || m.direction !== 'in') continue
      byAuthor.set(author, [...byAuthor.get(author) ?? [], m.id])
    }
    const type = kind === 'read' ? GROUP_READ_RECEIPT : GROUP_DELIVERED_RECEIPT
    for (const [author, ids] of byAuthor) {
      for (const batch of chunks(ids)) await this.#c.control.queueControl(author, type, encodeIds(batch))
    }
  }

  /** What the members told this device about one of its group messages. */
  async state (id: string): Promise<GroupReceiptState> {
    return await readGroupReceipts(this.#c.store, id)
  }

  async #onReceipt (m: ControlMessage, kind: 'delivered' | 'read'): Promise<void> {
    const from = m.from.toString()
    for (const id of decodeIds(m.body)) {
      await this.#lock.run(id, async () => { await this.#record(id, from, kind) })
    }
  }

  async #record (id: string, from: string, kind: 'delivered' | 'read'): Promise<void> {
    const message = await this.#c.store.getMessage(id)
    if (message?.group == null || message.direction !== 'out') return
    // Only a member of the group may say it has the message: others cannot inflate the count.
    const members = (await this.#groups.getState(message.group))?.members ?? []
    if (!members.includes(from) || from === message.sender) return
    const state = await this.state(id)
    const add = (list: string[]): string[] => list.includes(from) || list.length >= MAX_RECORDED ? list : [...list, from]
    // A read receipt says it arrived too.
    const next = { delivered: add(state.delivered), read: kind === 'read' ? add(state.read) : state.read }
    if (next.delivered.length === state.delivered.length && next.read.length === state.read.length) return
    await this.#c.store.setValue(KEY_PREFIX + id, new TextEncoder().encode(JSON.stringify(next)))
    const others = members.filter(p => p !== message.sender).length
    const status = next.read.length >= others ? 'read' : 'delivered'
    // The status may not move (already delivered): screens still need the new counts.
    this.#c.onChanged(await this.#c.store.updateMessage(id, { status }) ?? message)
  }
}
