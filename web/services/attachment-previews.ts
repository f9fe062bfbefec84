// Object URLs for the decrypted attachments a conversation shows, made once per attachment id from
// the IndexedDB copy, so re-renders neither copy the bytes again nor leak a URL per render.
import { OCTET_STREAM, isInlineImage, normalizeMediaType } from '../../protocol/attachments/mime.ts'
import type { ViewMessage } from './view-model.ts'
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
      // A file shows only on the message it came with: same peer, same direction.
      if (record == null || record.peer !== m.peer || record.direction !== m.direction) continue
      const mime = normalizeMediaType(record.mime)
      // Anything but a safe raster image is an opaque download: a blob URL opened in a tab runs in
      // the app's origin, so an SVG or HTML file must never be served as what it claims to be.
      const url = URL.createObjectURL(new Blob([record.bytes as Uint8Array<ArrayBuffer>], { type: isInlineImage(mime) ? mime : OCTET_STREAM }))
      this.#urls.set(m.id, { url, name: record.name, mime, size: record.size })
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
