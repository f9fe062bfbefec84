// What a run records and how it is summarised: one record per scheduled message, periodic samples,
// and the summary derived from them.
import type { NetworkStats } from './network.ts'
import type { LinkConditions, NodeName, Scenario } from './scenario.ts'
import type { DeliveryPath } from '../../protocol/chat-client.ts'

export interface MessageRecord {
  id: string
  from: number
  to: number
  group?: number
  size: number
  /** All times are ms from the start of traffic. */
  scheduledAt: number
  /** First send attempt. */
  sentAt?: number
  attempts: number
  status: 'pending' | 'delivered' | 'stored' | 'failed'
  /** Path the sender's ack came back on. */
  sendPath?: DeliveryPath
  ackedAt?: number
  /** First time the recipient's ChatClient reported the message, and on which path. */
  deliveredAt?: number
  path?: DeliveryPath
  envelopeId?: string
  /** Id of the envelope the successful attempt sent. */
  sentEnvelopeId?: string
  /** Acked as stored, not delivered: still held by the rendezvous when the drain ended. */
  heldAtEnd?: boolean
  /** When the sender got the node's verified expiry notice: the message expired there unread. */
  expiredAt?: number
  /** Envelope bytes this message put on the wire (see Summary.bytes). */
  bytes?: number
  error?: string
}

export interface Sample {
  t: number
  online: number
  sent: number
  delivered: number
  mailboxEnvelopes: number
  mailboxBytes: number
  /** Process memory at the sample (the whole process: every peer, rendezvous and the runner). */
  rssBytes: number
  heapUsedBytes: number
}

export interface RunProgress {
  phase: 'starting' | 'traffic' | 'drain' | 'stopping'
  elapsedMs: number
  totalMs: number
  peers: number
  online: number
  sent: number
  delivered: number
  mailboxEnvelopes: number
}

/** When a rendezvous restart or kill actually happened (ms from the start of traffic). */
export interface FaultRecord {
  rendezvous: number
  /** Killed for good (its data deleted): never up again. */
  killed?: boolean
  scheduledAt: number
  /** Stop begins: every deposit acked before this is committed. */
  stoppingAt: number
  stoppedAt?: number
  upAgainAt?: number
}

/** When a partition began and healed (ms from the start of traffic). */
export interface PartitionRecord {
  partition: number
  groups: NodeName[][]
  scheduledAt: number
  startedAt: number
  healedAt?: number
}

export interface RunResult {
  records: MessageRecord[]
  samples: Sample[]
  /** Message events for an envelope id the same recipient had already reported. */
  duplicates: number
  /** The same scheduled message arriving again under a new envelope (an outbox resend). */
  resent: number
  /** How late each event ran against its scheduled time. */
  lagMs: number[]
  drainEndedAt: number
  /** Faults that could not be carried out. */
  errors: string[]
  faults: FaultRecord[]
  partitions: PartitionRecord[]
  /** Each peer's clock offset (peers.clockSkew), in peer order. */
  clockOffsetsMs?: number[]
  /** What the network did, when the scenario has one (`network` or a partition). */
  network?: NetworkStats
  /** Starting the peers online at t=0, before the traffic clock began. */
  startupMs: number
  wallTimeMs: number
  memory: MemoryReport
  afterStop: AfterStop
}

/** What the process held: sampled while the run lasted, and once everything was stopped. */
export interface MemoryReport {
  /** process.resourceUsage().maxRSS at the end: the peak of the whole process so far. */
  peakRssBytes: number
  /** Largest sampled RSS and heap in use (heap includes garbage not yet collected). */
  peakSampledRssBytes: number
  peakHeapUsedBytes: number
  /**
   * Whether the heap readings before and after followed a full collection (the process ran with
   * `--expose-gc`); without it they include garbage not yet collected.
   */
  collected: boolean
  /** Heap in use before the first node started. */
  heapUsedBeforeBytes: number
  /** After every node stopped and the peers were dropped. */
  rssAfterStopBytes: number
  heapUsedAfterStopBytes: number
}

