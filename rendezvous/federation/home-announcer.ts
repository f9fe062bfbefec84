// Announces this node in the DHT as the home of the recipients that fetch their mailbox here, so
// senders homed on other nodes deposit here. Each announcement is refreshed at most every
// `refreshMs` per recipient; kad-dht republishes provider records itself in between.
import { homeKey } from '../../protocol/federation/home.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export class HomeAnnouncer {
  readonly #node: ChatNode
  readonly #refreshMs: number
  readonly #log: Logger
  readonly #announced = new Map<string, number>()
  #stopped = false

  constructor (node: ChatNode, refreshMs = 30 * 60_000) {
    this.#node = node
    this.#refreshMs = refreshMs
    this.#log = node.logger.forComponent('babacloud:federation')
  }

  /** Fire and forget: a failed announcement only means remote senders fall back to their own node. */
  announce (recipient: PeerId): void {
    const key = recipient.toString()
    const last = this.#announced.get(key)
    if (this.#stopped || (last != null && Date.now() - last < this.#refreshMs)) return
    this.#announced.set(key, Date.now())
    if (this.#announced.size > 100_000) this.#announced.delete(this.#announced.keys().next().value as string)
    this.#node.contentRouting.provide(homeKey(recipient), { signal: AbortSignal.timeout(30_000) })
      .then(() => { this.#log('announced home of %p', recipient) })
      .catch(err => {
        this.#announced.delete(key)
        this.#log('could not announce home of %p - %e', recipient, err)
      })
  }

  stop (): void {
    this.#stopped = true
  }
}
