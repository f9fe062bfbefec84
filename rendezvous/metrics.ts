// Prometheus metrics of one rendezvous node (its own registry: several nodes may share a process).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { RendezvousStore } from './storage/store.ts'

export class RendezvousMetrics {
  readonly registry = new Registry()
  readonly requests: Counter<'protocol' | 'type' | 'outcome'>
  readonly connections: Gauge
  readonly limitHits: Counter<'limit'>
  readonly blocked: Counter<'kind'>
  readonly purgeReceiptsDropped: Counter<'reason'>

  constructor (options: { store: RendezvousStore, connectionCount(): number, defaultMetrics?: boolean }) {
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'babacloud_' })
    this.requests = new Counter({
      name: 'babacloud_requests_total',
      help: 'Protocol requests handled, by protocol, request type and outcome (ok or error code)',
      labelNames: ['protocol', 'type', 'outcome'],
      registers: [this.registry]
    })
    this.limitHits = new Counter({
      name: 'babacloud_limit_hits_total',
      help: 'Requests or connections refused by an abuse limit, by limit',
      labelNames: ['limit'],
      registers: [this.registry]
    })
    this.blocked = new Counter({
      name: 'babacloud_blocked_total',
      help: 'Connections and relay requests refused, or connections closed, because the operator blocked the PeerId (kind=peer) or address prefix (kind=prefix)',
      labelNames: ['kind'],
      registers: [this.registry]
    })
    this.purgeReceiptsDropped = new Counter({
      name: 'babacloud_purge_receipts_dropped_total',
      help: 'Purge receipts not queued for their sender: reason=cap (the per-sender receipt cap) or full (the sender\'s mailbox is full)',
      labelNames: ['reason'],
      registers: [this.registry]
    })
    this.connections = new Gauge({
      name: 'babacloud_connections',
      help: 'Open libp2p connections',
      registers: [this.registry],
      collect () { this.set(options.connectionCount()) }
    })
    const store = options.store
    new Gauge({
      name: 'babacloud_mailbox_envelopes',
      help: 'Envelopes waiting for offline recipients',
      registers: [this.registry],
      async collect () { this.set((await store.stats()).envelopes) }
    })
    new Gauge({
      name: 'babacloud_mailbox_bytes',
      help: 'Bytes of envelopes waiting for offline recipients',
      registers: [this.registry],
      async collect () { this.set((await store.stats()).bytes) }
    })
  }

  /** Blob storage against its budget: bytes used (stored or reserved, unexpired), the budget, blob count. */
  watchBlobs (blobs: { totalUsage(now: number): Promise<number>, stats(): Promise<{ blobs: number }> }, totalBytes: number, now: () => number): void {
    new Gauge({
      name: 'babacloud_blob_bytes',
      help: 'Bytes of attachment blobs stored or being uploaded, counted against the budget',
      registers: [this.registry],
      async collect () { this.set(await blobs.totalUsage(now())) }
    })
    new Gauge({
      name: 'babacloud_blob_budget_bytes',
      help: 'Bytes all attachment blobs together may hold (attachments.totalBytes)',
      registers: [this.registry],
      collect () { this.set(totalBytes) }
    })
    new Gauge({
      name: 'babacloud_blobs',
      help: 'Attachment blobs waiting for their recipients',
      registers: [this.registry],
      async collect () { this.set((await blobs.stats()).blobs) }
    })
  }

  /** The operator's blocklist: entries by kind (PeerIds, address prefixes). */
  watchBlocklist (size: () => Record<string, number>): void {
    new Gauge({
      name: 'babacloud_blocklist_entries',
      help: 'PeerIds (kind=peer) and address prefixes (kind=prefix) the operator blocked',
      labelNames: ['kind'],
      registers: [this.registry],
      collect () {
        for (const [kind, n] of Object.entries(size())) this.set({ kind }, n)
      }
    })
  }

  /** Counts a refusal by an abuse limit and tells the operator's log. */
  limitHit (limit: string): void {
    this.limitHits.inc({ limit })
    this.onLimitHit?.(limit)
  }

  onLimitHit?: (limit: string) => void

  async text (): Promise<string> {
    return await this.registry.metrics()
  }
}
