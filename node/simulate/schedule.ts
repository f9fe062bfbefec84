// Turns a scenario into a schedule: every peer's online windows and every send, as plain data with
// times in ms from the start of traffic. Generated up front from the seed, so two runs of one
// scenario execute the same events and `schedule.json` files can be diffed.
import { DeviceIdentity } from '../../protocol/identity.ts'
import { Prng } from './prng.ts'
import type { Availability, NodeName, Scenario } from './scenario.ts'

/** Shortest online or offline spell: below it a "session" is just start-up cost. */
const MIN_SPELL_MS = 1_000

export interface SchedulePeer {
  name: string
  peerId: string
  /** 32-byte identity seed (hex): simulation keys, derived from the scenario seed. */
  identitySeed: string
  home: number
  /** With redundancy K > 1: every home, `home` first and then the next nodes in turn (K in all). */
  homes?: number[]
  onlineMs: Array<[number, number]>
  /** With `peers.clockSkew`: how far this peer's clock is off (ms, either way), drawn from the seed. */
  clockOffsetMs?: number
}

export interface ScheduleGroup {
  name: string
  home: number
  members: number[]
}

export type ScheduleEvent =
  | { t: number, type: 'online' | 'offline', peer: number }
  | { t: number, type: 'send', id: string, from: number, to: number, size: number, group?: number }
  | { t: number, type: 'restartRendezvous', rendezvous: number, downForMs: number }
  | { t: number, type: 'killRendezvous', rendezvous: number }
  /** Nodes in different groups lose their links until the `heal` with the same `partition` number. */
  | { t: number, type: 'partition', partition: number, groups: NodeName[][] }
  | { t: number, type: 'heal', partition: number }

export interface Schedule {
  seed: number
  durationMs: number
  drainMs: number
  peers: SchedulePeer[]
  groups: ScheduleGroup[]
  events: ScheduleEvent[]
}

function onlineWindows (availability: Availability, durationMs: number, rng: Prng): Array<[number, number]> {
  if (availability.kind === 'always') return [[0, durationMs]]
  if (availability.kind === 'timeline') return availability.onlineMs.map(([a, b]) => [a, b])
  const { meanOnlineMs, meanOfflineMs } = availability
  const spell = (mean: number): number => Math.max(Math.min(MIN_SPELL_MS, mean), Math.round(rng.exponential(mean)))
  const windows: Array<[number, number]> = []
  // Start in the stationary state, so the first seconds look like the rest of the run.
  let online = rng.next() < meanOnlineMs / (meanOnlineMs + meanOfflineMs)
  let t = 0
  while (t < durationMs) {
    const end = Math.min(durationMs, t + spell(online ? meanOnlineMs : meanOfflineMs))
    if (online) windows.push([t, end])
    online = !online
    t = end
  }
  return windows
}

/** Arrival times of a Poisson process that only runs while the peer is online. */
function arrivalsWhileOnline (windows: Array<[number, number]>, perMinute: number, rng: Prng): number[] {
  if (perMinute <= 0) return []
  const mean = 60_000 / perMinute
  const out: number[] = []
  for (const [from, to] of windows) {
    let t = from + rng.exponential(mean)
    while (t < to) {
      out.push(Math.floor(t))
      t += rng.exponential(mean)
    }
  }
  return out
}

function isOnline (windows: Array<[number, number]>, t: number): boolean {
  return windows.some(([a, b]) => t >= a && t < b)
}

function availabilityOf (scenario: Scenario, peer: number): Availability {
  let first = 0
  for (const c of scenario.peers.cohorts) {
    if (peer < first + c.count) return c.availability
    first += c.count
  }
  return scenario.peers.availability
}

const ORDER: Record<ScheduleEvent['type'], number> = { heal: 0, partition: 0, killRendezvous: 0, restartRendezvous: 0, offline: 1, online: 2, send: 3 }

