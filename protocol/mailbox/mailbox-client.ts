// Client side of `/babacloud/mailbox/1.0.0`: deposit for an offline recipient, fetch pages, ack.
import { DEFAULT_TIMEOUT_MS, MAILBOX_PROTOCOL, MAX_PAGE, MAX_RESPONSE_BYTES } from '../constants.ts'
import { call } from '../rpc/rpc.ts'
import type { CallTarget } from '../rpc/rpc.ts'
import { MailboxRequest, MailboxResponse } from '../wire/messages.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Envelope } from '../wire/messages.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface MailboxPage {
  envelopes: Envelope[]
  cursor: bigint
  more: boolean
}

export class MailboxClient {
  readonly #target: CallTarget

  constructor (node: ChatNode, rendezvous: PeerId | Multiaddr | Multiaddr[], timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.#target = { node, peer: rendezvous, protocol: MAILBOX_PROTOCOL, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES }
  }

  async #call (req: Partial<MailboxRequest>, options: AbortOptions): Promise<MailboxResponse> {
    return await call<MailboxRequest, MailboxResponse>(this.#target, { type: MailboxRequest.Type.DEPOSIT, limit: 0, after: 0n, ids: [], ...req }, { request: MailboxRequest, response: MailboxResponse }, options)
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

  /** Tells the rendezvous these envelopes are safely stored here; it deletes them. */
  async ack (ids: Array<Uint8Array<ArrayBuffer>>, options: AbortOptions = {}): Promise<number> {
    if (ids.length === 0) return 0
    const res = await this.#call({ type: MailboxRequest.Type.ACK, ids }, options)
    return res.count
  }
}
