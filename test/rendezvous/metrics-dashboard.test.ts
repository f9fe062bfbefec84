// docs/grafana-dashboard.json queries only metrics a real node exports, and shows every one of them.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'

const DASHBOARD = fileURLToPath(new URL('../../docs/grafana-dashboard.json', import.meta.url))

interface Panel { title: string, targets?: Array<{ expr: string }>, panels?: Panel[] }

function exprsOf (panels: Panel[]): Array<{ title: string, expr: string }> {
  return panels.flatMap(p => [...(p.targets ?? []).map(t => ({ title: p.title, expr: t.expr })), ...exprsOf(p.panels ?? [])])
}

describe('Grafana dashboard', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('queries metric names the node exports, and leaves none of them out', async () => {
    const rv = await startRendezvous(cleanup)
    const exported = new Set([...(await rv.node.metricsText()).matchAll(/^# TYPE (\S+) \S+$/gm)].map(m => m[1]))
    expect(exported.size).toBeGreaterThan(5)

    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }
    const exprs = exprsOf(dashboard.panels)
    expect(exprs.length).toBeGreaterThan(5)
    const queried = new Set<string>()
    for (const { title, expr } of exprs) {
      // Label names and values sit inside {…} or by (…); what is left that looks like a metric must be one.
      const names = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '').match(/\bbabacloud_[a-z0-9_]+/g) ?? []
      expect(names.length, `${title}: ${expr}`).toBeGreaterThan(0)
      for (const name of names) {
        expect(exported.has(name), `${title}: ${name} is not exported by the node`).toBe(true)
        queried.add(name)
      }
    }
    expect([...exported].filter(name => !queried.has(name))).toEqual([])
  })
})
