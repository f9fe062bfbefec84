// The scenario file of `babacloud simulate`: parsed from YAML, checked against a strict schema (the
// config file's schema library and error shape), every duration in ms. Errors name the field so a
// researcher can fix the file without reading code.
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { MAX_TEXT_BYTES } from '../../protocol/constants.ts'
import { MAX_HOMES } from '../../protocol/federation/home.ts'
import { firstIssue } from '../../rendezvous/config-issues.ts'
import { count, duration } from '../../rendezvous/config-values.ts'

export type Availability =
  | { kind: 'always' }
  | { kind: 'periodic', meanOnlineMs: number, meanOfflineMs: number }
  /** The same online windows for every peer, as [start, end) in ms. */
  | { kind: 'timeline', onlineMs: Array<[number, number]> }

export interface Cohort {
  count: number
  availability: Availability
}

export interface GroupTraffic {
  count: number
  size: number
  messagesPerMinute: number
}

export type Fault =
  | {
    atMs: number
    restartRendezvous: number
    /** How long the node stays down before it starts again on the same data and address. */
    downForMs: number
  }
  /** The node stops and its data directory is deleted: gone for good, it never comes back. */
  | { atMs: number, killRendezvous: number }
  /**
   * Nodes in different groups cannot reach each other for `forMs` (open connections between them
   * are aborted, dials fail); nodes named in no group keep all their links. Members are node names.
   */
  | { atMs: number, partition: NodeName[][], forMs: number }

/** A node of the scenario: `p3` is peer 3, `rv0` rendezvous 0 (the names of schedule.json). */
export type NodeName = `p${number}` | `rv${number}`

/** Conditions of a link, in scenario time. Bandwidth in bytes per second (0: unlimited). */
export interface LinkConditions {
  latencyMs: number
  jitterMs: number
  /** Fraction of TCP segments lost (each costs a retransmission timeout). */
  loss: number
  bandwidthBytesPerSecond: number
}

export interface NetworkSettings extends LinkConditions {
  /** Overrides for the links between two nodes, both directions; the last one naming a pair wins. */
  links: Array<{ between: [NodeName, NodeName] } & Partial<LinkConditions>>
}

export interface Scenario {
  name: string
  seed: number
  durationMs: number
  drainMs: number
  rendezvous: number
  /** Each peer is homed on this many nodes and senders deposit on as many of a recipient's homes. */
  redundancy: number
  transport: 'tcp' | 'memory'
  /** The first peers form the cohorts, in order; the rest follow `availability`. */
  peers: { count: number, cohorts: Cohort[], availability: Availability }
  traffic: {
    dmPerPeerPerMinute: number
    groups?: GroupTraffic
    size: { min: number, max: number }
  }
  faults: Fault[]
  /** How long the rendezvous nodes keep undelivered mail (their `mailbox.retention`); the node's default when left out. */
  mailbox: { retentionMs?: number }
  /** Scenario time runs `speed` times faster than real time (1: real time). */
  clock: { speed: number }
  /** Link conditions; none when the scenario has no `network` key (links as fast as the transport). */
  network?: NetworkSettings
  /** Each peer's clock is off by a seeded amount within ±this (0: every clock agrees). */
  clockSkewMs: number
}

export class ScenarioError extends Error {
  readonly code = 'BAD_SCENARIO'
  constructor (message: string) {
    super(message)
    this.name = 'ScenarioError'
  }
}

const dur = duration({ zero: true })
const rate = z.number({ error: 'expected a rate from 0 to 6000 per minute' }).min(0, { error: 'expected a rate from 0 to 6000 per minute' }).max(6000, { error: 'expected a rate from 0 to 6000 per minute' })
const int = (min: number, max?: number): z.ZodNumber => count({ min, max })

