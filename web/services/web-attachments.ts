// Attachments in the web app: the AttachmentService on the browser's ChatClient, received files kept
// decrypted in IndexedDB (IdbAttachmentSink) with a history entry under the attachment id, and the
// same for sent files, so both sides show them in the conversation, also after a reload. Files on
// their way are in `transfers` (progress, cancel, retry) until their message is stored.
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { plaintextLimit } from '../../protocol/attachments/cipher.ts'
import { DEFAULT_MAX_ATTACHMENT_BYTES } from '../../protocol/attachments/constants.ts'
import { errorMessage } from '../../protocol/errors.ts'
import { GroupStore } from '../../protocol/groups/group-store.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { IdbAttachmentSink } from '../store/idb-attachment-sink.ts'
import { AttachmentPreviews } from './attachment-previews.ts'
import { Transfers } from './transfers.ts'
import type { ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { IncomingAttachment } from '../../protocol/attachments/sink.ts'
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

/** Where a file goes: a contact, or a group's members (every device but this one). */
export type FileTarget = { kind: 'peer', peer: string } | { kind: 'group', groupId: string, members: string[] }

const incomingKey = (a: Pick<IncomingAttachment, 'from' | 'id'>): string => `in/${a.from}/${a.id}`

export class WebAttachments {
  readonly #init: WebAttachmentsInit
  readonly #sink: IdbAttachmentSink
  readonly #previews: AttachmentPreviews
  readonly transfers = new Transfers()
  /** Outgoing transfers by key: Cancel aborts them. */
  readonly #sending = new Map<string, AbortController>()
  #service?: AttachmentService
  /** The node's own limit (from `/api/rendezvous`), ciphertext bytes. */
  #nodeMaxBytes?: number
  /** This device's plan at the node (billing), ciphertext bytes, once known. */
  planMaxBytes?: number
  #me = ''

  constructor (init: WebAttachmentsInit) {
    this.#init = init
    this.#sink = new IdbAttachmentSink(init.db)
    this.#previews = new AttachmentPreviews(this.#sink)
  }

  /**
   * Registers on a network session's client; call before `client.start()` so offers in the mailbox
   * find a handler. The stored files and their previews stay for the page's lifetime.
   */
  async start (client: ChatClient, nodeMaxBytes?: number): Promise<void> {
    this.#nodeMaxBytes = nodeMaxBytes
    this.#me = client.peerId.toString()
    const groups = new GroupStore(this.#init.store)
    const service = new AttachmentService({
      client,
      sink: this.#sink,
      isGroupMember: async (group, peer) => (await groups.getState(group))?.members.includes(peer) === true
    })
    this.#service = service
    service.addEventListener('progress', ({ detail: a }) => {
      const key = incomingKey(a)
      if (this.transfers.get(key)?.state !== 'active') this.transfers.begin({ key, direction: 'in', conversation: a.group ?? a.from, name: a.name, mime: a.mime, size: a.size, from: a.from })
      this.transfers.progress(key, a.received, a.size)
    })
    service.addEventListener('attachment', evt => { void this.#received(evt.detail) })
    service.addEventListener('cancelled', ({ detail: a }) => {
      const key = incomingKey(a)
      if (this.transfers.get(key) == null) this.transfers.begin({ key, direction: 'in', conversation: a.group ?? a.from, name: a.name, mime: a.mime, size: a.size, from: a.from })
      this.transfers.end(key, 'cancelled')
    })
    // The sender cancelled (or goes through the rendezvous now): the row goes, nothing is wrong here.
    service.addEventListener('stopped', ({ detail: a }) => { this.transfers.remove(incomingKey(a)) })
    service.addEventListener('failed', evt => {
      this.transfers.end(incomingKey(evt.detail), 'failed', evt.detail.error.message)
      this.#init.onProblem(`The file ${evt.detail.name} could not be received: ${evt.detail.error.message}`)
    })
    await service.start()
  }

  /** The largest file this device may send now (plaintext bytes): its own limit, the node's and its plan's. */
  get maxBytes (): number {
    const limits = [this.#nodeMaxBytes, this.planMaxBytes].filter((n): n is number => n != null && n > 0).map(plaintextLimit)
    return Math.min(this.#service?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES, ...limits)
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
    const group = a.group != null ? { group: a.group, sender: a.from } : {}
    const message: ChatMessage = { id: a.id, peer: a.from, direction: 'in', text: a.caption, sentAt: a.sentAt, receivedAt: Date.now(), status: 'received', path: a.path, attachment: { name: a.name, mime: a.mime, size: a.size }, ...group }
    await store.addMessage(message)
    this.transfers.remove(incomingKey(a))
    await this.#init.onMessage(message)
  }

  /**
   * Encrypts and sends a file with its caption, showing progress in `transfers`; the decrypted copy
   * stays here so this side shows it too. Cancel (`cancel(key)`) stops it and leaves no message.
   */
  async send (target: FileTarget, file: File, caption = ''): Promise<void> {
    const service = this.#service
    if (service == null) throw new Error('the node is not running')
    if (file.size > this.maxBytes) throw new Error(`${file.name} is over the limit of ${this.maxBytes} bytes`)
    const conversation = target.kind === 'peer' ? target.peer : target.groupId
    const key = `out/${crypto.randomUUID()}`
    const mime = file.type === '' ? 'application/octet-stream' : file.type
    const abort = new AbortController()
    this.#sending.set(key, abort)
    this.transfers.begin({ key, direction: 'out', conversation, name: file.name, mime, size: file.size })
    try {
      const bytes = new Uint8Array(await file.arrayBuffer())
      const to = target.kind === 'peer' ? target.peer : target.members.map(m => parsePeerId(m))
      const result = await service.send(to, { name: file.name, mime, bytes, caption, ...(target.kind === 'group' ? { group: target.groupId } : {}) }, {
        signal: abort.signal,
        onProgress: (done, total) => { this.transfers.progress(key, done, total) }
      })
      const now = Date.now()
      const group = target.kind === 'group' ? { group: target.groupId, sender: this.#me } : {}
      await this.#sink.put({ id: result.id, peer: conversation, direction: 'out', name: file.name, mime, size: bytes.length, bytes, savedAt: now })
      const message: ChatMessage = { id: result.id, peer: conversation, direction: 'out', text: caption, sentAt: now, receivedAt: now, status: result.status, path: result.path, attachment: { name: file.name, mime, size: bytes.length }, ...group }
      await this.#init.store.addMessage(message)
      this.transfers.remove(key)
      await this.#init.onMessage(message)
      if (result.failures.length > 0) this.#init.onProblem(`${file.name} could not reach ${result.failures.length} member device(s): ${result.failures[0].error}`)
    } catch (err) {
      if (abort.signal.aborted) this.transfers.end(key, 'cancelled')
      else {
        this.transfers.end(key, 'failed', errorMessage(err))
        throw err
      }
    } finally {
      this.#sending.delete(key)
    }
  }

  /** Stops a transfer on screen: an upload, or a download (which can be retried). */
  cancel (key: string): void {
    const t = this.transfers.get(key)
    if (t == null) return
    if (t.direction === 'out') this.#sending.get(key)?.abort()
    else if (t.from != null) this.#service?.cancel(t.from, key.slice(`in/${t.from}/`.length))
  }

  /** Fetches a cancelled download again. */
  async retry (key: string): Promise<void> {
    const t = this.transfers.get(key)
    if (t?.direction !== 'in' || t.from == null || this.#service == null) return
    this.transfers.begin({ key, direction: 'in', conversation: t.conversation, name: t.name, mime: t.mime, size: t.size, from: t.from })
    try {
      await this.#service.retry(t.from, key.slice(`in/${t.from}/`.length))
    } catch (err) {
      if (this.transfers.get(key)?.state === 'active') this.transfers.end(key, 'failed', errorMessage(err))
    }
  }

  /** Adds the stored file, as an object URL, to each message that has one. */
  async attach (messages: ViewMessage[]): Promise<ViewMessage[]> {
    return await this.#previews.attach(messages)
  }
}
