// What the screens show: the protocol's message (one model, status and path included) with the
// decrypted attachment as an object URL, groups with this device's membership, and the account.
import type { ChatMessage } from '../../protocol/store/chat-store.ts'
import type { GroupInfo } from '../../protocol/groups/group-state.ts'
import type { Account, PlanStatus } from '../../protocol/wire/generated/messages.ts'
import type { HistorySummary } from '../../protocol/history/history-service.ts'

export interface ViewAttachment {
  name: string
  mime: string
  size: number
  /** Object URL of the decrypted bytes. */
  url: string
}

export interface ViewMessage extends Omit<ChatMessage, 'attachment'> {
  /** In a group: the member who wrote it. */
  from?: string
  attachment?: ViewAttachment
  /** A 1:1 message this device sent: the recipient's devices that have it and that read it (PeerIds). */
  devices?: { delivered: string[], read: string[] }
  /** A group message this device sent: how many of the other members have it and read it. */
  receipts?: { delivered: number, read: number, of: number }
}

export type ViewGroup = GroupInfo & { member: boolean }

/** The protocol message as a screen shows it (the attachment URL is added by AttachmentPreviews). */
export function toView (m: ChatMessage): ViewMessage {
  const { attachment: _ref, ...rest } = m
  return { ...rest, ...(m.sender != null ? { from: m.sender } : {}) }
}

export type AccountPhase = 'offline' | 'loading' | 'none' | 'account' | 'unavailable'

/** What the account screen shows. */
export interface AccountView {
  phase: AccountPhase
  account?: Account
  plan?: PlanStatus
  busy: boolean
  error: string
  note: string
  /** The link code this device made for a new one (shown whole: the node never saw its letters). */
  linkCode?: { code: string, expiresAt: number }
  /** The history coming from another device of the account, after linking this one. */
  transfer?: HistoryTransfer
}

export interface HistoryTransfer {
  /** Items (messages and records) received so far, and in the whole history; total 0 until known. */
  received: number
  total: number
  summary?: HistorySummary
  error?: string
}

export const OFFLINE_ACCOUNT: AccountView = { phase: 'offline', busy: false, error: '', note: '' }
