// One rendezvous node of a simulation: a real RendezvousNode on loopback TCP or the in-process memory
// transport, restartable on the same data directory and address (a message acked as stored must
// survive the restart), or killed for good with its data.
import { VirtualClock } from '../../protocol/clock.ts'
import type { Clock } from '../../protocol/clock.ts'
import { rmSync } from 'node:fs'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { shapedTransport } from './shaped-transport.ts'
import type { SimNetwork } from './network.ts'
import type { ChatNodeTransport } from './shaped-transport.ts'
import type { StoreStats } from '../../rendezvous/storage/store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export type SimTransport = 'tcp' | 'memory'

let memoryRuns = 0

/** Memory addresses are global to the process: every run and node gets its own. */
export function memoryAddressPrefix (): string {
  return `/memory/babacloud-sim-${process.pid}-${++memoryRuns}`
}

export interface SimRendezvousInit {
  index: number
  dataDir: string
  transport: SimTransport
  /** For memory: a prefix from memoryAddressPrefix(). */
  memoryPrefix: string
  /** Expected peers: the node must accept them all at once from one host. */
  peers: number
  /** The scenario's `mailbox.retention`, ms; the node sweeps what expired often enough to see it in a run. */
  retentionMs?: number
  /** The scenario's clock: every expiry, sweep and purge of the node follows it. */
  clock?: Clock
  /** The run's network: the node's dials go through it and peers' dials to it are named `rvN`. */
  network?: SimNetwork
}

export class SimRendezvous {
  readonly index: number
  #node?: RendezvousNode
  #listen: string
  #addr?: Multiaddr
  #bootstrap: string[] = []
  #killed = false
  readonly #init: SimRendezvousInit

  constructor (init: SimRendezvousInit) {
    this.#init = init
    this.index = init.index
    this.#listen = init.transport === 'memory' ? `${init.memoryPrefix}-rv${init.index}` : '/ip4/127.0.0.1/tcp/0'
  }

  /** The address peers dial, including /p2p/; stable across restarts. */
  get addr (): Multiaddr {
    if (this.#addr == null) throw new Error(`rendezvous ${this.index} was never started`)
    return this.#addr
  }

  get running (): boolean {
    return this.#node != null
  }

  /**
   * Housekeeping intervals in scenario time: sweeps often enough to see expiry within a run (a tenth
   * of the retention), but on a fast clock no timer fires more than ~20 times a real second.
   */
  #intervals (): Record<string, number> {
    const speed = this.#init.clock instanceof VirtualClock ? this.#init.clock.speed ?? 1 : 1
    const floor = speed * 50
    const retention = this.#init.retentionMs
    return {
      ...(retention != null ? { sweepInterval: Math.round(Math.max(floor, 500, Math.min(3_600_000, retention / 10))) } : {}),
      ...(speed > 1 ? { blocklistRefreshInterval: Math.round(Math.max(floor, 5_000)), logPurgeInterval: Math.round(Math.max(floor, 3_600_000)) } : {})
    }
  }

  /** Killed: stopped with its data deleted, never to start again. */
  get killed (): boolean {
    return this.#killed
  }

  /** `bootstrap`: other nodes to federate with (one DHT, so home records of peers on several nodes are found). */
  async start (bootstrap?: string[]): Promise<void> {
    if (this.#killed) throw new Error(`rendezvous ${this.index} was killed and never comes back`)
    if (bootstrap != null) this.#bootstrap = bootstrap
    const node = new RendezvousNode({
      dataDir: this.#init.dataDir,
      clock: this.#init.clock,
      config: resolveConfig({
        listen: [this.#listen],
        http: false,
        bootstrap: this.#bootstrap,
        // Every simulated peer may queue many messages while offline; quotas are not under study.
        mailbox: { maxMessages: 100_000, maxBytes: '1gb', ...(this.#init.retentionMs != null ? { retention: this.#init.retentionMs } : {}) },
        ...this.#intervals(),
        relay: { maxReservations: this.#init.peers + 16, dataLimit: '64mb', durationLimit: '1h' }
      }),
      transports: [this.#transport()],
      connectionManager: {
        maxConnections: this.#init.peers * 2 + 64,
        maxIncomingPendingConnections: this.#init.peers + 16,
        // All simulated peers dial from 127.0.0.1; the allow list lifts the per-host rate limit.
        allow: ['/ip4/127.0.0.0/ipcidr/8']
      }
    })
    const info = await node.start()
    this.#node = node
    if (this.#addr == null) {
      this.#addr = multiaddr(info.multiaddrs[0])
      const id = this.#addr.getComponents().findLast(c => c.name === 'p2p')?.value
      if (id != null) this.#init.network?.register(id, `rv${this.index}`)
      // A restart must come back where peers expect it, so pin the port chosen the first time.
      this.#listen = this.#addr.decapsulate('/p2p').toString()
    }
  }

  #transport (): ChatNodeTransport {
    const network = this.#init.network
    const name = `rv${this.index}` as const
    if (this.#init.transport === 'memory') return network != null ? shapedTransport(memory(), network, name) : memory()
    return network != null ? shapedTransport(tcp(), network, name) : tcp()
  }

  async stop (): Promise<void> {
    const node = this.#node
    this.#node = undefined
    await node?.stop()
  }

  /** Stop, stay down for `downForMs`, start again on the same data directory and address. */
  async restart (downForMs: number, onStopped?: () => void): Promise<void> {
    await this.stop()
    onStopped?.()
    const clock = this.#init.clock
    if (downForMs > 0) await new Promise<void>(resolve => { if (clock != null) clock.setTimeout(resolve, downForMs); else setTimeout(resolve, downForMs) })
    await this.start()
  }

  /** Stops the node and deletes its data directory: everything it held is gone for good. */
  async kill (): Promise<void> {
    this.#killed = true
    await this.stop()
    rmSync(this.#init.dataDir, { recursive: true, force: true })
  }

  /**
   * Ids (hex) of the envelopes held for a recipient. The embedded store answers synchronously, so
   * the result reflects the instant of the call even though it arrives as a promise.
   */
  async pendingIds (recipient: string): Promise<Set<string>> {
    const node = this.#node
    if (node == null) return new Set()
    const page = await node.store.fetch(recipient, 0n, 1_000_000)
    return new Set(page.envelopes.map(e => Buffer.from(e.id).toString('hex')))
  }

  /** Undelivered envelopes held right now; undefined while the node is down. */
  async stats (): Promise<StoreStats | undefined> {
    try {
      return await this.#node?.store.stats()
    } catch {
      return undefined
    }
  }
}
