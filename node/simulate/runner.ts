// Executes a schedule against real nodes in this process: starts the rendezvous nodes, replays every
// event at its time, keeps an outbox that retries failed sends (as an app would), then drains with
// every peer online, and records when and by which path each message arrived.
import { systemClock } from '../../protocol/clock.ts'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import { NodeTally, SimPeer, messageText, parseMessageTag } from './sim-peer.ts'
import { SimRendezvous, memoryAddressPrefix } from './sim-rendezvous.ts'
import { activeHandles, leakedHandles, liveHeapBytes, memoryAfterStop, readMemory } from './process-memory.ts'
import type { Clock } from '../../protocol/clock.ts'
import type { SimNetwork } from './network.ts'
import type { FaultRecord, MessageRecord, PartitionRecord, RunProgress, RunResult, Sample } from './results.ts'
import type { Schedule, ScheduleEvent } from './schedule.ts'
import type { SimTransport } from './sim-rendezvous.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'

const RETRY_MS = 1_000
export const SAMPLE_MS = 500
const RECONNECT_CHECK_MS = 2_000
/** Peers starting at once; hundreds together would stall timers and skew every measurement. */
const START_CONCURRENCY = 16
/** Codes a resend cannot fix: the message is recorded as failed. */
const FINAL = new Set<string>([ErrorCode.TOO_LARGE, ErrorCode.MALFORMED, ErrorCode.BAD_SIGNATURE, ErrorCode.MAILBOX_FULL])

export interface RunOptions {
  transport: SimTransport
  rendezvous: number
  /** Rendezvous data directories go here. */
  workDir: string
  onProgress?: (progress: RunProgress) => void
  /** How long one live delivery attempt may take before the mailbox is used. */
  liveTimeoutMs?: number
  /** Copies of each stored message on this many of the recipient's homes (the schedule's `homes`). */
  redundancy?: number
  /** The rendezvous nodes' mail retention (scenario `mailbox.retention`). */
  retentionMs?: number
  /**
   * The scenario's clock (`clock: { speed }`): the schedule, the peers' retries and every expiry and
   * sweep of nodes and clients follow it; libp2p and the run's own polling stay on real time.
   */
  clock?: Clock
  /**
   * The scenario's network (`network`, partitions): every node's dials go through it. Without one
   * the transports are used bare.
   */
  network?: SimNetwork
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, Math.max(0, ms))) }

/** Runs at most `n` tasks at a time, in call order. */
export function createLimiter (n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0
  const queue: Array<() => void> = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next in line, so `active` never overshoots.
    if (active >= n) await new Promise<void>(resolve => { queue.push(resolve) })
    else active++
    try {
      return await task()
    } finally {
      const next = queue.shift()
      if (next != null) next()
      else active--
    }
  }
}

