// Disappearing-message timers as people read and type them: "1 day", "30s", "off". Shared by the CLI
// and the web app so both say the same.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { checkTimer } from './disappearing.ts'

const UNITS: Array<[string, number, string]> = [
  ['w', 7 * 24 * 3600, 'week'],
  ['d', 24 * 3600, 'day'],
  ['h', 3600, 'hour'],
  ['m', 60, 'minute'],
  ['s', 1, 'second']
]

/** "1 day", "90 seconds", "off": the largest unit that divides the timer exactly. */
export function describeTimer (seconds: number): string {
  if (seconds === 0) return 'off'
  const [, size, name] = UNITS.find(([, size]) => seconds % size === 0) ?? UNITS[UNITS.length - 1]
  const n = seconds / size
  return `${n} ${name}${n === 1 ? '' : 's'}`
}

/** Parses "off", "30" (seconds), "30s", "5m", "1h", "1d", "2w" into bounded seconds; throws INVALID. */
export function parseTimer (text: string): number {
  const t = text.trim().toLowerCase()
  if (t === 'off' || t === '0') return 0
  const m = /^(\d{1,9})\s*([smhdw]?)$/.exec(t)
  if (m == null) throw new ProtocolError(ErrorCode.INVALID, `not a duration: ${JSON.stringify(text)} (e.g. 30s, 5m, 1h, 1d, 1w or off)`)
  const unit = UNITS.find(([u]) => u === (m[2] === '' ? 's' : m[2]))
  const seconds = Number(m[1]) * (unit?.[1] ?? 1)
  checkTimer(seconds)
  return seconds
}

/** The system line: "Alice set disappearing messages to 1 day" / "… turned disappearing messages off". */
export function timerLine (who: string, seconds: number): string {
  return seconds === 0 ? `${who} turned disappearing messages off` : `${who} set disappearing messages to ${describeTimer(seconds)}`
}
