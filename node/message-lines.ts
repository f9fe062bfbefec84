// How `inbox` prints what arrives and what the history holds: one line a thing, `kind` saying what
// it is (`message`, `reaction`, `edit`, `delete`, `timer`, `expired`), replies with their quote, edits and reactions.
import { timerLine } from '../protocol/control/timer-text.ts'
import { shownReactions } from '../protocol/messages/message.ts'
import { formatTime, print } from './output.ts'
import type { AppliedAction } from '../protocol/chat-client.ts'
import type { GroupTextMessage } from '../protocol/groups/group-client.ts'
import type { ChatMessage } from '../protocol/store/chat-store.ts'
import type { OutputOptions } from './output.ts'

const short = (id: string): string => id.slice(0, 8)

/** The quoted line above a reply (people only). */
function quoteLine (replyTo: string | undefined, preview: string | undefined): string {
  if (replyTo == null) return ''
  return `  > ${preview ?? `(message ${short(replyTo)} not on this device)`}\n`
}

/** A message from the history or one just received, with its reply link, edits, reactions, tombstone. */
export function showMessage (opts: OutputOptions, m: ChatMessage): void {
  if (m.timer != null) {
    showTimer(opts, m)
    return
  }
  const reactions = shownReactions(m)
  const extra = {
    ...(m.replyTo != null ? { replyTo: m.replyTo } : {}),
    ...(m.editedAt != null ? { edited: true, edits: m.edits ?? [] } : {}),
    ...(reactions.length > 0 ? { reactions: reactions.map(r => ({ from: r.from, emoji: r.emoji })) } : {}),
    ...(m.deletedAt != null ? { deleted: true } : {}),
    ...(m.expiresAt != null ? { expiresAt: m.expiresAt } : {})
  }
  const text = m.deletedAt != null ? '(deleted for everyone)' : m.text + (m.editedAt != null ? '  (edited)' : '')
  const tail = reactions.length > 0 ? `  [${reactions.map(r => r.emoji).join(' ')}]` : ''
  const quote = quoteLine(m.replyTo, m.replyPreview)
  if (m.group != null) {
    // As `group history` shows it: the member who wrote it, not a 1:1 peer.
    const from = m.direction === 'in' ? m.sender ?? m.peer : 'me'
    print(opts, { kind: 'message', id: m.id, from, group: m.group, text: m.text, sentAt: m.sentAt, ...extra },
      `${quote}${formatTime(m.sentAt)}  group ${short(m.group)}  ${from}  ${text}${tail}`)
    return
  }
  const who = m.direction === 'in' ? m.peer : `to ${m.peer}`
  print(opts, { kind: 'message', id: m.id, from: m.direction === 'in' ? m.peer : undefined, to: m.direction === 'out' ? m.peer : undefined, text: m.text, sentAt: m.sentAt, ...extra },
    `${quote}${formatTime(m.sentAt)}  ${who}  ${text}${tail}`)
}

/**
 * A sent message the node deleted unread because it waited too long (`kind: 'expired'`), from the
 * node's verified expiry notice: one line per recipient device that never got it.
 */
export function showExpired (opts: OutputOptions, m: ChatMessage, record: NonNullable<ChatMessage['purged']>[number]): void {
  print(opts, {
    kind: 'expired', id: m.id, ...(m.group != null ? { group: m.group } : { to: m.peer }), device: record.device, node: record.node, at: record.at, sentAt: m.sentAt
  }, `${formatTime(record.at)}  to ${m.group != null ? `group ${short(m.group)}` : m.peer}  ! not delivered: expired at the node (message ${short(m.id)} of ${formatTime(m.sentAt)}, device ${record.device})`)
}

/** The system line of a disappearing-message timer someone set (`kind: 'timer'`). */
function showTimer (opts: OutputOptions, m: ChatMessage): void {
  const seconds = m.timer ?? 0
  const from = m.direction === 'in' ? m.sender ?? m.peer : 'me'
  const where = m.group != null ? `group ${short(m.group)}  ` : m.direction === 'out' ? `to ${m.peer}  ` : ''
  print(opts, {
    kind: 'timer', id: m.id, from, ...(m.group != null ? { group: m.group } : m.direction === 'out' ? { to: m.peer } : {}), seconds, sentAt: m.sentAt
  }, `${formatTime(m.sentAt)}  ${where}${timerLine(m.direction === 'in' ? from : 'You', seconds)}`)
}

export function showGroupMessage (opts: OutputOptions, m: GroupTextMessage): void {
  print(opts, { kind: 'message', id: m.id, from: m.from, group: m.groupId, groupName: m.groupName, text: m.text, sentAt: m.sentAt, ...(m.replyTo != null ? { replyTo: m.replyTo } : {}) },
    `${quoteLine(m.replyTo, m.replyPreview)}${formatTime(m.sentAt)}  ${m.groupName} (${short(m.groupId)})  ${m.from}  ${m.text}`)
}

/** Someone's reaction, edit or deletion of a message, as it arrived. */
export function showAction (opts: OutputOptions, a: AppliedAction): void {
  const where = a.group != null ? `group ${short(a.group)}  ` : ''
  const what = a.kind === 'reaction'
    ? (a.emoji === '' ? `removed their reaction to ${short(a.messageId)}` : `reacted ${a.emoji ?? ''} to ${short(a.messageId)}`)
    : a.kind === 'edit' ? `edited ${short(a.messageId)}: ${a.text ?? ''}` : `deleted ${short(a.messageId)} for everyone`
  print(opts, {
    kind: a.kind,
    id: a.id,
    messageId: a.messageId,
    from: a.from,
    ...(a.group != null ? { group: a.group } : {}),
    ...(a.emoji != null ? { emoji: a.emoji } : {}),
    ...(a.text != null ? { text: a.text } : {}),
    sentAt: a.sentAt
  }, `${formatTime(a.sentAt)}  ${where}${a.from}  ${what}`)
}
