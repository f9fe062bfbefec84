// Attachments in the web app: the AttachmentService on the browser's ChatClient, received files kept
// decrypted in IndexedDB (IdbAttachmentSink) with a history entry under the attachment id, and the
// same for sent files, so both sides show them in the conversation, also after a reload.
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { IdbAttachmentSink } from '../store/idb-attachment-sink.ts'
import { AttachmentPreviews } from './attachment-previews.ts'
import type { ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { ChatMessage } from '../../protocol/messages/message.ts'
import type { AppDb } from '../store/app-db.ts'
import type { IdbChatStore } from '../store/idb-chat-store.ts'
import type { ViewMessage } from './view-model.ts'

export interface WebAttachmentsInit {
  db: AppDb
  store: IdbChatStore
  /** A file's message was added (received or sent): the screens patch it in. */
  onMessage(message: ChatMessage): Promise<void>
  /** A problem worth showing the user. */
  onProblem(text: string): void
}

export class WebAttachments {
  readonly #init: WebAttachmentsInit
  readonly #sink: IdbAttachmentSink
  readonly #previews: AttachmentPreviews
  #service?: AttachmentService

  constructor (init: WebAttachmentsInit) {
    this.#init = init
    this.#sink = new IdbAttachmentSink(init.db)
    this.#previews = new AttachmentPreviews(this.#sink)
  }

  /**
   * Registers on a network session's client; call before `client.start()` so offers in the mailbox
   * find a handler. The stored files and their previews stay for the page's lifetime.
   */
  async start (client: ChatClient): Promise<void> {
    const service = new AttachmentService({ client, sink: this.#sink })
    this.#service = service
    service.addEventListener('attachment', evt => { void this.#received(evt.detail) })
    service.addEventListener('failed', evt => { this.#init.onProblem(`The file ${evt.detail.name} could not be received: ${evt.detail.error.message}`) })
    await service.start()
  }

  get started (): boolean {
    return this.#service != null
  }

  /** The network session ended: no more offers are taken. */
  async detach (): Promise<void> {
    const service = this.#service
    this.#service = undefined
    await service?.stop()
  }

  async stop (): Promise<void> {
    await this.detach()
    this.#previews.revokeAll()
  }

  async #received (a: ReceivedAttachment): Promise<void> {
    const { store } = this.#init
    const message: ChatMessage = { id: a.id, peer: a.from, direction: 'in', text: a.caption, sentAt: a.sentAt, receivedAt: Date.now(), status: 'received', path: a.path, attachment: { name: a.name, mime: a.mime, size: a.size } }
    await store.addMessage(message)
    await this.#init.onMessage(message)
  }

  /** Encrypts and sends a file; the decrypted copy stays here so this side shows it too. */
  async send (peer: string, file: File, caption = ''): Promise<void> {
    if (this.#service == null) throw new Error('the node is not running')
    const bytes = new Uint8Array(await file.arrayBuffer())
    const mime = file.type === '' ? 'application/octet-stream' : file.type
    const result = await this.#service.send(peer, { name: file.name, mime, bytes, caption })
    const now = Date.now()
    await this.#sink.put({ id: result.id, peer, direction: 'out', name: file.name, mime, size: bytes.length, bytes, savedAt: now })
    const message: ChatMessage = { id: result.id, peer, direction: 'out', text: caption, sentAt: now, receivedAt: now, status: result.status, path: result.path, attachment: { name: file.name, mime, size: bytes.length } }
    await this.#init.store.addMessage(message)
    await this.#init.onMessage(message)
  }

  /** Adds the stored file, as an object URL, to each message that has one. */
  async attach (messages: ViewMessage[]): Promise<ViewMessage[]> {
    return await this.#previews.attach(messages)
  }
}
