// The web app's IndexedDB database: one schema for the message store, identity, contacts and outbox.
import { deleteDB, openDB } from 'idb'
import type { IDBPDatabase } from 'idb'
import { migrateToV4 } from './app-db-v4.ts'
import { migrateToV5 } from './app-db-v5.ts'
import type { AppSchema } from './app-schema.ts'

export const DB_NAME = 'babacloud-chat'
export const DB_VERSION = 5

export type { AttachmentRecord, Contact, IdentityRecord, LegacyOutboxItem, StoredMessage, StoredOutboxEntry, AppSchema } from './app-schema.ts'

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
      const v4 = oldVersion < 4 ? migrateToV4(db, tx) : undefined
      if (oldVersion < 5) migrateToV5(tx, v4)
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
