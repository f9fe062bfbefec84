// The two halves of a pipelined mailbox drain: pages fetched ahead of the one being stored (a
// bounded number, so memory stays bounded), and acks sent in batches once the pages they cover are
// committed locally, without waiting for each answer before taking the next page.
import { MAX_ACK_IDS } from '../constants.ts'
import type { MailboxPage } from './mailbox-client.ts'

/** Pages requested ahead of the one being stored: at most this many + 1 pages are held at once. */
export const PREFETCH_PAGES = 2
/** Ack requests sent and not yet answered before the drain waits for the oldest. */
export const ACKS_IN_FLIGHT = 2

/**
 * Hands out a mailbox's pages in order while keeping `depth` further pages requested. Each request
 * needs the cursor of the page before it, so it goes out as soon as that page arrives; a failed
 * request fails every later one, and none is left unhandled when the caller stops early.
 */
export class PagePipeline {
  readonly #fetch: (after: bigint) => Promise<MailboxPage>
  readonly #depth: number
  readonly #ahead: Array<Promise<MailboxPage | undefined>> = []
  #tail?: Promise<MailboxPage | undefined>

  constructor (fetch: (after: bigint) => Promise<MailboxPage>, depth = PREFETCH_PAGES) {
    this.#fetch = fetch
    this.#depth = depth
  }

  /** The next page, or undefined after the last one. */
  async next (): Promise<MailboxPage | undefined> {
    while (this.#ahead.length < this.#depth + 1) this.#request()
    return await this.#ahead.shift()
  }

  #request (): void {
    const previous = this.#tail
    const request = previous == null
      ? this.#fetch(0n)
      : previous.then(async page => page?.more === true ? await this.#fetch(page.cursor) : undefined)
    request.catch(() => {})
    this.#tail = request
    this.#ahead.push(request)
  }
}

/**
 * Collects the ids of envelopes whose messages are committed locally and acks them in requests of
 * up to `batch` ids, at most `maxInFlight` unanswered at once. A failed ack is thrown by the next
 * add or by flush.
 */
export class AckBatcher {
  readonly #send: (ids: Array<Uint8Array<ArrayBuffer>>) => Promise<number>
  readonly #batch: number
  readonly #maxInFlight: number
  readonly #waiting: Array<Uint8Array<ArrayBuffer>> = []
  readonly #inFlight: Array<Promise<number>> = []
  #acked = 0

  constructor (send: (ids: Array<Uint8Array<ArrayBuffer>>) => Promise<number>, options: { batch?: number, maxInFlight?: number } = {}) {
    this.#send = send
    this.#batch = options.batch ?? MAX_ACK_IDS
    this.#maxInFlight = options.maxInFlight ?? ACKS_IN_FLIGHT
  }

  /** How many envelopes the node said it deleted so far. */
  get acked (): number {
    return this.#acked
  }

  /** Only for ids whose messages the local store has committed. */
  async add (ids: Array<Uint8Array<ArrayBuffer>>): Promise<void> {
    this.#waiting.push(...ids)
    while (this.#waiting.length >= this.#batch) this.#sendNow(this.#waiting.splice(0, this.#batch))
    while (this.#inFlight.length > this.#maxInFlight) await this.#settleOldest()
  }

  /** Sends what waits and resolves once every ack is answered. */
  async flush (): Promise<void> {
    if (this.#waiting.length > 0) this.#sendNow(this.#waiting.splice(0))
    while (this.#inFlight.length > 0) await this.#settleOldest()
  }

  #sendNow (ids: Array<Uint8Array<ArrayBuffer>>): void {
    const sent = this.#send(ids)
    sent.catch(() => {})
    this.#inFlight.push(sent)
  }

  async #settleOldest (): Promise<void> {
    const oldest = this.#inFlight.shift()
    if (oldest != null) this.#acked += await oldest
  }
}
