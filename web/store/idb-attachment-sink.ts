// AttachmentSink on IndexedDB: verified plaintext collects in memory and is written in one
// transaction on commit, so an aborted transfer leaves nothing behind and a saved file survives reloads.
// A record is bound to its peer and direction: a later file under the same id never replaces it.
import { AttachmentError, AttachmentErrorCode } from '../../protocol/attachments/constants.ts'
import type { AppDb, AttachmentRecord } from './app-db.ts'
import type { AttachmentSink, AttachmentWriter, IncomingAttachment } from '../../protocol/attachments/sink.ts'

export const ATTACHMENT_LOCATION_PREFIX = 'idb:'

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export class IdbAttachmentSink implements AttachmentSink {
  readonly #db: AppDb

  constructor (db: AppDb) {
    this.#db = db
  }

  async open (attachment: IncomingAttachment): Promise<AttachmentWriter> {
    let parts: Uint8Array[] = []
    return {
      write: async bytes => { parts.push(bytes.slice()) },
      commit: async () => {
        await this.put({ id: attachment.id, peer: attachment.from, direction: 'in', name: attachment.name, mime: attachment.mime, size: attachment.size, bytes: concat(parts), savedAt: Date.now() })
        parts = []
        return ATTACHMENT_LOCATION_PREFIX + attachment.id
      },
      abort: async () => { parts = [] }
    }
  }

  /**
   * Stores a file under its attachment id. The same peer and direction may store it again (a retry
   * of the same attachment); anyone else's file under that id is refused with CONFLICT.
   */
  async put (record: AttachmentRecord): Promise<void> {
    const tx = this.#db.transaction('attachments', 'readwrite')
    const existing = await tx.store.get(record.id)
    if (existing != null && (existing.peer !== record.peer || existing.direction !== record.direction)) {
      tx.abort()
      await tx.done.catch(() => {})
      throw new AttachmentError(AttachmentErrorCode.CONFLICT, `attachment id ${record.id} already belongs to another conversation`)
    }
    await tx.store.put(record)
    await tx.done
  }

  async get (id: string): Promise<AttachmentRecord | undefined> {
    return await this.#db.get('attachments', id)
  }

  /** Metadata of many attachments in one transaction, without copying their bytes out. */
  async has (ids: string[]): Promise<boolean[]> {
    const tx = this.#db.transaction('attachments')
    const keys = await Promise.all(ids.map(async id => await tx.store.getKey(id)))
    await tx.done
    return keys.map(k => k != null)
  }
}