export async function generateSchedule (scenario: Scenario): Promise<Schedule> {
  const root = new Prng(scenario.seed)
  const { count } = scenario.peers
  const peers: SchedulePeer[] = []
  for (let i = 0; i < count; i++) {
    const seed = root.fork(`identity/${i}`).bytes(32)
    const identity = await DeviceIdentity.fromSeed(seed)
    const home = i % scenario.rendezvous
    peers.push({
      name: `p${i}`,
      peerId: identity.peerId.toString(),
      identitySeed: Buffer.from(seed).toString('hex'),
      home,
      ...(scenario.redundancy > 1 ? { homes: Array.from({ length: scenario.redundancy }, (_, k) => (home + k) % scenario.rendezvous) } : {}),
      onlineMs: onlineWindows(availabilityOf(scenario, i), scenario.durationMs, root.fork(`availability/${i}`)),
      // Whole ms within ±skew; its own stream, so adding skew changes nothing else.
      ...(scenario.clockSkewMs > 0 ? { clockOffsetMs: root.fork(`clock/${i}`).int(-scenario.clockSkewMs, scenario.clockSkewMs) } : {})
    })
  }
  const events: Array<ScheduleEvent & { order: number }> = []
  const push = (e: ScheduleEvent, order: number): void => { events.push({ ...e, order }) }
  peers.forEach((p, i) => {
    for (const [from, to] of p.onlineMs) {
      push({ t: from, type: 'online', peer: i }, i)
      // Still online at the end of traffic: the peer simply stays on into the drain.
      if (to < scenario.durationMs) push({ t: to, type: 'offline', peer: i }, i)
    }
  })

  const { size, groups } = scenario.traffic
  // A peer's rendezvous is its home; ChatClient knows only its own, so DMs stay within a home.
  const byHome = (home: number): number[] => peers.flatMap((p, i) => p.home === home ? [i] : [])
  const sends: Array<Omit<Extract<ScheduleEvent, { type: 'send' }>, 'id'> & { order: number }> = []
  peers.forEach((p, i) => {
    const rng = root.fork(`dm/${i}`)
    const others = byHome(p.home).filter(j => j !== i)
    if (others.length === 0) return
    for (const t of arrivalsWhileOnline(p.onlineMs, scenario.traffic.dmPerPeerPerMinute, rng)) {
      sends.push({ t, type: 'send', from: i, to: rng.pick(others), size: rng.int(size.min, size.max), order: i })
    }
  })

  const scheduleGroups: ScheduleGroup[] = []
  if (groups != null && groups.messagesPerMinute > 0) {
    for (let g = 0; g < groups.count; g++) {
      const rng = root.fork(`group/${g}`)
      const home = g % scenario.rendezvous
      const members = rng.sample(byHome(home), groups.size).sort((a, b) => a - b)
      scheduleGroups.push({ name: `g${g}`, home, members })
      const mean = 60_000 / groups.messagesPerMinute
      for (let t = rng.exponential(mean); t < scenario.durationMs; t += rng.exponential(mean)) {
        const at = Math.floor(t)
        const online = members.filter(m => isOnline(peers[m].onlineMs, at))
        const textSize = rng.int(size.min, size.max)
        // Nobody in the group is using the app at that moment: no message.
        if (online.length === 0) continue
        const from = rng.pick(online)
        // Group messaging is not in ChatClient yet: one group message is a DM to each other member.
        for (const to of members) if (to !== from) sends.push({ t: at, type: 'send', from, to, size: textSize, group: g, order: count + g })
      }
    }
  }
  sends.sort((a, b) => a.t - b.t || a.order - b.order || a.to - b.to)
  sends.forEach((s, n) => { push({ ...s, id: `m${n + 1}` }, s.order) })

  let partitions = 0
  for (const f of scenario.faults) {
    if ('partition' in f) {
      const n = partitions++
      push({ t: f.atMs, type: 'partition', partition: n, groups: f.partition.map(g => [...g]) }, n)
      push({ t: f.atMs + f.forMs, type: 'heal', partition: n }, n)
    } else if ('killRendezvous' in f) push({ t: f.atMs, type: 'killRendezvous', rendezvous: f.killRendezvous }, f.killRendezvous)
    else push({ t: f.atMs, type: 'restartRendezvous', rendezvous: f.restartRendezvous, downForMs: f.downForMs }, f.restartRendezvous)
  }
  events.sort((a, b) => a.t - b.t || ORDER[a.type] - ORDER[b.type] || a.order - b.order)
  return {
    seed: scenario.seed,
    durationMs: scenario.durationMs,
    drainMs: scenario.drainMs,
    peers,
    groups: scheduleGroups,
    events: events.map(({ order, ...e }) => e as ScheduleEvent)
  }
}
