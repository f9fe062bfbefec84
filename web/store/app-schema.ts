// The web app's IndexedDB schema (version 5): what each object store holds.
import type { DBSchema } from 'idb'
import type { ChatMessage, OutboxEntry } from '../../protocol/store/chat-store.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'

export interface StoredMessage extends ChatMessage {
  /** Storage order, assigned by IndexedDB. */
  seq?: number
  /** Version 5: `peer` again on 1:1 messages only, the key of the `direct` index. Never read back. */
  direct?: string
}

export interface Contact {
  peerId: string
  nickname: string
  addedAt: number
  /** Added by @username: the account whose devices are checked for changes (no @). */
  username?: string
  /** Marked as verified: the safety number compared then (this device's; the mark goes to the account's other devices). */
  verified?: { safetyNumber: string, at: number }
  /** The contact's identity changed since (a new device on the account, or another key): verify again. */
  keyChange?: { at: number, devices: string[] }
}

/** Version 1–3 outbox record: text only, re-sent under a new id (version 4 keeps the envelope). */
export interface LegacyOutboxItem {
  seq?: number
  peer: string
  text: string
  queuedAt: number
}

/** An outbox entry (version 4) with its place in the queue. */
export interface StoredOutboxEntry extends OutboxEntry {
  /** Storage order, assigned by IndexedDB. */
  seq?: number
}

/** A file sent or received, decrypted, keyed by its attachment id (the id of its history entry too). */
export interface AttachmentRecord {
  id: string
  /** The contact's PeerId (1:1). */
  peer: string
  direction: 'in' | 'out'
  name: string
  mime: string
  size: number
  bytes: Uint8Array
  savedAt: number
}

export interface IdentityRecord {
  seed: Uint8Array
  peerId: string
  createdAt: number
}

export interface AppSchema extends DBSchema {
  /**
   * Indexes: `id`; `direct` (version 5, 1:1 messages by peer; before, `peer` over all messages);
   * `group` (version 5, group messages by group id).
   */
  messages: { key: number, value: StoredMessage, indexes: { id: string, peer: string, direct: string, group: string } }
  values: { key: string, value: Uint8Array }
  identity: { key: 'device', value: IdentityRecord }
  contacts: { key: string, value: Contact }
  /** The protocol outbox (version 4; before, `LegacyOutboxItem`s). */
  outbox: { key: number, value: StoredOutboxEntry, indexes: { id: string } }
  /** Versions 1–3 only: how each message travelled; version 4 keeps it on the message. */
  paths: { key: string, value: DeliveryPath }
  /** Small app settings, e.g. the last rendezvous info for starting while it is down. */
  settings: { key: string, value: unknown }
  /** Decrypted attachments (version 2), so previews survive reloads. */
  attachments: { key: string, value: AttachmentRecord }
  /** Tombstones (version 3): ids of deleted messages, never added again; the value is always 1. */
  deleted: { key: string, value: 1 }
}
