import { describe, expect, it } from 'vitest'
import { formatSafetyNumber, generateIdentity, safetyNumber } from '../../../../protocol/crypto/x3dh/index.ts'
import { flip, seededRandom } from '../helpers.ts'

describe('safety numbers', () => {
  const random = seededRandom('safety')
  const alice = generateIdentity({ randomBytes: random }).publicKey
  const bob = generateIdentity({ randomBytes: random }).publicKey
  const number = safetyNumber(alice, '12D3KooWAlice', bob, '12D3KooWBob')

  it('both sides compute the same 60 digits', () => {
    expect(number).toMatch(/^\d{60}$/)
    expect(safetyNumber(bob, '12D3KooWBob', alice, '12D3KooWAlice')).toBe(number)
  })

  it('changes when either key or either id changes', () => {
    const other = generateIdentity({ randomBytes: random }).publicKey
    const variants = [
      safetyNumber(other, '12D3KooWAlice', bob, '12D3KooWBob'),
      safetyNumber(alice, '12D3KooWAlice', other, '12D3KooWBob'),
      safetyNumber(alice, '12D3KooWAlice', flip(bob, 0), '12D3KooWBob'),
      safetyNumber(alice, '12D3KooWAlicf', bob, '12D3KooWBob')
    ]
    for (const v of variants) expect(v).not.toBe(number)
    // Only the half belonging to the changed side moves.
    const halves = (s: string): string[] => [s.slice(0, 30), s.slice(30)]
    const changedBob = halves(variants[1])
    expect(changedBob.filter((h) => halves(number).includes(h))).toHaveLength(1)
  })

  it('formats as twelve groups of five', () => {
    expect(formatSafetyNumber(number).split(' ')).toHaveLength(12)
  })
})
