// A transport wrapper for simulations: wraps memory() or tcp() and passes the bytes of each raw
// connection it dials through the run's SimNetwork, which delays them (latency, jitter, bandwidth,
// retransmissions of lost segments), cuts them when a partition begins and holds new dials across one. The dialling side shapes both
// directions of its connections: in a run only rendezvous nodes listen, and the dialler always
// knows which node it dialled (the address's /p2p/ part), where a listener only learns it after
// the encryption handshake.
import { ConnectionFailedError, serviceCapabilities, transportSymbol } from '@libp2p/interface'
import { AbstractMultiaddrConnection } from '@libp2p/utils'
import type { DirectedLink, SimNetwork } from './network.ts'
import type { NodeName } from './scenario.ts'
import type { CreateChatNodeOptions } from '../../protocol/mesh/create-node.ts'
import type { Clock, TimerHandle } from '../../protocol/clock.ts'
import type { AbortOptions, Connection, MultiaddrConnection, StreamCloseEvent, StreamMessageEvent, Transport, Upgrader } from '@libp2p/interface'
import type { SendResult } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Bytes a direction may hold in flight before the writer is told to wait (bounded memory under a bandwidth cap). */
const HIGH_WATER_BYTES = 256 * 1024
/** Largest piece a write is cut into on the link (about a TCP send window's worth of segments). */
const CHUNK_BYTES = 16 * 1024

interface Item {
  at: number
  bytes: number
  /** Delivers the item; false when the receiver must drain first. */
  run: () => boolean
}

/** One direction of one connection: a FIFO released at each item's arrival time, in order. */
class Pipe {
  readonly #link: DirectedLink
  readonly #clock: Clock
  readonly #onProgress: () => void
  #queue: Item[] = []
  #lastAt = 0
  #timer?: TimerHandle
  #blocked = false
  queuedBytes = 0

  constructor (link: DirectedLink, clock: Clock, onProgress: () => void) {
    this.#link = link
    this.#clock = clock
    this.#onProgress = onProgress
  }

  get empty (): boolean {
    return this.#queue.length === 0
  }

