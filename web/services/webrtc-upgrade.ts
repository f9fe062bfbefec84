// Upgrades a chat with another browser from the relayed connection to WebRTC, signalled through the
// rendezvous relay. Whether to try is the protocol's route decision (`ChatClient.route`); this only
// dials. One retry: about one dial in ten between two headless Chromium tabs stalls after
// the ICE candidates arrive, and an immediate retry has always succeeded (STACK.md).
import { multiaddr } from '@multiformats/multiaddr'
import { connectionPath } from '../../protocol/delivery/path.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { PeerId } from '@libp2p/interface'

/** Per attempt; a healthy dial takes about 120 ms plus the relay round trips. */
const ATTEMPT_TIMEOUT_MS = 5_000
const ATTEMPTS = 2

export function hasWebRTC (node: ChatNode, peer: PeerId): boolean {
  return node.getConnections(peer).some(c => c.status === 'open' && connectionPath(c) === 'webrtc')
}

export class WebRTCUpgrader {
  readonly #node: ChatNode
  readonly #rendezvous: string
  readonly #pending = new Map<string, { result: Promise<boolean>, abort: AbortController }>()

  constructor (node: ChatNode, rendezvous: string) {
    this.#node = node
    this.#rendezvous = rendezvous
  }

  /** True once a WebRTC connection to `peer` is open; false when it could not be made (the caller falls back). */
  async upgrade (peer: PeerId): Promise<boolean> {
    if (hasWebRTC(this.#node, peer)) return true
    const key = peer.toString()
    const pending = this.#pending.get(key)
    if (pending != null) return await pending.result
    const abort = new AbortController()
    const result = this.#dial(peer, abort.signal).finally(() => this.#pending.delete(key))
    this.#pending.set(key, { result, abort })
    return await result
  }

  /** Like upgrade(), but gives up after `ms` so a send is not held up by a slow dial. */
  async upgradeWithin (peer: PeerId, ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const upgraded = await Promise.race([
      this.upgrade(peer),
      new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
    ])
    clearTimeout(timer)
    if (!upgraded) this.cancel(peer)
    return upgraded
  }

  /**
   * Gives up a pending upgrade. Needed before any other dial to the peer: libp2p joins every dial to
   * a peer onto the one in progress, so a stalled WebRTC dial would hold the relayed fallback too.
   */
  cancel (peer: PeerId): void {
    this.#pending.get(peer.toString())?.abort.abort()
  }

  async #dial (peer: PeerId, cancelled: AbortSignal): Promise<boolean> {
    const target = multiaddr(`${this.#rendezvous}/p2p-circuit/webrtc/p2p/${peer.toString()}`)
    for (let i = 0; i < ATTEMPTS && !cancelled.aborted; i++) {
      try {
        const signal = AbortSignal.any([cancelled, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)])
        const connection = await this.#node.dial(target, { signal })
        if (connectionPath(connection) === 'webrtc') return true
      } catch {
        // Offline peers fail fast at the relay (no reservation); stalls end at the attempt timeout.
      }
      if (hasWebRTC(this.#node, peer)) return true
    }
    return false
  }
}
