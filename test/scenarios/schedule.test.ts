// The schedule is a pure function of the scenario: same seed, same events; another seed, others.
import { describe, expect, it } from 'vitest'
import { Prng } from '../../node/simulate/prng.ts'
import { generateSchedule } from '../../node/simulate/schedule.ts'
import { ScenarioError, validateScenario } from '../../node/simulate/scenario.ts'

const doc = {
  seed: 42,
  duration: '60s',
  drain: '10s',
  peers: { count: 20, availability: { kind: 'periodic', meanOnline: '10s', meanOffline: '15s' } },
  traffic: { dmPerPeerPerMinute: 6, groups: { count: 2, size: 5, messagesPerMinute: 4 }, size: { min: 20, max: 2000 } },
  faults: [{ at: '30s', restartRendezvous: 0 }]
}

describe('scenario schedule', () => {
  it('is identical for the same seed and differs for another', async () => {
    const a = await generateSchedule(validateScenario(doc))
    const b = await generateSchedule(validateScenario(structuredClone(doc)))
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    const c = await generateSchedule(validateScenario({ ...doc, seed: 43 }))
    expect(c.events).not.toEqual(a.events)
    expect(c.peers.map(p => p.peerId)).not.toEqual(a.peers.map(p => p.peerId))

    // Sanity of what was generated: sends only while the sender is online, times sorted.
    const sends = a.events.filter(e => e.type === 'send')
    expect(sends.length).toBeGreaterThan(20)
    expect(sends.some(e => e.group != null)).toBe(true)
    for (const e of sends) {
      expect(a.peers[e.from].onlineMs.some(([from, to]) => e.t >= from && e.t < to)).toBe(true)
      expect(e.to).not.toBe(e.from)
    }
    expect(a.events.map(e => e.t)).toEqual([...a.events.map(e => e.t)].sort((x, y) => x - y))
    expect(a.events.filter(e => e.type === 'restartRendezvous')).toEqual([{ t: 30_000, type: 'restartRendezvous', rendezvous: 0, downForMs: 0 }])
  })

  it('homes each peer on K nodes with redundancy K, and schedules a kill, without changing the traffic', async () => {
    const one = await generateSchedule(validateScenario({ ...doc, rendezvous: 3 }))
    const two = await generateSchedule(validateScenario({ ...doc, rendezvous: 3, redundancy: 2, faults: [{ at: '30s', killRendezvous: 1 }] }))
    expect(one.peers.every(p => p.homes == null)).toBe(true)
    expect(two.peers.map(p => p.homes)).toEqual(two.peers.map((_, i) => [i % 3, (i + 1) % 3]))
    expect(two.events.filter(e => e.type === 'send')).toEqual(one.events.filter(e => e.type === 'send'))
    expect(two.events.filter(e => e.type === 'killRendezvous')).toEqual([{ t: 30_000, type: 'killRendezvous', rendezvous: 1 }])
  })

  it('keeps availability independent of traffic settings', async () => {
    const a = await generateSchedule(validateScenario(doc))
    const b = await generateSchedule(validateScenario({ ...doc, traffic: { ...doc.traffic, dmPerPeerPerMinute: 1 } }))
    expect(b.peers.map(p => p.onlineMs)).toEqual(a.peers.map(p => p.onlineMs))
  })

  it('gives cohorts their own availability', async () => {
    const s = await generateSchedule(validateScenario({
      ...doc,
      peers: { count: 6, cohorts: [{ count: 2, availability: { kind: 'always' } }], availability: { kind: 'timeline', online: [['20s', '40s']] } }
    }))
    expect(s.peers.map(p => p.onlineMs)).toEqual([[[0, 60_000]], [[0, 60_000]], ...Array(4).fill([[20_000, 40_000]])])
  })

  it('implements xoshiro128** over splitmix32 reproducibly', () => {
    const a = new Prng(1)
    const b = new Prng(1)
    const xs = Array.from({ length: 5 }, () => a.nextU32())
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs)
    expect(new Prng(1).fork('x').nextU32()).not.toBe(new Prng(1).fork('y').nextU32())
    for (let i = 0; i < 1000; i++) {
      const v = a.next()
      expect(v >= 0 && v < 1).toBe(true)
    }
  })

  it('names the field in validation errors', () => {
    const bad = (patch: Record<string, unknown>): string => {
      try {
        validateScenario({ ...doc, ...patch })
      } catch (err) {
        expect(err).toBeInstanceOf(ScenarioError)
        return (err as Error).message
      }
      throw new Error('expected a ScenarioError')
    }
    expect(bad({ seed: 'x' })).toMatch(/^seed:/)
    expect(bad({ duration: 'soon' })).toMatch(/^duration:/)
    expect(bad({ transport: 'udp' })).toMatch(/^transport:/)
    expect(bad({ peers: { count: 1 } })).toMatch(/^peers\.count:/)
    expect(bad({ peers: { count: 5, availability: { kind: 'periodic', meanOnline: '1s' } } })).toMatch(/^peers\.availability\.meanOffline:/)
    expect(bad({ peers: { count: 5, availabilty: { kind: 'always' } } })).toMatch(/^peers\.availabilty: unknown key \(did you mean availability\?\)$/)
    expect(bad({ traffic: { groups: { count: 1, size: 50, messagesPerMinute: 1 } } })).toMatch(/^traffic\.groups\.size:/)
    expect(bad({ faults: [{ at: '90s', restartRendezvous: 0 }] })).toMatch(/^faults\[0\]\.at:/)
    expect(bad({ faults: [{ at: '10s', restartRendezvous: 1 }] })).toMatch(/^faults\[0\]\.restartRendezvous:/)
    expect(bad({ peers: { count: 3, cohorts: [{ count: 4, availability: { kind: 'always' } }] } })).toMatch(/^peers\.cohorts\[0\]\.count:/)
    expect(bad({ peers: { count: 3, cohorts: [{ count: 1, availability: { kind: 'sometimes' } }] } })).toMatch(/^peers\.cohorts\[0\]\.availability\.kind:/)
  })

  it('schedules partitions and their heals, and draws clock offsets, the same for the same seed', async () => {
    const hostile = {
      ...doc,
      peers: { ...doc.peers, clockSkew: '2m' },
      network: { latency: '80ms', loss: 0.01 },
      faults: [{ at: '10s', partition: [[0, 1, 'rv0'], [2, 'p3']], for: '20s' }, { at: '15s', partition: [[4], [5]], for: '5s' }]
    }
    const a = await generateSchedule(validateScenario(hostile))
    const b = await generateSchedule(validateScenario(structuredClone(hostile)))
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    expect(a.events.filter(e => e.type === 'partition' || e.type === 'heal')).toEqual([
      { t: 10_000, type: 'partition', partition: 0, groups: [['p0', 'p1', 'rv0'], ['p2', 'p3']] },
      { t: 15_000, type: 'partition', partition: 1, groups: [['p4'], ['p5']] },
      { t: 20_000, type: 'heal', partition: 1 },
      { t: 30_000, type: 'heal', partition: 0 }
    ])
    const offsets = a.peers.map(p => p.clockOffsetMs as number)
    for (const o of offsets) expect(Math.abs(o)).toBeLessThanOrEqual(120_000)
    expect(new Set(offsets).size).toBeGreaterThan(10)
    // The hostile settings change neither who is online nor what is sent.
    const plain = await generateSchedule(validateScenario(doc))
    expect(a.peers.map(p => p.onlineMs)).toEqual(plain.peers.map(p => p.onlineMs))
    expect(a.events.filter(e => e.type === 'send')).toEqual(plain.events.filter(e => e.type === 'send'))
    expect(plain.peers.every(p => p.clockOffsetMs == null)).toBe(true)
    const other = await generateSchedule(validateScenario({ ...hostile, seed: 43 }))
    expect(other.peers.map(p => p.clockOffsetMs)).not.toEqual(offsets)
  })
})
