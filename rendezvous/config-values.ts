// Parsers for the config file's values, shared by every section's schema (billing's too).
import { z } from 'zod'

/** A config file (or config value) the node cannot run with; `key` is the path in the file, e.g. `mailbox.maxMessages`. */
export class ConfigError extends Error {
  static readonly code = 'BAD_CONFIG'
  readonly code = 'BAD_CONFIG'
  readonly file?: string
  readonly key?: string

  constructor (message: string, where: { file?: string, key?: string } = {}) {
    super(message)
    this.name = 'ConfigError'
    this.file = where.file
    this.key = where.key
  }
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

export const DURATION_EXPECTED = 'expected a duration like "90s" or "30d"'
export const SIZE_EXPECTED = 'expected a size like "64KB" or "50MB"'

function read (value: unknown, units: Record<string, number>): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = new RegExp(`^\\s*(\\d+(?:\\.\\d+)?)\\s*(${Object.keys(units).join('|')})\\s*$`, 'i').exec(value)
  return m == null ? undefined : Math.round(Number(m[1]) * units[m[2].toLowerCase()])
}

/** "90s", "30d", "250ms" or a whole number of ms; undefined for anything else. */
export function readDuration (value: unknown): number | undefined {
  return read(value, UNITS_MS)
}

/** "50MB", "64kb" or a whole number of bytes; undefined for anything else. */
export function readSize (value: unknown): number | undefined {
  return read(value, UNITS_BYTES)
}

export function parseDuration (value: unknown, field: string): number {
  const ms = readDuration(value)
  if (ms == null) throw new ConfigError(`${field}: ${DURATION_EXPECTED}, got ${JSON.stringify(value)}`, { key: field })
  return ms
}

export function parseSize (value: unknown, field: string): number {
  const bytes = readSize(value)
  if (bytes == null) throw new ConfigError(`${field}: ${SIZE_EXPECTED}, got ${JSON.stringify(value)}`, { key: field })
  return bytes
}

// Schema parts for the values above, with the message an operator reads when one is wrong.

/** A whole number ≥ 1 (or ≥ min, ≤ max). */
export function count (bounds: { min?: number, max?: number, why?: string } = {}): z.ZodNumber {
  const min = bounds.min ?? 1
  const expected = bounds.max == null ? (min === 1 ? 'expected a positive integer' : `expected an integer of at least ${min}`) : `expected an integer from ${min} to ${bounds.max}${bounds.why != null ? ` (${bounds.why})` : ''}`
  const s = z.number({ error: expected }).int({ error: expected }).min(min, { error: expected })
  return bounds.max == null ? s : s.max(bounds.max, { error: expected })
}

function unitValue (reader: (v: unknown) => number | undefined, expected: string, positive: boolean): z.ZodPipe<z.ZodUnknown, z.ZodTransform<number, unknown>> {
  return z.unknown().transform((value, ctx) => {
    const n = reader(value)
    if (n == null || (positive && n <= 0)) {
      ctx.issues.push({ code: 'custom', message: n == null ? expected : `${expected}, longer than zero`, input: value })
      return z.NEVER
    }
    return n
  })
}

/** A duration in ms, written "90s"/"30d" or as a number of ms; zero refused unless `zero`. */
export function duration (options: { zero?: boolean } = {}): z.ZodPipe<z.ZodUnknown, z.ZodTransform<number, unknown>> {
  return unitValue(readDuration, DURATION_EXPECTED, options.zero !== true)
}

/** A size in bytes, written "64KB"/"1GB" or as a number of bytes; zero refused. */
export function size (): z.ZodPipe<z.ZodUnknown, z.ZodTransform<number, unknown>> {
  return unitValue(readSize, SIZE_EXPECTED, true)
}

/** Non-blank text, trimmed. */
export function text (): z.ZodString {
  return z.string({ error: 'expected text' }).trim().min(1, { error: 'expected text' })
}

export function url (): z.ZodString {
  return text().refine(v => URL.canParse(v), { error: 'expected a URL' })
}

/** "host:port", port 0–65535 (0: any free port). */
export function hostPort (expected = 'expected "host:port"'): z.ZodString {
  return z.string({ error: expected }).regex(/^.+:\d{1,5}$/, { error: expected }).refine(v => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, { error: `${expected} with a port up to 65535` })
}