const BANDWIDTH_EXPECTED = 'expected a rate in bits per second like "256kbit", "10mbit" or "1gbit"'
const BITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 }
/** Bits per second as networks count them (decimal units), kept as bytes per second. */
const bandwidth = z.unknown().transform((value, ctx) => {
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)\s*$/i.exec(value) : null
  const bits = m == null ? 0 : Number(m[1]) * BITS[m[2].toLowerCase()]
  if (m == null || bits < 8_000) {
    ctx.issues.push({ code: 'custom', message: m == null ? BANDWIDTH_EXPECTED : `${BANDWIDTH_EXPECTED}, at least 8kbit`, input: value })
    return z.NEVER
  }
  return bits / 8
})
const LOSS_EXPECTED = 'expected a fraction of segments lost from 0 to 0.5 (0.01 is 1%)'
const loss = z.number({ error: LOSS_EXPECTED }).min(0, { error: LOSS_EXPECTED }).max(0.5, { error: LOSS_EXPECTED })
const NODE_EXPECTED = 'expected a peer (an index like 3, or "p3") or a rendezvous node ("rv0")'
const nodeName = z.unknown().transform((v, ctx): NodeName => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return `p${v}`
  if (typeof v === 'string' && /^(p|rv)\d+$/.test(v)) return v as NodeName
  ctx.issues.push({ code: 'custom', message: NODE_EXPECTED, input: v })
  return z.NEVER
})
const linkShape = { latency: dur.optional(), jitter: dur.optional(), loss: loss.optional(), bandwidth: bandwidth.optional() }

const availabilitySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('always') }),
  z.strictObject({ kind: z.literal('periodic'), meanOnline: dur, meanOffline: dur }),
  z.strictObject({ kind: z.literal('timeline'), online: z.array(z.tuple([dur, dur], { error: 'expected [from, to]' }), { error: 'expected a list of [from, to] windows like ["0s", "30s"]' }).min(1, { error: 'expected a list of [from, to] windows like ["0s", "30s"]' }) })
], { error: 'expected kind: always, periodic or timeline' })

/** The file's shape; bounds that depend on other fields (peers per home, the traffic phase) are checked after. */
export const scenarioSchema = z.strictObject({
  name: z.string({ error: 'expected text' }).optional(),
  seed: int(0),
  duration: dur,
  drain: dur.default(30_000),
  rendezvous: int(1, 16).default(1),
  redundancy: count({ min: 1, max: MAX_HOMES, why: 'homes per peer, and copies of each message' }).default(1),
  transport: z.enum(['tcp', 'memory'], { error: 'expected tcp or memory' }).default('tcp'),
  peers: z.strictObject({
    count: int(2, 5000),
    availability: availabilitySchema.default({ kind: 'always' }),
    cohorts: z.array(z.strictObject({ count: int(1), availability: availabilitySchema }), { error: 'expected a list of { count, availability }' }).default([]),
    clockSkew: dur.default(0)
  }),
  traffic: z.strictObject({
    dmPerPeerPerMinute: rate.default(0),
    groups: z.strictObject({ count: int(0, 1000), size: int(2), messagesPerMinute: rate }).optional(),
    // Text bytes; a message shorter than its schedule tag (about 12 bytes) is sent as the bare tag.
    size: z.strictObject({ min: int(1, MAX_TEXT_BYTES), max: int(1, MAX_TEXT_BYTES) }).default({ min: 20, max: 2000 })
  }).prefault({}),
  mailbox: z.strictObject({ retention: dur.optional() }).prefault({}),
  clock: z.strictObject({
    speed: z.number({ error: 'expected how many times faster than real time, from 1 to 1000000' })
      .min(1, { error: 'expected how many times faster than real time, from 1 to 1000000' })
      .max(1_000_000, { error: 'expected how many times faster than real time, from 1 to 1000000' }).default(1)
  }).prefault({}),
  network: z.strictObject({
    ...linkShape,
    links: z.array(z.strictObject({ between: z.tuple([nodeName, nodeName], { error: 'expected two nodes like ["p1", "rv0"]' }), ...linkShape }), { error: 'expected a list of { between: [a, b], latency, jitter, loss, bandwidth }' }).default([])
  }).optional(),
  // One key names the fault: restartRendezvous (with downFor), killRendezvous or partition (with for); checked after.
  faults: z.array(z.strictObject({
    at: dur,
    restartRendezvous: int(0).optional(),
    downFor: dur.optional(),
    killRendezvous: int(0).optional(),
    partition: z.array(z.array(nodeName, { error: 'expected a group: a list of nodes like [0, 1, "rv0"]' }).min(1, { error: 'expected a group: a list of nodes like [0, 1, "rv0"]' }), { error: 'expected a list of groups like [[0, 1, "rv0"], [2, 3, "rv1"]]' }).optional(),
    for: dur.optional()
  }), { error: 'expected a list' }).default([])
}, { error: 'expected a mapping' })

