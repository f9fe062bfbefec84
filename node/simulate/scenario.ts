// The scenario file of `babacloud simulate`: parsed from YAML, validated field by field, with every
// duration in ms. Errors name the field so a researcher can fix the file without reading code.
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { MAX_TEXT_BYTES } from '../../protocol/constants.ts'
import { parseDuration } from '../../rendezvous/config.ts'

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

export interface Fault {
  atMs: number
  restartRendezvous: number
  /** How long the node stays down before it starts again on the same data and address. */
  downForMs: number
}

export interface Scenario {
  name: string
  seed: number
  durationMs: number
  drainMs: number
  rendezvous: number
  transport: 'tcp' | 'memory'
  /** The first peers form the cohorts, in order; the rest follow `availability`. */
  peers: { count: number, cohorts: Cohort[], availability: Availability }
  traffic: {
    dmPerPeerPerMinute: number
    groups?: GroupTraffic
    size: { min: number, max: number }
  }
  faults: Fault[]
}

export class ScenarioError extends Error {
  readonly code = 'BAD_SCENARIO'
  constructor (message: string) {
    super(message)
    this.name = 'ScenarioError'
  }
}

type Raw = Record<string, unknown>

function mapping (value: unknown, field: string, allowed: string[]): Raw {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) throw new ScenarioError(`${field}: expected a mapping`)
  // A misspelt key would otherwise be ignored and the default silently used.
  const unknown = Object.keys(value).find(k => !allowed.includes(k))
  if (unknown != null) throw new ScenarioError(`${field === '' ? '' : `${field}.`}${unknown}: unknown field (expected one of ${allowed.join(', ')})`)
  return value as Raw
}

function duration (value: unknown, field: string): number {
  try {
    return parseDuration(value, field)
  } catch (err) {
    throw new ScenarioError((err as Error).message)
  }
}

