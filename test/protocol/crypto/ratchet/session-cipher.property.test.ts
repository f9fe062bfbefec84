/**
 * Property: two devices that start sessions with each other at random moments, crossing as often
 * as they like, never lose a message. Whatever the interleaving of session starts, sends in both
 * directions, deliveries in any order with duplicates, and restarts, every message decrypts exactly
 * once to its plaintext and every second copy is a DuplicateMessage.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CryptoErrorCode, SessionCipher } from '../../../../protocol/crypto/ratchet/index.ts'
import { decodeText, text } from '../helpers.ts'
import { device, expectCode, initiate } from './fixtures.ts'
import type { Device } from './fixtures.ts'

type Who = 'a' | 'b'

type Command =
  | { kind: 'init', who: Who }
  | { kind: 'send', from: Who }
  | { kind: 'deliver', pick: number, keepCopy: boolean, deferred: boolean }
  | { kind: 'restart', who: Who }

interface InFlight {
  from: Who
  bytes: Uint8Array
  plaintext: string
}

const who = fc.constantFrom<Who>('a', 'b')
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('init' as const), who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('send' as const), from: who }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), keepCopy: fc.boolean(), deferred: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('restart' as const), who }), weight: 1 }
)

/** More session starts than one-time prekeys, so some sessions start without one. */
const MAX_INITS = 6

describe('SessionCipher with crossing session starts (property)', () => {
  it('every message decrypts exactly once, however the session starts cross', async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
      const devices: Record<Who, Device> = { a: device('a', 'crossing-property'), b: device('b', 'crossing-property') }
      const other = (w: Who): Who => w === 'a' ? 'b' : 'a'
      const inFlight: InFlight[] = []
      const decrypted = new Set<string>()
      let sent = 0
      let inits = 2

      const deliver = async (m: InFlight, deferred: boolean): Promise<void> => {
        const to = devices[other(m.from)].cipher
        if (decrypted.has(m.plaintext)) {
          await expectCode(deferred ? to.decryptDeferred(m.from, m.bytes) : to.decrypt(m.from, m.bytes), CryptoErrorCode.DuplicateMessage)
          return
        }
        let plaintext: Uint8Array
        if (deferred) {
          const pending = await to.decryptDeferred(m.from, m.bytes)
          await pending.commit()
          plaintext = pending.plaintext
        } else {
          plaintext = await to.decrypt(m.from, m.bytes)
        }
        expect(decodeText(plaintext)).toBe(m.plaintext)
        decrypted.add(m.plaintext)
      }

      // The first messages always cross; everything after is up to the command list.
      await Promise.all([initiate(devices.a, devices.b), initiate(devices.b, devices.a)])
      for (const c of commands) {
        if (c.kind === 'init') {
          if (inits >= MAX_INITS) continue
          inits++
          await initiate(devices[c.who], devices[other(c.who)])
        } else if (c.kind === 'send') {
          const plaintext = `${c.from}${sent++}`
          inFlight.push({ from: c.from, bytes: await devices[c.from].cipher.encrypt(other(c.from), text(plaintext)), plaintext })
        } else if (c.kind === 'deliver') {
          if (inFlight.length === 0) continue
          const index = c.pick % inFlight.length
          const m = inFlight[index]
          if (!c.keepCopy) inFlight.splice(index, 1)
          await deliver(m, c.deferred)
        } else {
          const d = devices[c.who]
          d.cipher = new SessionCipher({ identity: d.keys.identity, sessionStore: d.sessions, prekeyStore: d.prekeys })
        }
      }
      for (const m of inFlight) await deliver(m, false)
      expect(decrypted.size).toBe(sent)
    }), { numRuns: 25 })
  })
})