  /** `bytes` 0 for a close or reset: it travels behind the data before it, one latency later. */
  push (bytes: number, run: () => boolean): void {
    const now = this.#clock.now()
    // A byte stream arrives in order: nothing overtakes what was sent before it.
    const at = Math.max(this.#lastAt, this.#link.shaped ? this.#link.arrival(bytes, now) : now)
    this.#lastAt = at
    this.#queue.push({ at, bytes, run })
    this.queuedBytes += bytes
    if (this.#queue.length === 1 && at <= now && !this.#blocked) this.#flush()
    else this.#arm()
  }

  resume (): void {
    if (!this.#blocked) return
    this.#blocked = false
    this.#flush()
  }

  clear (): void {
    this.#queue = []
    this.queuedBytes = 0
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm (): void {
    if (this.#timer != null || this.#blocked || this.#queue.length === 0) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      this.#flush()
    }, Math.max(0, this.#queue[0].at - this.#clock.now()))
  }

  #flush (): void {
    const now = this.#clock.now()
    while (this.#queue.length > 0 && this.#queue[0].at <= now && !this.#blocked) {
      const item = this.#queue.shift() as Item
      this.queuedBytes -= item.bytes
      if (!item.run()) this.#blocked = true
    }
    this.#onProgress()
    this.#arm()
  }
}

/** A raw connection seen through the network: what the upgrader (Noise, yamux) reads and writes. */
class ShapedConnection extends AbstractMultiaddrConnection {
  readonly #inner: MultiaddrConnection
  readonly #out: Pipe
  readonly #in: Pipe
  readonly #idle: Array<() => void> = []
  #innerClosing = false
  #innerPaused = false
  #needsDrain = false

  constructor (inner: MultiaddrConnection, out: DirectedLink, back: DirectedLink, clock: Clock) {
    // Writes cross the link in chunks of at most CHUNK_BYTES, so a large write arrives progressively.
    super({ remoteAddr: inner.remoteAddr, direction: inner.direction, log: inner.log.newScope('shaped'), maxMessageSize: CHUNK_BYTES })
    this.#inner = inner
    this.#out = new Pipe(out, clock, () => { this.#outProgress() })
    this.#in = new Pipe(back, clock, () => { this.#inProgress() })
    inner.addEventListener('message', (evt: StreamMessageEvent) => {
      const data = evt.data
      this.#in.push(data.byteLength, () => { this.onData(data); return true })
      if (this.#in.queuedBytes > HIGH_WATER_BYTES && !this.#innerPaused) {
        this.#innerPaused = true
        try { inner.pause() } catch {}
      }
    })
    inner.addEventListener('remoteCloseWrite', () => {
      this.#in.push(0, () => { this.onRemoteCloseWrite(); return true })
    })
    inner.addEventListener('drain', () => { this.#out.resume() })
    inner.addEventListener('close', (evt: StreamCloseEvent) => {
      // Our own close or reset: already handled on this side.
      if (this.#innerClosing) return
      const error = evt.error
      this.#in.push(0, () => {
        if (error != null) this.abort(error)
        else this.onTransportClosed()
        return true
      })
    })
  }

  sendData (data: Uint8ArrayList): SendResult {
    this.#out.push(data.byteLength, () => {
      try {
        return this.#inner.send(data)
      } catch (err) {
        this.abort(err as Error)
        return true
      }
    })
    const canSendMore = this.#out.queuedBytes < HIGH_WATER_BYTES
    if (!canSendMore) this.#needsDrain = true
    return { sentBytes: data.byteLength, canSendMore }
  }

  async sendClose (options?: AbortOptions): Promise<void> {
    // A close follows the data still on its way.
    if (!this.#out.empty) {
      await new Promise<void>((resolve, reject) => {
        this.#idle.push(resolve)
        options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
      })
    }
    this.#innerClosing = true
    this.#in.clear()
    await this.#inner.close(options)
  }

  sendReset (err: Error): void {
    this.#innerClosing = true
    this.#out.clear()
    this.#in.clear()
    // A close waiting for data that will never leave now has nothing to wait for.
    for (const resolve of this.#idle.splice(0)) resolve()
    this.#inner.abort(err)
  }

  sendPause (): void {
    try { this.#inner.pause() } catch {}
  }

  sendResume (): void {
    try { this.#inner.resume() } catch {}
  }

  #outProgress (): void {
    if (this.#needsDrain && this.#out.queuedBytes < HIGH_WATER_BYTES) {
      this.#needsDrain = false
      this.safeDispatchEvent('drain')
    }
    if (this.#out.empty) for (const resolve of this.#idle.splice(0)) resolve()
  }

  #inProgress (): void {
    if (this.#innerPaused && this.#in.queuedBytes < HIGH_WATER_BYTES / 2) {
      this.#innerPaused = false
      try { this.#inner.resume() } catch {}
    }
  }
}

type TransportFactory<C> = (components: C) => Transport

/** One entry of a node's `transports` list. */
export type ChatNodeTransport = CreateChatNodeOptions['transports'][number]

/**
 * `inner` (memory() or tcp()) as node `self` of the run's network sees it. Dials to a node of the
 * run get no answer while a partition separates the two, cost a round trip (TCP's handshake), and carry
 * their bytes through the network; dials elsewhere and listening are the inner transport's own.
 */
export function shapedTransport<C> (inner: TransportFactory<C>, network: SimNetwork, self: NodeName): TransportFactory<C> {
  return (components: C): Transport => {
    const t = inner(components)
    const clock = network.clock
    const upgraderTo = (upgrader: Upgrader, remote: NodeName): Upgrader => ({
      upgradeOutbound: (async (maConn: MultiaddrConnection, opts: Parameters<Upgrader['upgradeOutbound']>[1]): Promise<Connection> => {
        const out = network.link(self, remote)
        const back = network.link(remote, self)
        const rtt = out.conditions.latencyMs + back.conditions.latencyMs
        if (rtt > 0) await new Promise<void>(resolve => { clock.setTimeout(resolve, rtt) })
        // A partition that began while the connection was being set up cuts it at once.
        if (!network.reachable(self, remote)) throw new ConnectionFailedError(`network partition between ${self} and ${remote}`)
        const shaped = new ShapedConnection(maConn, out, back, clock)
        const untrack = network.track(self, remote, err => { shaped.abort(err) })
        shaped.addEventListener('close', untrack)
        return await upgrader.upgradeOutbound(shaped, opts as Parameters<Upgrader['upgradeOutbound']>[1] & { skipEncryption?: false })
      }) as Upgrader['upgradeOutbound'],
      upgradeInbound: upgrader.upgradeInbound.bind(upgrader),
      createInboundAbortSignal: upgrader.createInboundAbortSignal.bind(upgrader),
      getStreamMuxers: upgrader.getStreamMuxers.bind(upgrader),
      getConnectionEncrypters: upgrader.getConnectionEncrypters.bind(upgrader)
    })
    const shaped = {
      [transportSymbol]: true,
      [Symbol.toStringTag]: t[Symbol.toStringTag],
      [serviceCapabilities]: (t as unknown as Record<symbol, unknown>)[serviceCapabilities],
      dial: async (ma, options) => {
        const remote = network.nameOf(ma)
        if (remote == null) return await t.dial(ma, options)
        await network.route(self, remote, options.signal)
        return await t.dial(ma, { ...options, upgrader: upgraderTo(options.upgrader, remote) })
      },
      createListener: options => t.createListener(options),
      listenFilter: mas => t.listenFilter(mas),
      dialFilter: mas => t.dialFilter(mas)
    } satisfies Transport & { [serviceCapabilities]: unknown }
    return shaped
  }
}
