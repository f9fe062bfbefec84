// A small line-chart renderer producing standalone SVG, so report.html needs no scripts or external
// assets and renders the same in any browser or image converter.

export interface Series {
  name: string
  color: string
  points: Array<[number, number]>
  /** Draw as steps (a value holds until the next point), e.g. counts over time. */
  step?: boolean
}

export interface ChartOptions {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  width?: number
  height?: number
  /** Label x ticks, e.g. ms → "12s". */
  formatX?: (v: number) => string
  formatY?: (v: number) => string
  yMax?: number
  /** Logarithmic x axis (latency spans ms to tens of seconds). */
  logX?: boolean
  /** The y values are counts: no fractional ticks. */
  integerY?: boolean
  /** Vertical dashed lines at these x values (phase changes, faults). */
  markers?: Array<{ x: number, label: string }>
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** About five round tick values covering [0, max]; whole numbers only for counts. */
export function niceTicks (max: number, integer = false): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / 5
  const mag = 10 ** Math.floor(Math.log10(raw))
  const nice = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) ?? raw
  const step = integer ? Math.max(1, Math.round(nice)) : nice
  const ticks: number[] = []
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)))
  return ticks
}

/** Decades, with 2 and 5 in between only when few decades are shown (else labels collide). */
function logTicks (min: number, max: number): number[] {
  const first = Math.floor(Math.log10(min))
  const last = Math.ceil(Math.log10(max))
  const steps = last - first <= 2 ? [1, 2, 5] : [1]
  const ticks: number[] = []
  for (let e = first; e <= last; e++) {
    for (const m of steps) {
      const v = m * 10 ** e
      if (v <= 10 ** last) ticks.push(v)
    }
  }
  return ticks
}

export function lineChart (o: ChartOptions): string {
  const width = o.width ?? 540
  const height = o.height ?? 300
  const m = { left: 64, right: 16, top: 46, bottom: 48 }
  const pw = width - m.left - m.right
  const ph = height - m.top - m.bottom
  const fx = o.formatX ?? String
  const fy = o.formatY ?? String
  const all = o.series.flatMap(s => s.points)
  const yTicks = niceTicks(o.yMax ?? Math.max(0, ...all.map(p => p[1])), o.integerY === true)
  const yMax = yTicks[yTicks.length - 1]
  let xTicks: number[]
  let sx: (v: number) => number
  if (o.logX === true) {
    const xs = all.map(p => Math.max(1, p[0]))
    const lo = Math.max(1, Math.min(...xs, 10))
    const hi = Math.max(lo * 10, ...xs)
    xTicks = logTicks(lo, hi)
    const a = Math.log10(xTicks[0])
    const b = Math.log10(xTicks[xTicks.length - 1])
    sx = v => m.left + ((Math.log10(Math.max(v, xTicks[0])) - a) / (b - a)) * pw
  } else {
    xTicks = niceTicks(Math.max(0, ...all.map(p => p[0])))
    const xMax = xTicks[xTicks.length - 1]
    sx = v => m.left + (v / xMax) * pw
  }
  const sy = (v: number): number => m.top + ph - (v / yMax) * ph
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<text x="${m.left}" y="18" font-size="13" font-weight="600">${escape(o.title)}</text>`
  ]
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e7eb"/>`,
      `<text x="${m.left - 6}" y="${sy(t) + 4}" text-anchor="end" fill="#374151">${escape(fy(t))}</text>`)
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${m.top}" y2="${m.top + ph}" stroke="#f3f4f6"/>`,
      `<text x="${sx(t)}" y="${m.top + ph + 16}" text-anchor="middle" fill="#374151">${escape(fx(t))}</text>`)
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${m.left + pw / 2}" y="${height - 8}" text-anchor="middle" fill="#111827">${escape(o.xLabel)}</text>`,
    `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${escape(o.yLabel)}</text>`)
  o.series.forEach((s, i) => {
    if (s.points.length > 0) {
      let d = ''
      s.points.forEach(([x, y], j) => {
        const X = sx(x).toFixed(1)
        const Y = sy(y).toFixed(1)
        if (j === 0) d += `M${X},${Y}`
        else d += s.step === true ? `H${X}V${Y}` : `L${X},${Y}`
      })
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`)
    }
    // Legend in the band between title and plot, so it never hides a line.
    const lx = m.left + i * 120
    parts.push(`<rect x="${lx}" y="${m.top - 14}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${lx + 14}" y="${m.top - 5}" fill="#111827">${escape(s.name)}</text>`)
  })
  for (const mk of o.markers ?? []) {
    const x = sx(mk.x)
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="#6b7280" stroke-dasharray="4 3"/>`,
      `<text x="${x + 3}" y="${m.top + 12}" fill="#4b5563">${escape(mk.label)}</text>`)
  }
  parts.push('</svg>')
  return parts.join('\n')
}
