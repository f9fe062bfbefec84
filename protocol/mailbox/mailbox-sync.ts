// Takes what waits in this device's mailbox at its home rendezvous: page by page, each envelope
// handed to `receive` (which stores it), then `beforeAck` (receipts are queued durably there), then
// the ack that lets the node delete them. Runs when asked, when the rendezvous connects, and when it
// notifies us of a new deposit. Only a client in receiving mode starts it.
import { TypedEventEmitter } from 'main-event'
import { MAILBOX_NOTIFY_PROTOCOL, MAX_PAGE } from '../constants.ts'
import { verifyEnvelope } from '../crypto/envelope.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { MailboxPage } from './mailbox-client.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/generated/messages.ts'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'

export interface MailboxFetcher {
  fetch(after: bigint, limit: number, options: AbortOptions): Promise<MailboxPage>
  ack(ids: Array<Uint8Array<ArrayBuffer>>, options: AbortOptions): Promise<number>
}

export interface MailboxSyncComponents {
  node: Pick<ChatNode, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener'>
  mailbox: MailboxFetcher
  rendezvousPeer: PeerId
  log: Logger
  /** Stores one envelope; true when it was new. Throwing drops it (acked, never fetched again). */
  receive(envelope: Envelope, header: EnvelopeHeader): Promise<boolean>
  /** Runs after a page is stored and before it is acked. */
  beforeAck?(): Promise<void>
  /** After each sync: a good moment for periodic upkeep (prekeys). */
  afterSync?(): void
}

export interface MailboxSyncEvents {
  synced: CustomEvent<{ received: number }>
}

export class MailboxSync extends TypedEventEmitter<MailboxSyncEvents> {
  readonly #c: MailboxSyncComponents
  #syncing?: Promise<number>
  #again = false
  #started = false

  constructor (components: MailboxSyncComponents) {
    super()
    this.#c = components
  }

  isStarted (): boolean {
    return this.#started
  }

  async start (): Promise<void> {
    if (this.#started) return
    this.#started = true
    await this.#c.node.handle(MAILBOX_NOTIFY_PROTOCOL, (stream, connection) => {
      void stream.close().catch(() => {})
      if (connection.remotePeer.equals(this.#c.rendezvousPeer)) this.#schedule()
    }, { runOnLimitedConnection: true, maxInboundStreams: 4 })
    this.#c.node.addEventListener('connection:open', this.#onConnectionOpen)
  }

  async stop (): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#c.node.removeEventListener('connection:open', this.#onConnectionOpen)
    await this.#c.node.unhandle(MAILBOX_NOTIFY_PROTOCOL).catch(() => {})
    await this.#syncing?.catch(() => {})
  }

  /** Takes every envelope pending at the rendezvous; a sync asked for during one runs it again. */
  async sync (options: AbortOptions = {}): Promise<number> {
    if (this.#syncing != null) {
      this.#again = true
      return await this.#syncing
    }
    this.#syncing = (async () => {
      let total = 0
      try {
        do {
          this.#again = false
          total += await this.#drain(options)
        } while (this.#again && this.#started)
      } finally {
        this.#syncing = undefined
      }
      this.safeDispatchEvent('synced', { detail: { received: total } })
      this.#c.afterSync?.()
      return total
    })()
    return await this.#syncing
  }

  async #drain (options: AbortOptions): Promise<number> {
    const { mailbox, log } = this.#c
    let received = 0
    let after = 0n
    while (true) {
      const page = await mailbox.fetch(after, MAX_PAGE, options)
      const done: Array<Uint8Array<ArrayBuffer>> = []
      for (const env of page.envelopes) {
        try {
          if (await this.#c.receive(env, verifyEnvelope(env))) received++
        } catch (err) {
          // Undeliverable (forged, not for us): acking drops it instead of fetching it forever.
          log.error('dropping a mailbox envelope - %e', err)
        }
        done.push(env.id)
      }
      await this.#c.beforeAck?.()
      await mailbox.ack(done, options)
      after = page.cursor
      if (!page.more) return received
    }
  }

  #schedule (): void {
    if (!this.#started) return
    this.sync().catch(err => { this.#c.log.error('mailbox sync failed - %e', err) })
  }

  readonly #onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    if (evt.detail.remotePeer.equals(this.#c.rendezvousPeer)) this.#schedule()
  }
}
