// PeerIds and address prefixes the operator blocked (`babacloud admin block`). They live in the
// accounts database, so every instance on it and `admin` on the command line see the same list; a
// running node re-reads it every few seconds and drops connections that became blocked.
import ipaddr from 'ipaddr.js'
import { systemClock } from '../../protocol/clock.ts'
import type { Connection } from '@libp2p/interface'
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import type { BlockKind, BlockRecord } from '../accounts/account-store.ts'

export class BlockValueError extends Error {
  static readonly code = 'BAD_BLOCK'
  readonly code = 'BAD_BLOCK'
  constructor (message: string) {
    super(message)
    this.name = 'BlockValueError'
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number]

/** The prefix in canonical form (`10.1.0.0/16`, `2001:db8::/32`); a bare address is a /32 or /128. */
export function canonicalPrefix (text: string): string {
  const value = text.includes('/') ? text : `${text}/${ipaddr.IPv4.isValid(text) ? 32 : 128}`
  let range: Range
  try {
    range = ipaddr.parseCIDR(value)
  } catch {
    throw new BlockValueError(`${text} is not an IP address or CIDR prefix (e.g. 203.0.113.0/24 or 2001:db8::/32)`)
  }
  const [addr, bits] = range
  // Host bits cleared, so 10.1.2.3/16 and 10.1.0.0/16 are one block.
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value)
  return `${network.toString()}/${bits}`
}

export interface BlocklistSource {
  listBlocks(): Promise<BlockRecord[]>
}

export interface BlocklistOptions {
  source: BlocklistSource
  /** How often the list is re-read, ms (config `blocklistRefreshInterval`). */
  refreshMs: number
  /** Times the re-reads (default: real time). */
  clock?: Clock
  /** Called after each re-read that changed the list, e.g. to close connections now blocked. */
  onChange?: () => void
  /** Called when a read fails; the previous list stays in force. */
  onError?: (err: unknown) => void
}

export class Blocklist {
  #peers = new Set<string>()
  #ranges: Range[] = []
  #signature = ''
  #timer?: TimerHandle
  readonly #options: BlocklistOptions
  readonly #clock: Clock

  constructor (options: BlocklistOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  /** Reads the list once (a failure here stops the start), then keeps it current. */
  async start (): Promise<void> {
    await this.refresh()
    this.#timer = this.#clock.setInterval(() => { this.refresh().catch(err => this.#options.onError?.(err)) }, this.#options.refreshMs)
    this.#timer.unref?.()
  }

  /**
   * Aborts `conn` when the list covers its peer or address (the gater refuses new connections;
   * this ends those open before the block). The kind of block, or undefined.
   */
  refuse (conn: Pick<Connection, 'remotePeer' | 'remoteAddr' | 'abort'>): 'peer' | 'prefix' | undefined {
    const ip = conn.remoteAddr.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value
    const kind = this.peerBlocked(conn.remotePeer.toString()) ? 'peer' : ip != null && this.addressBlocked(ip) ? 'prefix' : undefined
    if (kind != null) conn.abort(new Error('blocked by the operator'))
    return kind
  }

  stop (): void {
    this.#clock.clearInterval(this.#timer)
  }

  async refresh (): Promise<void> {
    const blocks = await this.#options.source.listBlocks()
    const signature = blocks.map(b => `${b.kind} ${b.value}`).join('\n')
    if (signature === this.#signature) return
    this.#signature = signature
    this.#peers = new Set(blocks.filter(b => b.kind === 'peer').map(b => b.value))
    this.#ranges = blocks.filter(b => b.kind === 'prefix').flatMap(b => {
      try {
        return [ipaddr.parseCIDR(b.value)]
      } catch {
        return []
      }
    })
    this.#options.onChange?.()
  }

  get size (): Record<BlockKind, number> {
    return { peer: this.#peers.size, prefix: this.#ranges.length }
  }

  peerBlocked (peerId: string): boolean {
    return this.#peers.has(peerId)
  }

  addressBlocked (ip: string): boolean {
    if (this.#ranges.length === 0) return false
    let addr: ipaddr.IPv4 | ipaddr.IPv6
    try {
      // An IPv4-mapped IPv6 address is matched as the IPv4 address it is.
      addr = ipaddr.process(ip)
    } catch {
      return false
    }
    return this.#ranges.some(range => range[0].kind() === addr.kind() && addr.match(range))
  }
}
