// Client side of `/babacloud/group-relay/1.0.0`: proves to the home rendezvous that this device holds
// the topic secrets of its groups, so the node relays those topics for it (and for nobody else).
import { ErrorCode, ProtocolError } from '../errors.ts'
import { request } from '../rpc/rpc.ts'
import { GROUP_RELAY_PROTOCOL, MAX_PROOFS_PER_REQUEST } from './constants.ts'
import { RelayJoinRequest, RelayJoinResponse, RelayJoinStatus } from './generated/groups.ts'
import type { TopicProof } from './generated/groups.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export { RelayJoinStatus }

export interface RelayJoinOutcome {
  topic: string
  status: RelayJoinStatus
  message: string
}

const MAX_RESPONSE_BYTES = 64 * 1024

export class RelayClient {
  readonly #node: ChatNode
  readonly #rendezvous: PeerId | Multiaddr
  readonly #timeoutMs: number

  constructor (node: ChatNode, rendezvous: PeerId | Multiaddr, timeoutMs: number) {
    this.#node = node
    this.#rendezvous = rendezvous
    this.#timeoutMs = timeoutMs
  }

  /** One outcome per proof; a refused request throws a ProtocolError. */
  async join (proofs: TopicProof[], options: AbortOptions = {}): Promise<RelayJoinOutcome[]> {
    const out: RelayJoinOutcome[] = []
    for (let i = 0; i < proofs.length; i += MAX_PROOFS_PER_REQUEST) {
      const signal = options.signal ?? AbortSignal.timeout(this.#timeoutMs)
      const stream = await this.#node.dialProtocol(this.#rendezvous, GROUP_RELAY_PROTOCOL, { signal })
      const res = await request(stream, { proofs: proofs.slice(i, i + MAX_PROOFS_PER_REQUEST) }, { request: RelayJoinRequest, response: RelayJoinResponse }, { signal, maxResponseBytes: MAX_RESPONSE_BYTES })
      if (res.error !== RelayJoinStatus.ACCEPTED) throw new ProtocolError(ErrorCode.UNAUTHORIZED, `group relay refused the request: ${res.errorMessage}`)
      out.push(...(res.results ?? []).map(r => ({ topic: r.topic, status: r.status, message: r.message })))
    }
    return out
  }
}
