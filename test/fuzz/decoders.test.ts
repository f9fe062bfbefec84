// Property-based fuzzing of every decoder a node or client runs on bytes from the network or disk:
// random and mutated input must end in a typed error (or, for a harmless mutation, the original
// meaning), never a crash or a hang. FUZZ_RUNS raises the budget.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BackupError, openBackup, sealBackup } from '../../protocol/backup/backup-box.ts'
import { createEnvelope, openEnvelope, verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { CryptoError, decodeRatchetMessage, deserializeSessionRecord, deserializeState } from '../../protocol/crypto/ratchet/index.ts'
import { decodeInitialMessage, decodePrekeyBundle } from '../../protocol/crypto/x3dh/index.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { decodeFrame } from '../../protocol/rpc/rpc.ts'
import type { Codec } from '../../protocol/rpc/rpc.ts'
import { AccountRequest, AccountResponse, DirectRequest, Envelope, MailboxRequest, MailboxResponse } from '../../protocol/wire/generated/messages.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 200)
const alice = await DeviceIdentity.generate()
const bob = await DeviceIdentity.generate()
const valid = Envelope.encode(createEnvelope(alice, bob.peerId, { text: 'fuzz me' }))

/** Random bytes, and valid bytes with random flips, truncations and insertions. */
function mutated (base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.tuple(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })).map(([flips]) => {
      const out = Uint8Array.from(base)
      for (const [i, x] of flips) out[i] ^= x
      return out
    }),
    fc.nat(base.length).map(n => base.subarray(0, n)),
    fc.tuple(fc.nat(base.length), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, extra]) => Uint8Array.from([...base.subarray(0, at), ...extra, ...base.subarray(at)]))
  )
}

function isTyped (err: unknown): boolean {
  return ProtocolError.is(err) || CryptoError.is(err) || BackupError.is(err) || (err instanceof Error && err.name === 'IntegrityError')
}

describe('decoders under random and mutated input', () => {
  it('envelopes: a typed error, or exactly the original message', () => {
    fc.assert(fc.property(mutated(valid), bytes => {
      try {
        const env = decodeFrame<Envelope>(Envelope, bytes)
        const header = verifyEnvelope(env)
        // The signature held, so nothing that matters changed.
        expect(header.from.equals(alice.peerId)).toBe(true)
        expect(openEnvelope(bob, env).text).toBe('fuzz me')
      } catch (err) {
        expect(isTyped(err), String(err)).toBe(true)
      }
    }), { numRuns: RUNS })
  })

  it('request and response frames of every protocol decode or fail as MALFORMED', () => {
    const codecs: Array<Codec<unknown>> = [MailboxRequest, MailboxResponse, AccountRequest, AccountResponse, DirectRequest]
    const sample = MailboxRequest.encode({ type: MailboxRequest.Type.ACK, ids: [new Uint8Array(16)], limit: 5, after: 3n })
    fc.assert(fc.property(mutated(sample), fc.nat(codecs.length - 1), (bytes, i) => {
      try {
        decodeFrame(codecs[i], bytes)
      } catch (err) {
        expect(ProtocolError.is(err, ErrorCode.MALFORMED)).toBe(true)
      }
    }), { numRuns: RUNS })
  })

  it('X3DH and ratchet wire formats and stored session state fail with CryptoError', () => {
    const decoders = [decodePrekeyBundle, decodeInitialMessage, decodeRatchetMessage, deserializeState, deserializeSessionRecord]
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat(decoders.length - 1), (bytes, i) => {
      try {
        decoders[i](bytes)
      } catch (err) {
        expect(CryptoError.is(err), String(err)).toBe(true)
      }
    }), { numRuns: RUNS })
  })

  it('backup files: damaged or foreign bytes never open and always say why', async () => {
    // Cheap key derivation keeps the fuzz fast; the header's cost fields are fuzzed separately below.
    const cost = { logN: 10, r: 8, p: 1 }
    const sealed = await sealBackup(new TextEncoder().encode('{"secret":true}'), 'pass phrase', { cost })
    const header = 4 + 1 + 3 + 16 + 24
    await fc.assert(fc.asyncProperty(fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.tuple(fc.integer({ min: header, max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => { const b = Uint8Array.from(sealed); b[i] ^= x; return b }),
      fc.nat(sealed.length - 1).map(n => sealed.subarray(0, n))
    ), async bytes => {
      await expect(openBackup(bytes, 'pass phrase')).rejects.toSatisfy(isTyped)
    }), { numRuns: Math.min(RUNS, 60) })
    // Unreasonable cost parameters are refused before any key derivation is attempted.
    for (const [offset, value] of [[5, 30], [6, 200], [7, 100]] as const) {
      const b = Uint8Array.from(sealed)
      b[offset] = value
      await expect(openBackup(b, 'pass phrase')).rejects.toMatchObject({ name: 'BackupError', code: 'MALFORMED' })
    }
  })
})
