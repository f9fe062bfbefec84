// IndexedDB version 4: one message model. Each message takes its delivery path (from the old `paths`
// store, then removed) and its attachment's name, type and size; an old "sending" message, cut off
// mid-send, becomes "failed"; the text-only outbox becomes the protocol outbox (each old item a
// queued message with an entry sealed on its first try). Tombstones (`deleted`) stay as they are.
import { newQueuedText } from '../../protocol/messages/outbox.ts'
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb'
import type { AppSchema, LegacyOutboxItem, StoredMessage } from './app-schema.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'

type UpgradeTx = IDBPTransaction<AppSchema, Array<StoreNames<AppSchema>>, 'versionchange'>

/**
 * Runs inside the upgrade transaction: only IndexedDB requests are awaited, so it stays open. Settles
 * when every record has moved (later versions migrate after it).
 */
export async function migrateToV4 (db: IDBPDatabase<AppSchema>, tx: UpgradeTx): Promise<void> {
  // Read what moves before the stores change shape; the upgrade waits for these requests.
  const legacy = tx.objectStore('outbox').getAll() as unknown as Promise<LegacyOutboxItem[]>
  await legacy.then(async items => {
    db.deleteObjectStore('outbox')
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
    outbox.createIndex('id', 'id', { unique: true })
    await moveMessages(db, tx)
    for (const item of items) {
      const { message, entry } = newQueuedText(item.peer, item.text, item.queuedAt)
      await tx.objectStore('messages').add(message)
      await tx.objectStore('outbox').add(entry)
    }
  })
}

async function moveMessages (db: IDBPDatabase<AppSchema>, tx: UpgradeTx): Promise<void> {
  const hasPaths = db.objectStoreNames.contains('paths')
  let cursor = await tx.objectStore('messages').openCursor()
  while (cursor != null) {
    const m: StoredMessage = { ...cursor.value }
    const path = hasPaths ? await tx.objectStore('paths').get(m.id) as DeliveryPath | undefined : undefined
    if (path != null) m.path = path
    const file = await tx.objectStore('attachments').get(m.id)
    if (file != null) m.attachment = { name: file.name, mime: file.mime, size: file.size }
    if ((m.status as string) === 'sending') {
      m.status = 'failed'
      m.error = 'interrupted before it was acknowledged'
    }
    await cursor.update(m)
    cursor = await cursor.continue()
  }
  if (hasPaths) db.deleteObjectStore('paths')
}
