// The lab at scale, reduced: 150 churning peers on the memory transport run to completion through
// the real CLI, every message arrives, every peer node that was started ends stopped, nothing keeps
// a timer or socket alive, no stopped node stays reachable, and the heap comes back down once the
// peers are gone. The full
// 1,000-peer run (node/scenarios/examples/memory-1000.yaml) takes minutes and is documented in
// docs/research.md ("Scale") instead of running here.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Summary } from '../../node/simulate/results.ts'

const PEERS = 150

describe('simulate at scale', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it(`runs ${PEERS} memory peers to full delivery and stops every node`, async () => {
    const out = tempDir('babacloud-sim-scale-')
    cleanup.add(out.remove)
    const doc = {
      name: `memory-${PEERS}`,
      seed: PEERS,
      duration: '6s',
      // A deadline, not a wait: the run ends when everything arrived (~20 s here on a quiet box),
      // and a loaded machine gets the time to start the peers that were offline.
      drain: '120s',
      transport: 'memory',
      // About a fifth offline at any time, so some nodes stop and start again during traffic.
      peers: { count: PEERS, availability: { kind: 'periodic', meanOnline: '20s', meanOffline: '5s' } },
      traffic: { dmPerPeerPerMinute: 4, groups: { count: 2, size: 10, messagesPerMinute: 6 }, size: { min: 20, max: 600 } }
    }
    const file = join(out.dir, 'scenario.yaml')
    writeFileSync(file, stringify(doc))
    // --expose-gc: the heap readings before and after the run follow a full collection.
    const res = await runCli(['simulate', file, '--out', out.dir, '--json'], { timeout: 170_000, env: { NODE_OPTIONS: '--expose-gc' } })
    expect(res.code, res.stderr).toBe(0)
    const summary = JSON.parse(res.stdout) as Summary

    expect(summary.peers).toBe(PEERS)
    expect(summary.sent).toBeGreaterThan(40)
    expect(summary).toMatchObject({ deliveryRatio: 1, duplicates: 0, storedAckedLost: 0, errors: [] })
    expect(summary.wallTimeMs).toBeGreaterThan(0)

    // Every peer is online in the drain, and some also went off and on during traffic.
    const { peerNodesStarted, peerNodesStopped, peerNodesAlive, leakedHandles } = summary.afterStop
    expect(peerNodesStarted).toBeGreaterThan(PEERS)
    expect(peerNodesStopped).toBe(peerNodesStarted)
    expect(leakedHandles).toEqual({})
    // After a full collection nothing keeps a stopped peer's node (or its client) reachable.
    expect(peerNodesAlive).toBe(0)

    const m = summary.memory
    expect(m.collected).toBe(true)
    expect(summary.peakRssBytes).toBe(m.peakRssBytes)
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.peakSampledRssBytes)
    // The peers held well over 100 MiB of heap; with them gone, only a small remainder (the run's
    // records, module caches warmed by the run) stays live: about 12 MiB here, where ~0.25 MiB per
    // node started that stayed reachable made it 56–59 MiB.
    expect(m.peakHeapUsedBytes - m.heapUsedBeforeBytes).toBeGreaterThan(50 * 2 ** 20)
    expect(m.heapUsedAfterStopBytes - m.heapUsedBeforeBytes).toBeLessThan(24 * 2 ** 20)
  }, 180_000)
})