/** Only the conditions a link override sets, in the scenario's units. */
function linkConditions (l: { latency?: number, jitter?: number, loss?: number, bandwidth?: number }): Partial<LinkConditions> {
  return {
    ...(l.latency != null ? { latencyMs: l.latency } : {}),
    ...(l.jitter != null ? { jitterMs: l.jitter } : {}),
    ...(l.loss != null ? { loss: l.loss } : {}),
    ...(l.bandwidth != null ? { bandwidthBytesPerSecond: l.bandwidth } : {})
  }
}

function fail (key: string, expected: string): never {
  throw new ScenarioError(`${key}: ${expected}`)
}

function availability (a: z.output<typeof availabilitySchema>, durationMs: number, field: string): Availability {
  if (a.kind !== 'timeline') {
    if (a.kind === 'periodic') {
      if (a.meanOnline < 100) fail(`${field}.meanOnline`, 'must be at least 100ms')
      if (a.meanOffline < 100) fail(`${field}.meanOffline`, 'must be at least 100ms')
      return { kind: 'periodic', meanOnlineMs: a.meanOnline, meanOfflineMs: a.meanOffline }
    }
    return a
  }
  let previousEnd = -1
  const onlineMs = a.online.map(([from, until], i): [number, number] => {
    const to = Math.min(until, durationMs)
    if (from <= previousEnd || to <= from) fail(`${field}.online[${i}]`, 'windows must be increasing, non-overlapping and non-empty')
    previousEnd = to
    return [from, to]
  })
  return { kind: 'timeline', onlineMs }
}

