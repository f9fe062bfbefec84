/**
 * Property: over any interleaving of sends in both directions, with messages delivered in any
 * order, dropped, duplicated, tampered with, and states reloaded from bytes, every message that
 * arrives decrypts exactly once to its plaintext, every replay or forgery is rejected with its typed
 * error, and no rejection changes the receiver's state.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  CryptoError, CryptoErrorCode, deserializeState, ratchetDecrypt, ratchetEncrypt, serializeState
} from '../../../../protocol/crypto/ratchet/index.ts'
import type { RatchetHeader, RatchetState } from '../../../../protocol/crypto/ratchet/index.ts'
import { decodeText, flip, text } from '../helpers.ts'
import { Pair } from './fixtures.ts'

type Party = 'alice' | 'bob'

type Command =
  | { kind: 'send', from: Party }
  | { kind: 'deliver', pick: number, keepCopy: boolean }
  | { kind: 'tamper', pick: number, byte: number }
  | { kind: 'drop', pick: number }
  | { kind: 'reload', who: Party }
  | { kind: 'replay', pick: number }

interface InFlight {
  to: Party
  header: RatchetHeader
  ciphertext: Uint8Array
  plaintext: string
  id: number
}

const party = fc.constantFrom<Party>('alice', 'bob')
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('send' as const), from: party }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), keepCopy: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('tamper' as const), pick: fc.nat(), byte: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('reload' as const), who: party }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }), weight: 2 }
)

async function rejectedWith (state: RatchetState, m: InFlight, ciphertext: Uint8Array): Promise<string> {
  const before = serializeState(state)
  let code = 'none'
  try {
    await ratchetDecrypt(state, m.header, ciphertext)
  } catch (err) {
    if (!CryptoError.is(err)) throw err
    code = err.code
  }
  expect(serializeState(state), 'a rejected message changed the state').toEqual(before)
  return code
}

async function run (commands: Command[]): Promise<void> {
  const p = await Pair.create('property')
  const inFlight: InFlight[] = []
  const delivered = new Set<number>()
  const archive: InFlight[] = [] // every delivered message, for replays long after the fact
  let nextId = 0
  let bobHasReceived = false

  for (const c of commands) {
    if (c.kind === 'send') {
      if (c.from === 'bob' && !bobHasReceived) {
        await expect(ratchetEncrypt(p.bob, text('x'))).rejects.toThrow(expect.objectContaining({ code: CryptoErrorCode.InvalidState }))
        continue
      }
      const plaintext = `${c.from}#${nextId}`
      const sent = await p.send(c.from, plaintext)
      inFlight.push({ to: c.from === 'alice' ? 'bob' : 'alice', ...sent, plaintext, id: nextId++ })
    } else if (c.kind === 'reload') {
      p[c.who] = deserializeState(serializeState(p[c.who]))
    } else if (c.kind === 'replay') {
      const m = archive[c.pick % Math.max(archive.length, 1)]
      if (m !== undefined) expect(await rejectedWith(p[m.to], m, m.ciphertext)).toBe(CryptoErrorCode.DuplicateMessage)
    } else if (inFlight.length > 0) {
      const index = c.pick % inFlight.length
      const m = inFlight[index]
      if (c.kind === 'drop') {
        inFlight.splice(index, 1)
      } else if (c.kind === 'tamper') {
        const code = await rejectedWith(p[m.to], m, flip(m.ciphertext, c.byte % m.ciphertext.length))
        expect(code).toBe(delivered.has(m.id) ? CryptoErrorCode.DuplicateMessage : CryptoErrorCode.DecryptFailed)
      } else if (delivered.has(m.id)) {
        expect(await rejectedWith(p[m.to], m, m.ciphertext)).toBe(CryptoErrorCode.DuplicateMessage)
        if (!c.keepCopy) inFlight.splice(index, 1)
      } else {
        const { state, plaintext } = await ratchetDecrypt(p[m.to], m.header, m.ciphertext)
        expect(decodeText(plaintext)).toBe(m.plaintext)
        p[m.to] = state
        delivered.add(m.id)
        archive.push(m)
        if (m.to === 'bob') bobHasReceived = true
        if (!c.keepCopy) inFlight.splice(index, 1)
      }
    }
  }

  // Whatever happened, the session still works both ways once the pending mail is delivered.
  for (const m of inFlight.filter((x) => !delivered.has(x.id))) {
    expect(await p.receive(m.to, m)).toBe(m.plaintext)
  }
  expect(await p.receive('bob', await p.send('alice', 'final a'))).toBe('final a')
  expect(await p.receive('alice', await p.send('bob', 'final b'))).toBe('final b')
}
import { BACKENDS, useBackend } from '../backends.ts'

describe.each(BACKENDS)('on the %s backend', (name) => {
  useBackend(name)

  describe('Double Ratchet under reordering, loss, duplication and tampering', () => {
    it('every arriving message decrypts exactly once; rejections leave state intact', async () => {
      await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40, size: 'max' }), async (commands) => { await run(commands) }), { numRuns: 30 })
    })

    it('a long one-directional burst delivered in reverse order', async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 60 }), async (count) => {
        const p = await Pair.create('burst')
        const sent = []
        for (let i = 0; i < count; i++) sent.push(await p.send('alice', `m${i}`))
        for (const m of [...sent].reverse()) expect(await p.receive('bob', m)).toBe(m.plaintext)
        expect(p.bob.skipped).toHaveLength(0)
      }), { numRuns: 10 })
    })
  })
})
