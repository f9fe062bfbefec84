// Reading groups from the local store, with or without a running GroupClient: the group list and a
// group's messages with their senders, so both show while the node is still connecting or offline.
import { GroupStore } from '../../protocol/groups/group-store.ts'
import { toInfo } from '../../protocol/groups/group-state.ts'
import { readGroupReceipts } from '../../protocol/control/group-receipts.ts'
import { toView } from './view-model.ts'
import type { ViewGroup, ViewMessage } from './view-model.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'

/** Shown at most per conversation, as for 1:1 conversations. */
const HISTORY_LIMIT = 500

export async function listGroups (store: ChatStore, me: string): Promise<ViewGroup[]> {
  const states = await new GroupStore(store).listStates()
  return states.map(s => ({ ...toInfo(s), member: s.members.includes(me) })).sort((a, b) => b.updatedAt - a.updatedAt)
}

export async function groupMessages (store: ChatStore, groupId: string, me: string, all = false): Promise<ViewMessage[]> {
  const groups = new GroupStore(store)
  const messages: ViewMessage[] = (await store.listMessages({ group: groupId, ...(all ? {} : { limit: HISTORY_LIMIT }) })).map(toView)
  // Messages stored before version 4 carry no sender: the group store still knows it.
  const senders = await Promise.all(messages.map(async m => m.from ?? (m.direction === 'out' ? me : await groups.getSender(m.id))))
  messages.forEach((m, i) => { m.from = senders[i] })
  // "Read by 2 of 3": counted against the members other than this device as the group is now.
  const of = ((await groups.getState(groupId))?.members ?? []).filter(p => p !== me).length
  await Promise.all(messages.filter(m => m.direction === 'out').map(async m => {
    const r = await readGroupReceipts(store, m.id)
    m.receipts = { delivered: r.delivered.length, read: r.read.length, of }
  }))
  return messages
}