/** Validates a parsed scenario document; `name` labels outputs. Errors are one line: `key: expected`. */
export function validateScenario (doc: unknown, name = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(doc, { reportInput: true })
  if (!parsed.success) {
    const issue = firstIssue(parsed.error, scenarioSchema)
    fail(issue.key === '' ? '(top level)' : issue.key, issue.expected)
  }
  const raw = parsed.data
  const durationMs = raw.duration
  if (durationMs < 100) fail('duration', 'must be at least 100ms')
  const peerCount = raw.peers.count
  let assigned = 0
  const cohorts = raw.peers.cohorts.map((c, i): Cohort => {
    if (assigned + c.count > peerCount) fail(`peers.cohorts[${i}].count`, `cohorts hold at most peers.count (${peerCount}) peers, got ${assigned + c.count}`)
    assigned += c.count
    return { count: c.count, availability: availability(c.availability, durationMs, `peers.cohorts[${i}].availability`) }
  })
  const peers = { count: peerCount, cohorts, availability: availability(raw.peers.availability, durationMs, 'peers.availability') }
  const perHome = Math.ceil(peerCount / raw.rendezvous)
  const groups = raw.traffic.groups
  if (groups != null && groups.size > perHome) fail('traffic.groups.size', `at most the peers per rendezvous (${perHome}), got ${groups.size}`)
  const { min, max } = raw.traffic.size
  if (max < min) fail('traffic.size.max', `at least traffic.size.min (${min}), got ${max}`)
  if (raw.redundancy > raw.rendezvous) fail('redundancy', `at most the number of rendezvous nodes (${raw.rendezvous}), got ${raw.redundancy}`)
  if (raw.mailbox.retention != null && raw.mailbox.retention < 1000) fail('mailbox.retention', 'must be at least 1s')
  const checkNode = (name: NodeName, field: string): void => {
    const n = Number(name.replace(/^(p|rv)/, ''))
    if (name.startsWith('rv') ? n >= raw.rendezvous : n >= peerCount) {
      fail(field, name.startsWith('rv') ? `no rendezvous ${name} (rendezvous: ${raw.rendezvous}, named rv0 to rv${raw.rendezvous - 1})` : `no peer ${name} (peers.count: ${peerCount}, peers 0 to ${peerCount - 1})`)
    }
  }
  const killed = new Set<number>()
  const faults = raw.faults.map((f, i): Fault => {
    if (f.at >= durationMs) fail(`faults[${i}].at`, `must fall inside the traffic phase (before ${durationMs}ms)`)
    const range = `expected an integer from 0 to ${raw.rendezvous - 1} (rendezvous: ${raw.rendezvous})`
    if (f.partition != null) {
      if (f.killRendezvous != null || f.restartRendezvous != null) fail(`faults[${i}]`, 'one of restartRendezvous, killRendezvous or partition per fault')
      if (f.downFor != null) fail(`faults[${i}].downFor`, 'only with restartRendezvous; a partition lasts `for`')
      if (f.for == null) fail(`faults[${i}].for`, 'expected how long the partition lasts, like "5m"')
      if (f.for <= 0) fail(`faults[${i}].for`, 'must be longer than zero')
      if (f.at + f.for > durationMs) fail(`faults[${i}].for`, `the partition must heal by the end of the traffic phase (${durationMs}ms), ends at ${f.at + f.for}ms`)
      if (f.partition.length < 2) fail(`faults[${i}].partition`, 'expected at least two groups: nodes named in no group keep all their links')
      const seen = new Set<string>()
      f.partition.forEach((group, g) => group.forEach((name, k) => {
        checkNode(name, `faults[${i}].partition[${g}][${k}]`)
        if (seen.has(name)) fail(`faults[${i}].partition[${g}][${k}]`, `${name} is in two groups`)
        seen.add(name)
      }))
      return { atMs: f.at, partition: f.partition, forMs: f.for }
    }
    if (f.for != null) fail(`faults[${i}].for`, 'only with partition')
    if (f.killRendezvous != null) {
      if (f.restartRendezvous != null) fail(`faults[${i}]`, 'one of restartRendezvous or killRendezvous, not both')
      if (f.downFor != null) fail(`faults[${i}].downFor`, 'only with restartRendezvous: a killed node never comes back')
      if (f.killRendezvous >= raw.rendezvous) fail(`faults[${i}].killRendezvous`, range)
      if (killed.has(f.killRendezvous)) fail(`faults[${i}].killRendezvous`, `rendezvous ${f.killRendezvous} is killed twice`)
      killed.add(f.killRendezvous)
      return { atMs: f.at, killRendezvous: f.killRendezvous }
    }
    if (f.restartRendezvous == null) fail(`faults[${i}]`, 'expected restartRendezvous: N (with downFor), killRendezvous: N or partition: [[...], [...]] (with for)')
    if (f.restartRendezvous >= raw.rendezvous) fail(`faults[${i}].restartRendezvous`, range)
    return { atMs: f.at, restartRendezvous: f.restartRendezvous, downForMs: f.downFor ?? 0 }
  })
  // A node killed earlier cannot restart later.
  faults.forEach((f, i) => {
    if ('restartRendezvous' in f && faults.some(k => 'killRendezvous' in k && k.killRendezvous === f.restartRendezvous && k.atMs <= f.atMs)) {
      fail(`faults[${i}].restartRendezvous`, `rendezvous ${f.restartRendezvous} was killed before (killRendezvous): it never comes back`)
    }
  })
  let network: NetworkSettings | undefined
  if (raw.network != null) {
    const n = raw.network
    const links = n.links.map((l, i) => {
      l.between.forEach((name, k) => { checkNode(name, `network.links[${i}].between[${k}]`) })
      if (l.between[0] === l.between[1]) fail(`network.links[${i}].between`, 'expected two different nodes')
      return { between: l.between, ...linkConditions(l) }
    })
    network = { latencyMs: n.latency ?? 0, jitterMs: n.jitter ?? 0, loss: n.loss ?? 0, bandwidthBytesPerSecond: n.bandwidth ?? 0, links }
  }
  const scenarioName = raw.name != null && raw.name.trim() !== '' ? raw.name.trim() : name
  return { name: scenarioName, seed: raw.seed, durationMs, drainMs: raw.drain, rendezvous: raw.rendezvous, redundancy: raw.redundancy, transport: raw.transport, peers, traffic: { dmPerPeerPerMinute: raw.traffic.dmPerPeerPerMinute, groups, size: { min, max } }, faults, mailbox: raw.mailbox.retention != null ? { retentionMs: raw.mailbox.retention } : {}, clock: { speed: raw.clock.speed }, ...(network != null ? { network } : {}), clockSkewMs: raw.peers.clockSkew }
}

export function loadScenarioFile (path: string): Scenario {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(err as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new ScenarioError(`scenario ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  try {
    return validateScenario(doc, basename(path, extname(path)))
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(`${path}: ${err.message}`)
    throw err
  }
}
