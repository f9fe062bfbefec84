// The web app's IndexedDB database: one schema for the message store, identity, contacts and outbox.
import { deleteDB, openDB } from 'idb'
import type { DBSchema, IDBPDatabase } from 'idb'
import { migrateToV4 } from './app-db-v4.ts'
import type { ChatMessage, OutboxEntry } from '../../protocol/store/chat-store.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'

export const DB_NAME = 'babacloud-chat'
const DB_VERSION = 4

export interface StoredMessage extends ChatMessage {
  /** Storage order, assigned by IndexedDB. */
  seq?: number
}

export interface Contact {
  peerId: string
  nickname: string
  addedAt: number
  // Later: safety-number verification state plugs in here (protocol/crypto/x3dh/safety-number.ts).
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
  messages: { key: number, value: StoredMessage, indexes: { id: string, peer: string } }
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

export type AppDb = IDBPDatabase<AppSchema>

/**
 * `onBlocking`: another tab wants to delete or upgrade the database. This connection is closed so
 * it can; the callback tells the user this tab must reload.
 */
export async function openAppDb (name = DB_NAME, onBlocking?: () => void): Promise<AppDb> {
  const db: AppDb = await openDB<AppSchema>(name, DB_VERSION, {
    blocking () {
      db.close()
      onBlocking?.()
    },
    upgrade (db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) createV1(db)
      if (oldVersion < 2) db.createObjectStore('attachments', { keyPath: 'id' })
      if (oldVersion < 3) db.createObjectStore('deleted')
      if (oldVersion < 4) migrateToV4(db, tx)
    }
  })
  return db
}

/** The version 1 schema, as a fresh database (or one from before version 1) gets it. */
function createV1 (db: IDBPDatabase<AppSchema>): void {
  const messages = db.createObjectStore('messages', { keyPath: 'seq', autoIncrement: true })
  messages.createIndex('id', 'id', { unique: true })
  messages.createIndex('peer', 'peer')
  db.createObjectStore('values')
  db.createObjectStore('identity')
  db.createObjectStore('contacts', { keyPath: 'peerId' })
  db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
  db.createObjectStore('paths')
  db.createObjectStore('settings')
}

/** Closes and deletes the whole database: every message, key and contact on this device. */
export async function deleteAppDb (db: AppDb | undefined, name = DB_NAME): Promise<void> {
  db?.close()
  await deleteDB(name)
}