/** Evidence that stopping the run left nothing behind. */
export interface AfterStop {
  /** libp2p nodes the peers started over the run, and how many of them ended stopped. */
  peerNodesStarted: number
  peerNodesStopped: number
  /**
   * Peer libp2p nodes (and so their ChatClients) still reachable after the stop, the peers dropped
   * and a full collection: must be 0. Only meaningful when `memory.collected` (`--expose-gc`); without
   * it this counts garbage not collected yet.
   */
  peerNodesAlive: number
  /** Ref'd handles and requests (timers, sockets) alive after the stop that were not there before the run. */
  leakedHandles: Record<string, number>
}

export interface LatencyStats {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

export interface Summary {
  scenario: string
  seed: number
  transport: string
  peers: number
  rendezvous: number
  /** Homes per peer and copies of each stored message. */
  redundancy: number
  /** Scenario time per real time (`clock.speed`); durations and latencies are in scenario time. */
  clockSpeed: number
  durationMs: number
  drainMs: number
  wallTimeMs: number
  /** Peak resident memory of the process (memory.peakRssBytes). */
  peakRssBytes: number
  startupMs: number
  /** When the last message arrived or the drain gave up, ms from the start of traffic. */
  endedAtMs: number
  sent: number
  delivered: number
  undelivered: number
  deliveryRatio: number
  /** Messages the node deleted unread at the end of the retention, as the senders' expiry notices said. */
  expired: number
  /**
   * Stored, undelivered messages past the retention when the run ended whose notice had not reached
   * the sender yet (swept, or due to be, just before the end): expired, not lost.
   */
  expiredUntold: number
  duplicates: number
  resent: number
  /**
   * Messages the rendezvous acked as stored; of those not delivered by the end of the drain, how
   * many it still held (the recipient did not come back in time) and how many were gone (lost,
   * must be 0).
   */
  storedAcked: number
  storedAckedHeld: number
  storedAckedLost: number
  failed: number
  retried: number
  latencyMs: LatencyStats & { byPath: Partial<Record<DeliveryPath, LatencyStats>> }
  mailbox: { peakEnvelopes: number, peakBytes: number, sampleIntervalMs: number }
  bytes: { method: 'envelope', total: number, live: number, mailbox: number, note: string }
  schedulerLagMs: { p95: number, max: number }
  memory: MemoryReport
  afterStop: AfterStop
  faults: FaultRecord[]
  /** Partitions as they happened; the links were cut from `startedAt` to `healedAt`. */
  partitions: PartitionRecord[]
  /**
   * The scenario's link conditions (global; `links` overrides in the scenario) and what partitions
   * did: connections cut when one began, dials refused while one lasted.
   */
  network?: Partial<LinkConditions> & NetworkStats
  /** With `peers.clockSkew`: the spread of the peers' clock offsets, ms. */
  clockOffsetMs?: { min: number, max: number }
  errors: string[]
  /** Known libp2p races swallowed while the run lasted (see upstream-errors.ts). */
  ignoredUpstreamErrors?: Record<string, number>
}

/** Nearest-rank percentile of an ascending list. */
export function percentile (sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function latencyOf (r: MessageRecord): number | undefined {
  return r.deliveredAt != null && r.sentAt != null ? r.deliveredAt - r.sentAt : undefined
}

function stats (values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b)
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null }
}

function networkConditions (scenario: Scenario): Partial<LinkConditions> {
  const n = scenario.network
  return n == null ? {} : { latencyMs: n.latencyMs, jitterMs: n.jitterMs, loss: n.loss, bandwidthBytesPerSecond: n.bandwidthBytesPerSecond }
}

