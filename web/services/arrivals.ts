// What happens when a message arrives (or goes) while a network session runs: the conversation
// list's summary of a group is re-read (the group plugin stores its messages itself), as is a 1:1
// conversation's after a deletion; a group message's author gets a delivery receipt; and the person
// is told (alerts.ts) of a message or a reaction to theirs unless the conversation is in view.
import { previewOf } from './conversation-summaries.ts'
import type { Alerts } from './alerts.ts'
import type { ConversationTarget } from './conversation-model.ts'
import type { LocalData } from './local-data.ts'
import type { NetworkSession } from './network-session.ts'

export interface ArrivalsInit {
  session: NetworkSession
  local: LocalData
  alerts: Alerts
  /** The conversation on screen, if any. */
  open(): ConversationTarget | undefined
}

function nameOf (local: LocalData, peer: string): string {
  const nickname = local.contacts.find(c => c.peerId === peer)?.nickname ?? ''
  return nickname !== '' ? nickname : `${peer.slice(0, 8)}…`
}

/** Follows the session's incoming messages until it stops. */
export function followArrivals (init: ArrivalsInit): void {
  const { session, local, alerts } = init
  const visible = (): boolean => document.visibilityState === 'visible'
  session.client.addEventListener('message', ({ detail: m }) => {
    if (m.group != null || m.direction !== 'in') return
    const open = init.open()
    const seen = visible() && open?.kind === 'peer' && open.peer === m.peer
    alerts.arrived({ title: nameOf(local, m.peer), text: previewOf(m), hash: `#/chat/${m.peer}`, seen })
  })
  // Someone reacted to one of ours: told like a message, as other chat apps do (not a removal).
  session.client.addEventListener('message:action', ({ detail: a }) => {
    if (a.kind !== 'reaction' || a.emoji == null || a.emoji === '' || a.message.direction !== 'out') return
    const open = init.open()
    const here = a.group != null ? open?.kind === 'group' && open.groupId === a.group : open?.kind === 'peer' && open.peer === a.message.peer
    const hash = a.group != null ? `#/group/${a.group}` : `#/chat/${a.message.peer}`
    alerts.arrived({ title: nameOf(local, a.from), text: `Reacted ${a.emoji} to “${previewOf(a.message)}”`, hash, seen: visible() && here })
  })
  // A deleted message may have been the last or an unread one.
  session.client.addEventListener('deleted', ({ detail }) => { void local.messageDeleted(detail.id, detail.peer) })
  session.groups.addEventListener('message', ({ detail: g }) => {
    void local.conversationChanged({ group: g.groupId })
    void (async () => {
      const stored = await local.store.getMessage(g.id)
      if (stored != null) await session.client.parts.receipts.groups.send([stored], 'delivered')
    })().catch(() => {})
    const open = init.open()
    const seen = visible() && open?.kind === 'group' && open.groupId === g.groupId
    alerts.arrived({ title: `${g.groupName}: ${nameOf(local, g.from)}`, text: g.text, hash: `#/group/${g.groupId}`, seen })
  })
}
