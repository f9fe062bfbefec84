// Date separators: "Today", "Yesterday", the weekday within the week, then the date; one separator
// before the first message of each local day.
import { expect, it } from 'vitest'
import { dayLabel, localDate, withDaySeparators } from '../../web/components/day-separators.ts'

const now = new Date(2026, 11, 3, 9, 30).getTime()
const daysAgo = (n: number, hour = 12): number => new Date(2026, 11, 3 - n, hour).getTime()

it('labels today, yesterday, the last week by weekday and older days by date', () => {
  expect(dayLabel(daysAgo(0, 0), now)).toBe('Today')
  expect(dayLabel(daysAgo(1, 23), now)).toBe('Yesterday')
  expect(dayLabel(daysAgo(1, 0), now)).toBe('Yesterday')
  expect(dayLabel(daysAgo(3), now)).toBe(new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(daysAgo(3)))
  expect(dayLabel(daysAgo(6), now)).toBe(new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(daysAgo(6)))
  // A week or more ago: the date, with the year only when it is another year.
  expect(dayLabel(daysAgo(7), now)).toBe(new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'long' }).format(daysAgo(7)))
  expect(dayLabel(daysAgo(400), now)).toContain('2025')
  expect(localDate(daysAgo(2))).toBe('2026-12-01')
})

it('puts one separator before the first message of each day', () => {
  const items = [daysAgo(2, 8), daysAgo(2, 20), daysAgo(0, 1), daysAgo(0, 2)].map((sentAt, i) => ({ sentAt, i }))
  const out = withDaySeparators(items, m => m.i, now)
  expect(out.map(x => typeof x === 'number' ? x : '|')).toEqual(['|', 0, 1, '|', 2, 3])
  expect(withDaySeparators([], () => 0, now)).toEqual([])
})
