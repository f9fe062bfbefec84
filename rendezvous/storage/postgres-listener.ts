// LISTEN side of PostgresStore's deposit notifications: one dedicated connection per store (a
// LISTEN ends when its session does, so it cannot live on a pooled client), reconnected if it drops.
import pg from 'pg'
import type { DepositListener } from './store.ts'

const MIN_RETRY_MS = 100
const MAX_RETRY_MS = 5_000
/** Bounds the catch-up after a reconnect; anyone beyond it is woken by their next sync instead. */
const MAX_CATCH_UP = 10_000

export class DepositChannel {
  /** Payload `<seq>:<recipient>`, sent by the depositing transaction with pg_notify. */
  static readonly CHANNEL = 'babacloud_deposit'
  /** Lets operators (and tests) tell this session apart in pg_stat_activity. */
  static readonly APPLICATION_NAME = 'babacloud-rendezvous-listen'

  readonly #config: pg.ClientConfig
  readonly #listeners = new Set<DepositListener>()
  #client?: pg.Client
  #connecting?: Promise<void>
  #retry?: ReturnType<typeof setTimeout>
  #retryMs = MIN_RETRY_MS
  /** Highest seq this channel has accounted for; deposits above it after a gap are replayed. */
  #highWater?: bigint
  #closed = false

  constructor (connection: string | pg.PoolConfig) {
    const base: pg.ClientConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection }
    // Keepalive: an idle LISTEN session is the one connection that would not notice a silent drop.
    this.#config = { connectionTimeoutMillis: 10_000, ...base, keepAlive: true, application_name: DepositChannel.APPLICATION_NAME }
  }

  async subscribe (listener: DepositListener): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('deposit channel is closed')
    const entry: DepositListener = recipient => { listener(recipient) }
    this.#listeners.add(entry)
    try {
      await this.#ensureConnected()
    } catch (err) {
      this.#listeners.delete(entry)
      throw err
    }
    return async () => {
      this.#listeners.delete(entry)
      if (this.#listeners.size === 0) await this.#disconnect()
    }
  }

  async close (): Promise<void> {
    this.#closed = true
    this.#listeners.clear()
    await this.#disconnect()
  }

  async #ensureConnected (): Promise<void> {
    if (this.#client != null) return
    this.#connecting ??= this.#connect().finally(() => { this.#connecting = undefined })
    await this.#connecting
  }

  async #connect (): Promise<void> {
    const client = new pg.Client(this.#config)
    client.on('notification', msg => { this.#onNotification(msg.payload) })
    // 'error' and 'end' both may fire for one drop; #dropped ignores a client it no longer holds.
    client.on('error', () => { this.#dropped(client) })
    client.on('end', () => { this.#dropped(client) })
    try {
      await client.connect()
      await client.query(`LISTEN ${DepositChannel.CHANNEL}`)
      // Read after LISTEN, so every deposit is either in this query or notified later.
      const gap = this.#highWater
      if (gap == null) {
        const { rows } = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM envelopes')
        this.#highWater = BigInt(rows[0].seq ?? 0)
      } else {
        await this.#catchUp(client, gap)
      }
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    if (this.#closed || this.#listeners.size === 0) {
      await client.end().catch(() => {})
      return
    }
    this.#client = client
    this.#retryMs = MIN_RETRY_MS
  }

  /**
   * Wakes recipients of deposits committed while we were not listening. Best effort: a deposit
   * holding a lower seq that commits inside the gap is missed, which only delays its delivery to
   * the recipient's next sync.
   */
  async #catchUp (client: pg.Client, after: bigint): Promise<void> {
    const { rows } = await client.query<{ recipient: string, seq: string }>(
      'SELECT recipient, max(seq) AS seq FROM envelopes WHERE seq > $1 GROUP BY recipient ORDER BY max(seq) LIMIT $2', [after, MAX_CATCH_UP])
    for (const row of rows) this.#deliver(BigInt(row.seq), row.recipient)
  }

  #onNotification (payload: string | undefined): void {
    const colon = payload?.indexOf(':') ?? -1
    if (payload == null || colon <= 0) return
    let seq: bigint
    try {
      seq = BigInt(payload.slice(0, colon))
    } catch {
      return // someone else's NOTIFY on our channel name
    }
    this.#deliver(seq, payload.slice(colon + 1))
  }

  #deliver (seq: bigint, recipient: string): void {
    if (this.#highWater == null || seq > this.#highWater) this.#highWater = seq
    for (const listener of this.#listeners) {
      // A throwing listener must not stop the others or the connection's event loop.
      try { listener(recipient) } catch {}
    }
  }

  #dropped (client: pg.Client): void {
    if (this.#client !== client) return
    this.#client = undefined
    client.end().catch(() => {})
    this.#scheduleReconnect()
  }

  #scheduleReconnect (): void {
    if (this.#closed || this.#listeners.size === 0 || this.#retry != null) return
    const delay = this.#retryMs
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS)
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#ensureConnected().catch(() => { this.#scheduleReconnect() })
    }, delay)
    // A pending reconnect must not keep a finished process alive.
    this.#retry.unref()
  }

  async #disconnect (): Promise<void> {
    clearTimeout(this.#retry)
    this.#retry = undefined
    await this.#connecting?.catch(() => {})
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => {})
  }
}
