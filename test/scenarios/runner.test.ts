// The simulator end to end on real libp2p nodes: a small churn run delivers everything exactly once,
// and a rendezvous restart mid-run loses nothing it had acked as stored. Each run is its own
// `babacloud simulate` process: hundreds of node events in one process occasionally hit a known
// libp2p race that throws where no caller can catch it, which the command counts and survives but
// which a test runner sharing the process would report as a failure.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateScenario } from '../../node/simulate/scenario.ts'
import { generateSchedule } from '../../node/simulate/schedule.ts'
import { CSV_COLUMNS, OUTPUT_FILES } from '../../node/simulate/simulate.ts'
import { readCsv, simulate } from '../helpers/simulate.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Summary } from '../../node/simulate/results.ts'

/** A loaded CI machine can take minutes for a few seconds of simulated traffic plus process start. */
const SLOW = 300_000

describe('simulate', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('runs a churn scenario to full delivery and writes outputs that agree', async () => {
    const out = tempDir('babacloud-sim-test-')
    cleanup.add(out.remove)
    const doc = {
      name: 'churn-8',
      seed: 5,
      duration: '5s',
      drain: '30s',
      peers: { count: 8, availability: { kind: 'periodic', meanOnline: '2s', meanOffline: '2s' } },
      traffic: { dmPerPeerPerMinute: 30, groups: { count: 1, size: 3, messagesPerMinute: 12 }, size: { min: 20, max: 1500 } }
    }
    const summary = await simulate<Summary>(doc, out.dir, 240_000)

    expect(summary.sent).toBeGreaterThan(5)
    expect(summary).toMatchObject({ deliveryRatio: 1, duplicates: 0, storedAckedLost: 0, undelivered: 0, errors: [] })
    for (const f of OUTPUT_FILES) expect(readFileSync(join(out.dir, f), 'utf8').length).toBeGreaterThan(0)

    const rows = readCsv(join(out.dir, 'messages.csv'))
    expect(Object.keys(rows[0])).toEqual(CSV_COLUMNS)
    expect(rows).toHaveLength(summary.sent)
    expect(rows.filter(r => r.deliveredAt !== '')).toHaveLength(summary.delivered)
    expect(new Set(rows.map(r => r.path))).toSatisfy((paths: Set<string>) => [...paths].every(p => ['direct', 'relayed', 'webrtc', 'mailbox'].includes(p)))
    for (const r of rows) expect(Number(r.latencyMs)).toBe(Number(r.deliveredAt) - Number(r.sentAt))
    const byPath = summary.latencyMs.byPath
    expect(Object.values(byPath).reduce((n, s) => n + s.count, 0)).toBe(summary.delivered)
    expect({ ...JSON.parse(readFileSync(join(out.dir, 'summary.json'), 'utf8')), outDir: out.dir }).toEqual(summary)

    // schedule.json is exactly what the seed generates, so two runs can be compared.
    const written = JSON.parse(readFileSync(join(out.dir, 'schedule.json'), 'utf8'))
    expect(written.events).toEqual((await generateSchedule(validateScenario(doc))).events)
    expect(written.events.filter((e: { type: string }) => e.type === 'send')).toHaveLength(summary.sent)
    const html = readFileSync(join(out.dir, 'report.html'), 'utf8')
    expect(html.match(/<svg /g)).toHaveLength(5)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  }, SLOW)

  it('loses no message acked as stored across a rendezvous restart', async () => {
    const out = tempDir('babacloud-sim-restart-')
    cleanup.add(out.remove)
    // Peers 0-2 are always online; peers 3-5 only come online after the restart, so messages to
    // them before it are deposited, acked as stored, and must survive the node going down.
    const doc = {
      name: 'restart-6',
      seed: 6,
      duration: '9s',
      drain: '30s',
      peers: { count: 6, availability: { kind: 'timeline', online: [['7500ms', '9s']] }, cohorts: [{ count: 3, availability: { kind: 'always' } }] },
      traffic: { dmPerPeerPerMinute: 40, size: { min: 20, max: 400 } },
      faults: [{ at: '6s', restartRendezvous: 0, downFor: '300ms' }]
    }
    const schedule = await generateSchedule(validateScenario(doc))
    const toLate = schedule.events.filter(e => e.type === 'send' && e.to >= 3)
    expect(toLate.filter(e => e.t < 4000).length).toBeGreaterThanOrEqual(3)
    expect(toLate.filter(e => e.t > 6000 && e.t < 7500).length).toBeGreaterThanOrEqual(1)

    const summary = await simulate<Summary>(doc, out.dir, 240_000)
    expect(summary.errors).toEqual([])
    const [restart] = summary.faults
    expect(restart.upAgainAt).toBeGreaterThan(restart.stoppingAt)
    const rows = readCsv(join(out.dir, 'messages.csv'))
    // Judged by when the ack arrived, not by the schedule, so a slow machine cannot fool the test.
    const ackedBefore = rows.filter(r => r.sendStatus === 'stored' && Number(r.ackedAt) < restart.stoppingAt)
    expect(ackedBefore.length).toBeGreaterThanOrEqual(1)
    expect(ackedBefore.every(r => r.deliveredAt !== '' && r.path === 'mailbox' && Number(r.deliveredAt) > restart.stoppingAt)).toBe(true)
    expect(summary).toMatchObject({ storedAckedLost: 0, duplicates: 0, deliveryRatio: 1 })
  }, SLOW)

  it('with redundancy 2 loses nothing when a rendezvous dies for good with its data', async () => {
    const out = tempDir('babacloud-sim-kill-')
    cleanup.add(out.remove)
    // Peers are homed on both nodes (p0, p2, p4 on node 0 first). Peers 4 and 5 only come online
    // after node 0 is killed, so what was deposited for p4 before the kill exists only as the copy
    // on node 1.
    const doc = {
      name: 'kill-6',
      seed: 6,
      duration: '9s',
      drain: '30s',
      rendezvous: 2,
      redundancy: 2,
      peers: { count: 6, availability: { kind: 'timeline', online: [['7500ms', '9s']] }, cohorts: [{ count: 4, availability: { kind: 'always' } }] },
      traffic: { dmPerPeerPerMinute: 40, size: { min: 20, max: 400 } },
      faults: [{ at: '6s', killRendezvous: 0 }]
    }
    const schedule = await generateSchedule(validateScenario(doc))
    expect(schedule.peers[4].homes).toEqual([0, 1])
    expect(schedule.events.filter(e => e.type === 'send' && e.to === 4 && e.t < 4000).length).toBeGreaterThanOrEqual(2)

    const summary = await simulate<Summary>(doc, out.dir, 240_000)
    expect(summary.errors).toEqual([])
    expect(summary).toMatchObject({ redundancy: 2, deliveryRatio: 1, duplicates: 0, storedAckedLost: 0, undelivered: 0 })
    const [kill] = summary.faults
    expect(kill).toMatchObject({ rendezvous: 0, killed: true })
    expect(kill.upAgainAt).toBeUndefined()
    const rows = readCsv(join(out.dir, 'messages.csv'))
    const toDeadHome = rows.filter(r => r.to === 'p4' && r.sendStatus === 'stored' && Number(r.ackedAt) < kill.stoppingAt)
    expect(toDeadHome.length).toBeGreaterThanOrEqual(1)
    expect(toDeadHome.every(r => r.deliveredAt !== '' && r.path === 'mailbox' && Number(r.deliveredAt) > kill.stoppingAt)).toBe(true)
  }, SLOW)
})