export async function runSchedule (schedule: Schedule, options: RunOptions): Promise<RunResult> {
  const wallStart = performance.now()
  const handlesBefore = activeHandles()
  const heapBefore = await liveHeapBytes()
  const peaks = readMemory()
  const prefix = memoryAddressPrefix()
  const rendezvous = Array.from({ length: options.rendezvous }, (_, index) => new SimRendezvous({
    index, dataDir: join(options.workDir, `rendezvous-${index}`), transport: options.transport, memoryPrefix: prefix, peers: schedule.peers.length, retentionMs: options.retentionMs, clock: options.clock, network: options.network
  }))
  schedule.peers.forEach((p, i) => { options.network?.register(p.peerId, `p${i}`) })
  const redundancy = options.redundancy ?? 1
  if (redundancy > 1) {
    // Peers homed on several nodes need one DHT across them for their home records.
    await rendezvous[0].start()
    await Promise.all(rendezvous.slice(1).map(async rv => { await rv.start([rendezvous[0].addr.toString()]) }))
  } else {
    await Promise.all(rendezvous.map(async rv => { await rv.start() }))
  }
  const homesOf = (peer: number): number[] => schedule.peers[peer].homes ?? [schedule.peers[peer].home]

  const records = new Map<string, MessageRecord>()
  const seenEnvelopes = schedule.peers.map(() => new Set<string>())
  const samples: Sample[] = []
  const lagMs: number[] = []
  const errors: string[] = []
  const faults: FaultRecord[] = []
  const partitions: PartitionRecord[] = []
  let duplicates = 0
  let resent = 0
  let delivered = 0
  const clock = options.clock ?? systemClock
  /** Scenario time since traffic started (the clock's, sped up or not). */
  let t0 = 0
  let finished = false
  let phase: RunProgress['phase'] = 'starting'
  const elapsed = (): number => clock.now() - t0
  const now = (): number => Math.round(elapsed())
  /** Waits `ms` of scenario time. */
  const wait = async (ms: number): Promise<void> => { await new Promise<void>(resolve => { clock.setTimeout(resolve, Math.max(0, ms)) }) }

  const onMessage = (peer: SimPeer, evt: ChatClientEvents['message']): void => {
    // After the drain deadline nothing counts: the ratio is what arrived in the scenario's time.
    if (finished) return
    const m = evt.detail
    if (seenEnvelopes[peer.index].has(m.id)) duplicates++
    seenEnvelopes[peer.index].add(m.id)
    const rec = records.get(parseMessageTag(m.text) ?? '')
    if (rec == null || rec.to !== peer.index) return
    if (rec.deliveredAt != null) {
      // The same scheduled message under a new envelope: a resend after an ambiguous failure.
      resent++
      return
    }
    rec.deliveredAt = now()
    rec.path = m.path
    rec.envelopeId = m.id
    delivered++
  }

  // The node's signed expiry notice for a message the sender stored: it expired there unread.
  const bySentEnvelope = (id: string): MessageRecord | undefined => [...records.values()].find(r => r.sentEnvelopeId === id)
  const onChanged = (_peer: SimPeer, evt: ChatClientEvents['message:changed']): void => {
    if (finished) return
    const m = evt.detail
    if (m.direction !== 'out' || m.purged?.some(p => p.reason === 'expired') !== true) return
    const rec = bySentEnvelope(m.id)
    if (rec != null && rec.expiredAt == null) rec.expiredAt = now()
  }

  const identities = await Promise.all(schedule.peers.map(async p => await DeviceIdentity.fromSeed(Buffer.from(p.identitySeed, 'hex'))))
  const limitStart = createLimiter(START_CONCURRENCY)
  const sealed = new Map<string, { bytes: number, envelopeId: string }>()
  const onSealed = (id: string, bytes: number, envelopeId: string): void => { sealed.set(id, { bytes, envelopeId }) }
  const nodes = new NodeTally()
  const peers = schedule.peers.map((p, index) => new SimPeer({
    index, identity: identities[index], transport: options.transport, rendezvous: () => rendezvous[p.home].addr, onMessage, onChanged,
    homes: () => homesOf(index).slice(1).map(h => rendezvous[h].addr), redundancy, onSealed, liveTimeoutMs: options.liveTimeoutMs, limitStart, nodes, clock: options.clock,
    network: options.network, clockOffsetMs: p.clockOffsetMs
  }))

  const background = new Set<Promise<unknown>>()
  const track = (p: Promise<unknown>): void => {
    const q = p.catch(() => {})
    background.add(q)
    void q.finally(() => { background.delete(q) })
  }

  const send = async (rec: MessageRecord): Promise<void> => {
    const from = peers[rec.from]
    const to = schedule.peers[rec.to].peerId
    const text = messageText(rec.id, rec.size)
    while (!finished) {
      await from.whenOnline()
      if (finished) return
      // A peer stopping this instant: wait for its next session.
      if (from.client == null) { await sleep(50); continue }
      rec.sentAt ??= now()
      rec.attempts++
      try {
        const result = await from.send(to, text)
        // Answered after the drain deadline: not within the run (and not in the store the end checks).
        if (finished) return
        rec.status = result.status
        rec.sendPath = result.path
        rec.ackedAt = now()
        // The envelope of the attempt that succeeded: once live, twice (deposit, fetch) per copy via the mailbox.
        const envelope = sealed.get(rec.id)
        if (envelope != null) {
          rec.bytes = envelope.bytes * (result.status === 'stored' ? 2 * redundancy : 1)
          rec.sentEnvelopeId = envelope.envelopeId
        }
        return
      } catch (err) {
        rec.error = errorMessage(err)
        if (ProtocolError.is(err) && FINAL.has(err.code)) {
          rec.status = 'failed'
          return
        }
      }
      await wait(RETRY_MS)
    }
  }

  const dispatch = (e: ScheduleEvent): void => {
    if (e.type === 'send') {
      const rec: MessageRecord = { id: e.id, from: e.from, to: e.to, group: e.group, size: e.size, scheduledAt: e.t, attempts: 0, status: 'pending' }
      records.set(e.id, rec)
      track(send(rec))
    } else if (e.type === 'restartRendezvous') {
      const rv = rendezvous[e.rendezvous]
      const fault: FaultRecord = { rendezvous: rv.index, scheduledAt: e.t, stoppingAt: now() }
      faults.push(fault)
      track(rv.restart(e.downForMs, () => { fault.stoppedAt = now() }).then(() => {
        fault.upAgainAt = now()
        // Apps notice the lost connection; reconnect at once rather than at the next check.
        for (const p of peers) if (homesOf(p.index).includes(rv.index)) track(p.reconnect())
      }, (err: unknown) => {
        errors.push(`restart of rendezvous ${rv.index} at ${e.t} ms failed: ${errorMessage(err)}`)
      }))
    } else if (e.type === 'killRendezvous') {
      const rv = rendezvous[e.rendezvous]
      const fault: FaultRecord = { rendezvous: rv.index, scheduledAt: e.t, stoppingAt: now(), killed: true }
      faults.push(fault)
      track(rv.kill().then(() => { fault.stoppedAt = now() }, (err: unknown) => {
        errors.push(`kill of rendezvous ${rv.index} at ${e.t} ms failed: ${errorMessage(err)}`)
      }))
    } else if (e.type === 'partition') {
      partitions.push({ partition: e.partition, groups: e.groups, scheduledAt: e.t, startedAt: now() })
      options.network?.partition(e.partition, e.groups)
    } else if (e.type === 'heal') {
      options.network?.heal(e.partition)
      const record = partitions.find(p => p.partition === e.partition)
      if (record != null) record.healedAt = now()
      // Apps notice their rendezvous is reachable again at their next try; try at once.
      reconnectCheck()
    } else {
      const peer = peers[e.peer]
      track(e.type === 'online' ? peer.goOnline() : peer.goOffline())
    }
  }

  const reconnecting = new Set<number>()
  const reconnectCheck = (): void => {
    for (const p of peers) {
      const rv = rendezvous[schedule.peers[p.index].home]
      if (p.client == null || !rv.running || reconnecting.has(p.index) || p.connectedTo(rv.addr)) continue
      reconnecting.add(p.index)
      track(p.reconnect().finally(() => { reconnecting.delete(p.index) }))
    }
  }

  /**
   * For messages acked as stored that never arrived: are they still held by the rendezvous (the
   * drain ended first) or gone (lost)? The queries start in the same tick as `finished` is set,
   * and a client acks only after its message events, so records and store agree.
   */
  const markHeld = async (): Promise<void> => {
    const waiting = [...records.values()].filter(r => r.status === 'stored' && r.deliveredAt == null)
    const recipients = [...new Set(waiting.map(r => r.to))]
    // Held on any home still running (a killed node holds nothing any more).
    const held = await Promise.all(recipients.map(async to => {
      const sets = await Promise.all(homesOf(to).map(async h => await rendezvous[h].pendingIds(schedule.peers[to].peerId)))
      return new Set(sets.flatMap(set => [...set]))
    }))
    const byRecipient = new Map(recipients.map((to, i) => [to, held[i]]))
    for (const r of waiting) r.heldAtEnd = r.sentEnvelopeId != null && byRecipient.get(r.to)?.has(r.sentEnvelopeId) === true
  }

  let sampling = false
  const lastStats: Array<{ envelopes: number, bytes: number } | undefined> = rendezvous.map(() => undefined)
  const sample = async (): Promise<void> => {
    if (sampling) return
    sampling = true
    try {
      // A node that is down (a restart) still holds its envelopes on disk: keep its last reading.
      // A killed one holds nothing.
      const stats = await Promise.all(rendezvous.map(async (rv, i) => {
        if (rv.killed) return (lastStats[i] = undefined)
        const current = await rv.stats()
        if (current != null) lastStats[i] = current
        return lastStats[i]
      }))
      const memory = readMemory()
      peaks.rssBytes = Math.max(peaks.rssBytes, memory.rssBytes)
      peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, memory.heapUsedBytes)
      samples.push({
        ...memory,
        t: now(),
        online: peers.filter(p => p.state === 'online').length,
        sent: records.size,
        delivered,
        mailboxEnvelopes: stats.reduce((n, s) => n + (s?.envelopes ?? 0), 0),
        mailboxBytes: stats.reduce((n, s) => n + (s?.bytes ?? 0), 0)
      })
      const last = samples[samples.length - 1]
      options.onProgress?.({ phase, elapsedMs: last.t, totalMs: schedule.durationMs + schedule.drainMs, peers: peers.length, online: last.online, sent: last.sent, delivered, mailboxEnvelopes: last.mailboxEnvelopes })
    } finally {
      sampling = false
    }
  }

  // Warm start: whoever is online at t=0 is started before the clock runs, so the first seconds
  // of traffic measure chatting rather than hundreds of nodes booting at once.
  const startedAt = performance.now()
  const initial = schedule.events.filter(e => e.t === 0 && e.type === 'online').map(e => peers[(e as { peer: number }).peer])
  if (redundancy > 1) {
    // Everyone has used the app before: each peer's home record (naming all its homes) is in the
    // DHT when traffic starts, as it would be for up to a week after a person was last online.
    const warm = createLimiter(START_CONCURRENCY)
    await Promise.allSettled(peers.map(async p => await warm(async () => {
      await p.goOnline()
      await p.publishHome().catch((err: unknown) => { errors.push(`peer ${p.index} could not publish its home record: ${errorMessage(err)}`) })
      if (!initial.includes(p)) await p.goOffline()
    })))
  }
  const starting = setInterval(() => {
    const online = peers.filter(p => p.state === 'online').length
    options.onProgress?.({ phase, elapsedMs: 0, totalMs: schedule.durationMs + schedule.drainMs, peers: peers.length, online, sent: 0, delivered: 0, mailboxEnvelopes: 0 })
  }, SAMPLE_MS)
  await Promise.allSettled(initial.map(async p => { await p.goOnline() }))
  clearInterval(starting)
  const startupMs = Math.round(performance.now() - startedAt)
  t0 = clock.now()
  phase = 'traffic'
  void sample()
  const sampler = setInterval(() => { void sample() }, SAMPLE_MS)
  const reconnector = setInterval(reconnectCheck, RECONNECT_CHECK_MS)
  let drainEndedAt = 0
  try {
    for (const e of schedule.events) {
      const ahead = e.t - elapsed()
      if (ahead > 0) await wait(ahead)
      lagMs.push(Math.max(0, elapsed() - e.t))
      dispatch(e)
    }
    await wait(schedule.durationMs - elapsed())

    phase = 'drain'
    const drainDeadline = schedule.durationMs + schedule.drainMs
    // Everyone opens the app: each start connects and takes its mailbox.
    for (const p of peers) track(p.goOnline())
    const settled = (): boolean => [...records.values()].every(r => r.deliveredAt != null || r.status === 'failed')
    // Polled in real time: at a high clock speed a scenario tick is far shorter than a check costs.
    while (!settled() && now() < drainDeadline) await sleep(100)
    drainEndedAt = now()
  } finally {
    finished = true
    phase = 'stopping'
    await markHeld()
    clearInterval(reconnector)
    clearInterval(sampler)
    await sample()
    await Promise.allSettled(peers.map(async p => { await p.close() }))
    // Stragglers (a reconnect timing out) get a bounded wait; the run's numbers are already taken.
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([Promise.allSettled([...background]), new Promise(resolve => { timer = setTimeout(resolve, 10_000) })])
    clearTimeout(timer)
    await Promise.allSettled(rendezvous.map(async rv => { await rv.stop() }))
  }
  const wallTimeMs = Math.round(performance.now() - wallStart)
  const leaked = await leakedHandles(handlesBefore)
  // What the heap holds once the peers (their stores and clients) are gone is what the run leaked.
  peers.length = 0
  initial.length = 0
  rendezvous.length = 0
  identities.length = 0
  seenEnvelopes.length = 0
  sealed.clear()
  const memory = await memoryAfterStop(peaks, heapBefore)
  // Read after memoryAfterStop's full collection: a node still reachable now is kept by something.
  const peerNodesAlive = nodes.alive()
  return {
    records: [...records.values()],
    samples,
    duplicates,
    resent,
    lagMs,
    drainEndedAt,
    errors,
    faults,
    partitions,
    clockOffsetsMs: schedule.peers.map(p => p.clockOffsetMs ?? 0),
    ...(options.network != null ? { network: { ...options.network.stats } } : {}),
    startupMs,
    wallTimeMs,
    memory,
    afterStop: { peerNodesStarted: nodes.started, peerNodesStopped: nodes.stopped, peerNodesAlive, leakedHandles: leaked }
  }
}
