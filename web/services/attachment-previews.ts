// Object URLs for the decrypted attachments a conversation shows, made once per attachment id from
// the IndexedDB copy, so re-renders neither copy the bytes again nor leak a URL per render.
import type { ViewMessage } from './chat-service.ts'
import type { IdbAttachmentSink } from '../store/idb-attachment-sink.ts'

export class AttachmentPreviews {
  readonly #sink: IdbAttachmentSink
  readonly #urls = new Map<string, { url: string, name: string, mime: string, size: number }>()

  constructor (sink: IdbAttachmentSink) {
    this.#sink = sink
  }

  /** Sets `attachment` on each message that has a stored file (its id is the attachment id). */
  async attach (messages: ViewMessage[]): Promise<ViewMessage[]> {
    const unknown = messages.filter(m => !this.#urls.has(m.id))
    const present = unknown.length === 0 ? [] : await this.#sink.has(unknown.map(m => m.id))
    for (const [i, m] of unknown.entries()) {
      if (!present[i]) continue
      const record = await this.#sink.get(m.id)
      if (record == null) continue
      const url = URL.createObjectURL(new Blob([record.bytes as Uint8Array<ArrayBuffer>], { type: record.mime }))
      this.#urls.set(m.id, { url, name: record.name, mime: record.mime, size: record.size })
    }
    for (const m of messages) {
      const a = this.#urls.get(m.id)
      if (a != null) m.attachment = { ...a }
    }
    return messages
  }

  revokeAll (): void {
    for (const { url } of this.#urls.values()) URL.revokeObjectURL(url)
    this.#urls.clear()
  }
}
