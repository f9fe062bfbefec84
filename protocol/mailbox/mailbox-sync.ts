// Takes what waits in this device's mailbox at each of its home rendezvous nodes (one after the
// other, so a copy held by two homes is stored once and then only acked), pipelined on one kept-open
// stream: while one page is opened and stored (one local transaction per page), the next ones are
// already requested; once a page is committed here and `beforeAck` has run (receipts are queued
// durably there), its ids join the next batched ack that lets the node delete them. Nothing is acked
// before the local store committed it; a crash in between means a re-fetch that the store
// deduplicates. Runs when asked, when the rendezvous connects, and when it notifies us of a new
// deposit. Only a client in receiving mode starts it.
import { TypedEventEmitter } from 'main-event'
import { MAILBOX_NOTIFY_PROTOCOL, MAX_PAGE } from '../constants.ts'
import { verifyEnvelope } from '../crypto/envelope.ts'
import { StoreWriteError } from '../store/chat-store.ts'
import { Envelope } from '../wire/generated/messages.ts'
import { AckBatcher, PagePipeline } from './mailbox-pipeline.ts'
import { PurgeReceiptError } from './purge-receipt.ts'
import type { MailboxPage } from './mailbox-client.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { CheckedEnvelope } from '../crypto/envelope-batch.ts'
import type { InboundBatch } from '../messages/inbound.ts'
import type { AbortOptions, Connection, Logger, PeerId } from '@libp2p/interface'

export interface MailboxFetcher {
  fetch(after: bigint, limit: number, options: AbortOptions): Promise<MailboxPage>
  ack(ids: Array<Uint8Array<ArrayBuffer>>, options: AbortOptions): Promise<number>
  /** Ends the fetcher's stream, if it keeps one open. */
  close?(): Promise<void>
}

/** One home rendezvous this device drains. */
export interface MailboxHome {
  peer: PeerId
  /** The mailbox for one sync (a kept-open stream: requests pipelined), closed when it ends. */
  open(): MailboxFetcher
}

export interface MailboxSyncComponents {
  node: Pick<ChatNode, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener'>
  /** Every home, primary first; each copy of an envelope is acked where it was held. */
  homes: MailboxHome[]
  log: Logger
  /**
   * A batch for one page: each envelope goes through its `receive` (throwing drops that envelope:
   * acked, never fetched again, except StoreWriteError), then `commit` stores the page's messages
   * in one transaction (a StoreWriteError there acks nothing of the page).
   */
  batch(): InboundBatch
  /**
   * A PURGE_RECEIPT envelope from the node `home`: verifies and records it. A PurgeReceiptError
   * drops it (acked, nothing kept); a StoreWriteError stops the sync before the page is acked.
   */
  purgeReceipt?(env: Envelope, home: PeerId): Promise<void>
  /**
   * Checks a page's envelopes as it arrives (signatures, sealed boxes; see `checkEnvelopes`), while
   * the pages before it are stored. Without it each envelope is checked when its turn comes.
   */
  check?(envs: Envelope[]): Promise<CheckedEnvelope[] | undefined>
  /** Runs after a page is stored and before it is acked. */
  beforeAck?(): Promise<void>
  /** After each sync: a good moment for periodic upkeep (prekeys). */
  afterSync?(): void
}

export interface MailboxSyncEvents {
  synced: CustomEvent<{ received: number }>
  /** A purge receipt failed verification and was dropped. */
  'purge-refused': CustomEvent<PurgeReceiptError>
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
      if (this.#isHome(connection.remotePeer)) this.#schedule()
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

  #isHome (peer: PeerId): boolean {
    return this.#c.homes.some(h => h.peer.equals(peer))
  }

  /**
   * Takes every envelope pending at every home; a sync asked for during one runs it again. A home
   * that fails is skipped while another answers (a node can be gone for good); it fails only when
   * every home failed.
   */
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
          total += await this.#drainAll(options)
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

  async #drainAll (options: AbortOptions): Promise<number> {
    let received = 0
    let firstErr: unknown
    let failed = 0
    for (const home of this.#c.homes) {
      try {
        received += await this.#drain(home, options)
      } catch (err) {
        if (err instanceof StoreWriteError || options.signal?.aborted === true) throw err
        this.#c.log('mailbox at %p could not be drained - %e', home.peer, err)
        firstErr ??= err
        failed++
      }
    }
    if (failed === this.#c.homes.length && failed > 0) throw firstErr
    return received
  }

  async #drain (home: MailboxHome, options: AbortOptions): Promise<number> {
    const mailbox = home.open()
    // A page's check starts when it arrives (at most PREFETCH_PAGES + 1 pages are held), while the
    // pages before it are stored. Taking over a check that is late wastes the pool's work on a page
    // this thread then checks too (measured: the pool fell behind for good), so its turn waits.
    const checks = new WeakMap<MailboxPage, Promise<CheckedEnvelope[] | undefined>>()
    const pages = new PagePipeline(async after => {
      const page = await mailbox.fetch(after, MAX_PAGE, options)
      if (this.#c.check != null) checks.set(page, this.#c.check(page.envelopes).catch(err => { this.#c.log('checking a page off the main thread failed - %e', err); return undefined }))
      return page
    })
    const acks = new AckBatcher(async ids => await mailbox.ack(ids, options))
    let received = 0
    try {
      for (let page = await pages.next(); page != null; page = await pages.next()) {
        received += await this.#store(page, home.peer, await checks.get(page))
        await this.#c.beforeAck?.()
        await acks.add(page.envelopes.map(env => env.id))
      }
      await acks.flush()
    } catch (err) {
      // What is committed here may still be acked (a re-fetch would only be deduplicated).
      await acks.flush().catch(() => {})
      throw err
    } finally {
      await mailbox.close?.().catch(() => {})
    }
    return received
  }

  /** Opens a page's envelopes in order and commits its messages; how many were new. */
  async #store (page: MailboxPage, home: PeerId, checked?: CheckedEnvelope[]): Promise<number> {
    const batch = this.#c.batch()
    for (const [i, env] of page.envelopes.entries()) {
      try {
        if (env.kind === Envelope.Kind.PURGE_RECEIPT) {
          await this.#purgeReceipt(env, home)
          continue
        }
        const check = checked?.[i]
        if (check === undefined) {
          await batch.receive(env, verifyEnvelope(env))
          continue
        }
        if (check.header instanceof Error) throw check.header
        await batch.receive(env, check.header, check.payload)
      } catch (err) {
        if (err instanceof StoreWriteError) throw err
        // Undeliverable (forged, not for us): acking drops it instead of fetching it forever.
        this.#c.log.error('dropping a mailbox envelope - %e', err)
      }
    }
    return await batch.commit()
  }

  async #purgeReceipt (env: Envelope, home: PeerId): Promise<void> {
    try {
      await this.#c.purgeReceipt?.(env, home)
    } catch (err) {
      if (err instanceof PurgeReceiptError) this.safeDispatchEvent('purge-refused', { detail: err })
      throw err
    }
  }

  #schedule (): void {
    if (!this.#started) return
    this.sync().catch(err => { this.#c.log.error('mailbox sync failed - %e', err) })
  }

  readonly #onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    if (this.#isHome(evt.detail.remotePeer)) this.#schedule()
  }
}
