// report.html: the summary as a table and inline SVG charts (latency CDF, delivered over time, peers
// online, mailbox size). Self-contained: no scripts, fonts or external assets.
import { latencyOf } from './results.ts'
import { lineChart } from './svg-chart.ts'
import type { MessageRecord, RunResult, Summary } from './results.ts'
import type { Fault } from './scenario.ts'
import type { Series } from './svg-chart.ts'

const COLORS: Record<string, string> = { all: '#111827', direct: '#2563eb', relayed: '#16a34a', webrtc: '#9333ea', mailbox: '#ea580c' }
const MAX_POINTS = 800

const seconds = (ms: number): string => `${Number((ms / 1000).toPrecision(3))}s`
export const latencyLabel = (ms: number): string => ms >= 1000 ? seconds(ms) : `${ms}ms`
export const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Keeps every n-th point (and the last) so a 100k-message run still yields a small file. */
function thin (points: Array<[number, number]>): Array<[number, number]> {
  if (points.length <= MAX_POINTS) return points
  const step = Math.ceil(points.length / MAX_POINTS)
  return points.filter((_, i) => i % step === 0 || i === points.length - 1)
}

/** The cumulative distribution of `latencies` as chart points (at least 1 ms, for the log axis). */
export function cdf (latencies: number[]): Array<[number, number]> {
  const sorted = [...latencies].sort((a, b) => a - b)
  return thin(sorted.map((v, i) => [Math.max(1, v), (i + 1) / sorted.length]))
}

/** Running count of events at the given times, as a step series starting at 0. */
function cumulative (times: number[]): Array<[number, number]> {
  const sorted = [...times].sort((a, b) => a - b)
  return thin([[0, 0], ...sorted.map((t, i): [number, number] => [t, i + 1])])
}

function latencyChart (records: MessageRecord[]): string {
  const delivered = records.filter(r => r.deliveredAt != null)
  const series: Series[] = [{ name: `all (${delivered.length})`, color: COLORS.all, points: cdf(delivered.map(r => latencyOf(r) ?? 0)) }]
  for (const path of ['direct', 'relayed', 'webrtc', 'mailbox'] as const) {
    const l = delivered.filter(r => r.path === path).map(r => latencyOf(r) ?? 0)
    if (l.length > 0) series.push({ name: `${path} (${l.length})`, color: COLORS[path], points: cdf(l) })
  }
  return lineChart({ title: 'Latency CDF (send → recipient event)', xLabel: 'latency (log scale)', yLabel: 'fraction delivered', series, logX: true, yMax: 1, formatX: latencyLabel, formatY: v => `${Math.round(v * 100)}%` })
}

function networkLine (n: NonNullable<Summary['network']>): string {
  const rate = n.bandwidthBytesPerSecond != null && n.bandwidthBytesPerSecond > 0 ? `${Math.round(n.bandwidthBytesPerSecond * 8 / 1000)} kbit/s` : 'unlimited'
  return `latency ${n.latencyMs ?? 0} ± ${n.jitterMs ?? 0} ms, loss ${((n.loss ?? 0) * 100).toFixed(1)}% of segments, bandwidth ${rate}; ` +
    `partitions cut ${n.connectionsCut} connections and held ${n.dialsBlocked} dials unanswered`
}