export function summarize (scenario: Scenario, run: RunResult, sampleIntervalMs: number): Summary {
  const { records } = run
  const delivered = records.filter(r => r.deliveredAt != null)
  const byPath: Partial<Record<DeliveryPath, number[]>> = {}
  for (const r of delivered) {
    const list = byPath[r.path ?? 'mailbox'] ??= []
    list.push(latencyOf(r) ?? 0)
  }
  const stored = records.filter(r => r.status === 'stored')
  // The node's rule: a deposit expires `retention` after it was received (at or before the ack).
  const retention = scenario.mailbox.retentionMs
  const pastRetention = (r: MessageRecord): boolean => retention != null && r.ackedAt != null && r.ackedAt + retention <= run.drainEndedAt
  const expiredUntold = stored.filter(r => r.deliveredAt == null && r.expiredAt == null && r.heldAtEnd !== true && pastRetention(r))
  const live = records.filter(r => r.status === 'delivered').reduce((n, r) => n + (r.bytes ?? 0), 0)
  const mailbox = stored.reduce((n, r) => n + (r.bytes ?? 0), 0)
  const lag = [...run.lagMs].sort((a, b) => a - b)
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    transport: scenario.transport,
    peers: scenario.peers.count,
    rendezvous: scenario.rendezvous,
    redundancy: scenario.redundancy,
    clockSpeed: scenario.clock.speed,
    durationMs: scenario.durationMs,
    drainMs: scenario.drainMs,
    wallTimeMs: run.wallTimeMs,
    peakRssBytes: run.memory.peakRssBytes,
    startupMs: run.startupMs,
    endedAtMs: run.drainEndedAt,
    sent: records.length,
    delivered: delivered.length,
    undelivered: records.length - delivered.length,
    deliveryRatio: records.length === 0 ? 1 : delivered.length / records.length,
    expired: records.filter(r => r.expiredAt != null).length,
    expiredUntold: expiredUntold.length,
    duplicates: run.duplicates,
    resent: run.resent,
    storedAcked: stored.length,
    storedAckedHeld: stored.filter(r => r.deliveredAt == null && r.heldAtEnd === true).length,
    // Expired at the node (the sender was told): the retention's doing, not a loss.
    storedAckedLost: stored.filter(r => r.deliveredAt == null && r.heldAtEnd !== true && r.expiredAt == null && !pastRetention(r)).length,
    failed: records.filter(r => r.status === 'failed' || r.status === 'pending').length,
    retried: records.filter(r => r.attempts > 1).length,
    latencyMs: {
      ...stats(delivered.map(r => latencyOf(r) ?? 0)),
      byPath: Object.fromEntries(Object.entries(byPath).map(([k, v]) => [k, stats(v)]))
    },
    mailbox: {
      peakEnvelopes: Math.max(0, ...run.samples.map(s => s.mailboxEnvelopes)),
      peakBytes: Math.max(0, ...run.samples.map(s => s.mailboxBytes)),
      sampleIntervalMs
    },
    bytes: {
      method: 'envelope',
      total: live + mailbox,
      live,
      mailbox,
      note: 'encoded size of the envelope each acked send produced (sealed box or ratchet message, as the client chose), ' +
        'once for a live delivery, twice (deposit and fetch) per copy through the mailbox (redundancy copies); excludes Noise/yamux/TCP framing, ' +
        'prekey fetches, receipts, relay, identify, DHT and gossipsub traffic, and failed attempts'
    },
    schedulerLagMs: { p95: Math.round(percentile(lag, 95) ?? 0), max: Math.round(lag.at(-1) ?? 0) },
    memory: run.memory,
    afterStop: run.afterStop,
    faults: run.faults,
    partitions: run.partitions,
    ...(run.network != null ? { network: { ...networkConditions(scenario), ...run.network } } : {}),
    ...(scenario.clockSkewMs > 0 && run.clockOffsetsMs != null ? { clockOffsetMs: { min: Math.min(...run.clockOffsetsMs), max: Math.max(...run.clockOffsetsMs) } } : {}),
    errors: run.errors
  }
}