function int (value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ScenarioError(`${field}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return value
}

function rate (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 6000) {
    throw new ScenarioError(`${field}: expected a rate from 0 to 6000 per minute, got ${JSON.stringify(value)}`)
  }
  return value
}

function availability (value: unknown, durationMs: number, field: string): Availability {
  const kind = (value as Raw | null)?.kind
  if (kind === 'always') {
    mapping(value, field, ['kind'])
    return { kind }
  }
  if (kind === 'periodic') {
    const raw = mapping(value, field, ['kind', 'meanOnline', 'meanOffline'])
    const meanOnlineMs = duration(raw.meanOnline, `${field}.meanOnline`)
    const meanOfflineMs = duration(raw.meanOffline, `${field}.meanOffline`)
    if (meanOnlineMs < 100) throw new ScenarioError(`${field}.meanOnline: must be at least 100ms`)
    if (meanOfflineMs < 100) throw new ScenarioError(`${field}.meanOffline: must be at least 100ms`)
    return { kind, meanOnlineMs, meanOfflineMs }
  }
  if (kind === 'timeline') {
    const raw = mapping(value, field, ['kind', 'online'])
    if (!Array.isArray(raw.online) || raw.online.length === 0) throw new ScenarioError(`${field}.online: expected a list of [from, to] windows like ["0s", "30s"]`)
    let previousEnd = -1
    const onlineMs = raw.online.map((w: unknown, i): [number, number] => {
      const f = `${field}.online[${i}]`
      if (!Array.isArray(w) || w.length !== 2) throw new ScenarioError(`${f}: expected [from, to]`)
      const from = duration(w[0], `${f}[0]`)
      const to = Math.min(duration(w[1], `${f}[1]`), durationMs)
      if (from <= previousEnd || to <= from) throw new ScenarioError(`${f}: windows must be increasing, non-overlapping and non-empty`)
      previousEnd = to
      return [from, to]
    })
    return { kind, onlineMs }
  }
  throw new ScenarioError(`${field}.kind: expected always, periodic or timeline, got ${JSON.stringify(kind)}`)
}

/** Validates a parsed scenario document; `name` labels outputs. */
export function validateScenario (doc: unknown, name = 'scenario'): Scenario {
  const raw = mapping(doc, '', ['name', 'seed', 'duration', 'drain', 'rendezvous', 'transport', 'peers', 'traffic', 'faults'])
  const seed = int(raw.seed, 'seed', 0)
  const durationMs = duration(raw.duration, 'duration')
  if (durationMs < 100) throw new ScenarioError('duration: must be at least 100ms')
  const drainMs = raw.drain == null ? 30_000 : duration(raw.drain, 'drain')
  const rendezvous = raw.rendezvous == null ? 1 : int(raw.rendezvous, 'rendezvous', 1, 16)
  const transport = raw.transport ?? 'tcp'
  if (transport !== 'tcp' && transport !== 'memory') throw new ScenarioError(`transport: expected tcp or memory, got ${JSON.stringify(transport)}`)

  const peersRaw = mapping(raw.peers, 'peers', ['count', 'availability', 'cohorts'])
  const count = int(peersRaw.count, 'peers.count', 2, 5000)
  if (peersRaw.cohorts != null && !Array.isArray(peersRaw.cohorts)) throw new ScenarioError('peers.cohorts: expected a list of { count, availability }')
  let assigned = 0
  const cohorts = ((peersRaw.cohorts ?? []) as unknown[]).map((c, i): Cohort => {
    const field = `peers.cohorts[${i}]`
    const r = mapping(c, field, ['count', 'availability'])
    const n = int(r.count, `${field}.count`, 1, count - assigned)
    assigned += n
    return { count: n, availability: availability(r.availability, durationMs, `${field}.availability`) }
  })
  const peers = { count, cohorts, availability: availability(peersRaw.availability ?? { kind: 'always' }, durationMs, 'peers.availability') }

  const trafficRaw = mapping(raw.traffic ?? {}, 'traffic', ['dmPerPeerPerMinute', 'groups', 'size'])
  const dmPerPeerPerMinute = trafficRaw.dmPerPeerPerMinute == null ? 0 : rate(trafficRaw.dmPerPeerPerMinute, 'traffic.dmPerPeerPerMinute')
  let groups: GroupTraffic | undefined
  if (trafficRaw.groups != null) {
    const g = mapping(trafficRaw.groups, 'traffic.groups', ['count', 'size', 'messagesPerMinute'])
    const perHome = Math.ceil(count / rendezvous)
    groups = {
      count: int(g.count, 'traffic.groups.count', 0, 1000),
      size: int(g.size, 'traffic.groups.size', 2, perHome),
      messagesPerMinute: rate(g.messagesPerMinute, 'traffic.groups.messagesPerMinute')
    }
  }
  const sizeRaw = mapping(trafficRaw.size ?? { min: 20, max: 2000 }, 'traffic.size', ['min', 'max'])
  // Text bytes; a message shorter than its schedule tag (about 12 bytes) is sent as the bare tag.
  const min = int(sizeRaw.min, 'traffic.size.min', 1, MAX_TEXT_BYTES)
  const max = int(sizeRaw.max, 'traffic.size.max', min, MAX_TEXT_BYTES)

  if (raw.faults != null && !Array.isArray(raw.faults)) throw new ScenarioError('faults: expected a list')
  const faults = ((raw.faults ?? []) as unknown[]).map((f, i): Fault => {
    const field = `faults[${i}]`
    const r = mapping(f, field, ['at', 'restartRendezvous', 'downFor'])
    if (r.restartRendezvous == null) throw new ScenarioError(`${field}: expected restartRendezvous (the only fault so far)`)
    const atMs = duration(r.at, `${field}.at`)
    if (atMs >= durationMs) throw new ScenarioError(`${field}.at: must fall inside the traffic phase (before ${durationMs}ms)`)
    return {
      atMs,
      restartRendezvous: int(r.restartRendezvous, `${field}.restartRendezvous`, 0, rendezvous - 1),
      downForMs: r.downFor == null ? 0 : duration(r.downFor, `${field}.downFor`)
    }
  })
  const scenarioName = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim() : name
  return { name: scenarioName, seed, durationMs, drainMs, rendezvous, transport, peers, traffic: { dmPerPeerPerMinute, groups, size: { min, max } }, faults }
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
  return validateScenario(doc, basename(path, extname(path)))
}