function mib (bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`
}

function row (label: string, value: string | number): string {
  return `<tr><th>${escape(label)}</th><td>${escape(String(value))}</td></tr>`
}

/** Where a fault shows on the charts over time: a partition as its start and its heal. */
export function faultMarkers (f: Fault): Array<{ x: number, label: string }> {
  if ('partition' in f) {
    const groups = f.partition.map(g => g.join(' ')).join(' | ')
    return [{ x: f.atMs, label: `partition ${groups}` }, { x: f.atMs + f.forMs, label: 'heal' }]
  }
  return [{ x: f.atMs, label: 'killRendezvous' in f ? `kill rv${f.killRendezvous}` : `restart rv${f.restartRendezvous}` }]
}

export function renderReport (summary: Summary, run: RunResult, faults: Fault[] = []): string {
  const { records, samples } = run
  const latency = summary.latencyMs
  const paths = Object.entries(latency.byPath).map(([k, v]) => `${k}: ${v.count} (p50 ${v.p50 ?? '–'} / p95 ${v.p95 ?? '–'} ms)`).join('; ')
  const table = [
    row('scenario', `${summary.scenario} (seed ${summary.seed}, ${summary.transport}, ${summary.peers} peers, ${summary.rendezvous} rendezvous)`),
    row('traffic / drain', `${seconds(summary.durationMs)} / up to ${seconds(summary.drainMs)}; last delivery or give-up at ${seconds(summary.endedAtMs)}`),
    row('wall time', `${seconds(summary.wallTimeMs)} (of which ${seconds(summary.startupMs)} starting the peers online at 0s)`),
    row('sent / delivered', `${summary.sent} / ${summary.delivered} (ratio ${summary.deliveryRatio.toFixed(4)})`),
    row('duplicates / resent', `${summary.duplicates} / ${summary.resent}`),
    row('stored: acked / held at end / lost', `${summary.storedAcked} / ${summary.storedAckedHeld} / ${summary.storedAckedLost}`),
    row('retried sends / failed', `${summary.retried} / ${summary.failed}`),
    row('latency p50 / p95 / p99', `${latency.p50 ?? '–'} / ${latency.p95 ?? '–'} / ${latency.p99 ?? '–'} ms`),
    row('by path', paths === '' ? '–' : paths),
    row('mailbox peak', `${summary.mailbox.peakEnvelopes} envelopes, ${summary.mailbox.peakBytes} bytes`),
    row('envelope bytes', `${summary.bytes.total} (live ${summary.bytes.live}, mailbox ${summary.bytes.mailbox})`),
    row('process memory', `peak RSS ${mib(summary.memory.peakRssBytes)}, peak heap ${mib(summary.memory.peakHeapUsedBytes)}; after stop RSS ${mib(summary.memory.rssAfterStopBytes)}, heap ${mib(summary.memory.heapUsedAfterStopBytes)} (before the run ${mib(summary.memory.heapUsedBeforeBytes)}${summary.memory.collected ? ', both after a full collection' : ', not collected: run with --expose-gc'})`),
    row('peer nodes started / stopped / still reachable', `${summary.afterStop.peerNodesStarted} / ${summary.afterStop.peerNodesStopped} / ${summary.afterStop.peerNodesAlive}; handles left: ${Object.entries(summary.afterStop.leakedHandles).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`),
    ...(summary.network != null ? [row('network', networkLine(summary.network))] : []),
    ...summary.partitions.map(p => row(`partition ${p.partition}`, `${p.groups.map(g => `[${g.join(', ')}]`).join(' / ')} from ${seconds(p.startedAt)} to ${p.healedAt != null ? seconds(p.healedAt) : 'the end'}`)),
    ...(summary.clockOffsetMs != null ? [row('peer clock offsets', `${latencyLabel(summary.clockOffsetMs.min)} to ${latencyLabel(summary.clockOffsetMs.max)}`)] : []),
    row('scheduler lag p95 / max', `${summary.schedulerLagMs.p95} / ${summary.schedulerLagMs.max} ms`),
    ...summary.errors.map(e => row('error', e))
  ].join('\n')
  const markers = [...faults.flatMap(faultMarkers), { x: summary.durationMs, label: 'drain' }]
  const over = (title: string, yLabel: string, series: Series[]): string =>
    lineChart({ title, xLabel: 'time since traffic start', yLabel, series, formatX: seconds, markers, integerY: true })
  const charts = [
    latencyChart(records),
    over('Messages over time', 'messages', [
      { name: 'sent', color: '#6b7280', step: true, points: cumulative(records.flatMap(r => r.sentAt != null ? [r.sentAt] : [])) },
      { name: 'delivered', color: '#16a34a', step: true, points: cumulative(records.flatMap(r => r.deliveredAt != null ? [r.deliveredAt] : [])) }
    ]),
    over('Peers online', 'peers', [{ name: 'online', color: '#2563eb', step: true, points: thin(samples.map(s => [s.t, s.online])) }]),
    over('Mailbox size (all rendezvous)', 'envelopes waiting', [{ name: 'envelopes', color: '#ea580c', step: true, points: thin(samples.map(s => [s.t, s.mailboxEnvelopes])) }]),
    over('Process memory', 'MiB', [
      { name: 'RSS', color: '#7c3aed', points: thin(samples.map(s => [s.t, Math.round(s.rssBytes / 2 ** 20)])) },
      { name: 'heap used', color: '#0891b2', points: thin(samples.map(s => [s.t, Math.round(s.heapUsedBytes / 2 ** 20)])) }
    ])
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BabaCloud simulation: ${escape(summary.scenario)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #111827; max-width: 1180px }
table { border-collapse: collapse; margin-bottom: 16px }
th, td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top }
th { font-weight: 600; white-space: nowrap }
.charts { display: flex; flex-wrap: wrap; gap: 16px }
.charts svg { border: 1px solid #e5e7eb; background: #fff }
p.note { color: #4b5563; max-width: 900px }
</style></head>
<body>
<h1>Simulation report: ${escape(summary.scenario)}</h1>
<table>${table}</table>
<div class="charts">
${charts.join('\n')}
</div>
<p class="note">Times are ms from the start of the traffic phase. Latency runs from the first send attempt to the recipient's
message event, so mailbox latency includes the time the recipient was offline. Bytes: ${escape(summary.bytes.note)}.</p>
</body></html>
`
}
