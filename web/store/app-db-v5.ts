// IndexedDB version 5: group messages are real messages of the model. A message filed under the old
// fake peer `group:<id>` gets its group set and, as peer, its sender (incoming) or the group
// (outgoing). 1:1 messages carry their peer again in `direct`, a storage-only field, so the
// `direct` index holds 1:1 messages only and the `group` index group messages only.
import type { IDBPTransaction, StoreNames } from 'idb'
import type { AppSchema, StoredMessage } from './app-schema.ts'

type UpgradeTx = IDBPTransaction<AppSchema, Array<StoreNames<AppSchema>>, 'versionchange'>

const OLD_GROUP_PREFIX = 'group:'

/**
 * Runs inside the upgrade transaction, after `before` (an earlier version's migration still moving
 * records): only IndexedDB requests are awaited in between, so the transaction stays open.
 */
export function migrateToV5 (tx: UpgradeTx, before: Promise<void> = Promise.resolve()): void {
  const messages = tx.objectStore('messages')
  // The old index went by `peer`, which group messages now share with 1:1 ones.
  messages.deleteIndex('peer')
  messages.createIndex('direct', 'direct')
  messages.createIndex('group', 'group')
  void before.then(async () => { await moveGroupMessages(tx) })
}

async function moveGroupMessages (tx: UpgradeTx): Promise<void> {
  let cursor = await tx.objectStore('messages').openCursor()
  while (cursor != null) {
    await cursor.update(toStored(fromOldPeer(cursor.value)))
    cursor = await cursor.continue()
  }
}

function fromOldPeer (m: StoredMessage): StoredMessage {
  if (!m.peer.startsWith(OLD_GROUP_PREFIX)) return m
  const group = m.group ?? m.peer.slice(OLD_GROUP_PREFIX.length)
  return { ...m, group, peer: m.direction === 'in' && m.sender != null ? m.sender : group }
}

/** The record as stored: `direct` set exactly for 1:1 messages (see `AppSchema.messages`). */
export function toStored (m: StoredMessage): StoredMessage {
  const { direct: _direct, ...record } = m
  return m.group == null ? { ...record, direct: m.peer } : record
}
