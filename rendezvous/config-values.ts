// Parsers for the config file's values, shared by every section's resolver (billing's too).

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** "90s", "30d", "250ms" or a number of ms. */
export function parseDuration (value: unknown, field: string): number {
  if (typeof value === 'number' && value >= 0) return value
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value) : null
  if (m == null) throw new ConfigError(`${field}: expected a duration like "90s" or "30d", got ${JSON.stringify(value)}`)
  return Math.round(Number(m[1]) * UNITS_MS[m[2].toLowerCase()])
}

/** "50MB", "64kb" or a number of bytes. */
export function parseSize (value: unknown, field: string): number {
  if (typeof value === 'number' && value >= 0) return value
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value) : null
  if (m == null) throw new ConfigError(`${field}: expected a size like "64KB" or "50MB", got ${JSON.stringify(value)}`)
  return Math.round(Number(m[1]) * UNITS_BYTES[m[2].toLowerCase()])
}
