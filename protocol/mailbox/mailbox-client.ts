// Client side of `/babacloud/mailbox/1.0.0`: deposit for an offline recipient, fetch pages, ack.
import { DEFAULT_TIMEOUT_MS, MAILBOX_PROTOCOL, MAX_ACK_IDS, MAX_PAGE, MAX_RESPONSE_BYTES } from '../constants.ts'
import { RequestStream } from '../rpc/request-stream.ts'
import { call } from '../rpc/rpc.ts'
import type { CallTarget } from '../rpc/rpc.ts'
import { MailboxRequest, MailboxResponse } from '../wire/generated/messages.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/generated/messages.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface MailboxPage {
  envelopes: Envelope[]
  cursor: bigint
  more: boolean
}

export interface MailboxClientOptions {
  /**
   * Keep one stream to the rendezvous open for every request (pipelined, reopened after a failure
   * or when idle) instead of a new stream per request. Call close() when done.
   */
  keepStreamOpen?: boolean
  /** With keepStreamOpen: requests written ahead of their answers (default 8). */
  maxInFlight?: number
}

const codecs = { request: MailboxRequest, response: MailboxResponse }

export class MailboxClient {
  readonly #target: CallTarget
  readonly #stream?: RequestStream<MailboxRequest, MailboxResponse>

  constructor (node: ChatNode, rendezvous: PeerId | Multiaddr | Multiaddr[], timeoutMs = DEFAULT_TIMEOUT_MS, options: MailboxClientOptions = {}) {
    this.#target = { node, peer: rendezvous, protocol: MAILBOX_PROTOCOL, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES }
    if (options.keepStreamOpen === true) this.#stream = new RequestStream<MailboxRequest, MailboxResponse>(this.#target, codecs, { maxInFlight: options.maxInFlight })
  }

  async #call (req: Partial<MailboxRequest>, options: AbortOptions): Promise<MailboxResponse> {
    const full: MailboxRequest = { type: MailboxRequest.Type.DEPOSIT, limit: 0, after: 0n, ids: [], ...req }
    if (this.#stream != null) return await this.#stream.call(full, options)
    return await call<MailboxRequest, MailboxResponse>(this.#target, full, codecs, options)
  }

  /** Resolves once the rendezvous has durably stored the envelope. */
  async deposit (envelope: Envelope, options: AbortOptions = {}): Promise<void> {
    await this.#call({ type: MailboxRequest.Type.DEPOSIT, envelope }, options)
  }

  /** Envelopes pending for this peer after `after`, oldest first. */
  async fetch (after = 0n, limit = MAX_PAGE, options: AbortOptions = {}): Promise<MailboxPage> {
    const res = await this.#call({ type: MailboxRequest.Type.FETCH, after, limit }, options)
    return { envelopes: res.envelopes, cursor: res.cursor, more: res.more }
  }

  /**
   * Tells the rendezvous these envelopes are safely stored here; it deletes them, all ids of one
   * request in one transaction. At most MAX_ACK_IDS ids per request: see ackAll for more.
   */
  async ack (ids: Array<Uint8Array<ArrayBuffer>>, options: AbortOptions = {}): Promise<number> {
    if (ids.length === 0) return 0
    const res = await this.#call({ type: MailboxRequest.Type.ACK, ids }, options)
    return res.count
  }

  /** Acks any number of ids in requests of MAX_ACK_IDS each (pipelined on a kept-open stream). */
  async ackAll (ids: Array<Uint8Array<ArrayBuffer>>, options: AbortOptions = {}): Promise<number> {
    const chunks: Array<Array<Uint8Array<ArrayBuffer>>> = []
    for (let i = 0; i < ids.length; i += MAX_ACK_IDS) chunks.push(ids.slice(i, i + MAX_ACK_IDS))
    if (this.#stream != null) {
      const counts = await Promise.all(chunks.map(async chunk => await this.ack(chunk, options)))
      return counts.reduce((a, b) => a + b, 0)
    }
    // One stream per request: one at a time, within the node's inbound stream limit.
    let count = 0
    for (const chunk of chunks) count += await this.ack(chunk, options)
    return count
  }

  /** Closes the kept-open stream, if any; a client without one has nothing to close. */
  async close (options: AbortOptions = {}): Promise<void> {
    await this.#stream?.close(options)
  }
}
