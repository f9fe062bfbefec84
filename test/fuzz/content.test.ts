// Fuzzing what arrives inside encrypted channels and on the file protocols: group state and
// sender-key messages, attachment offers and chunks. Random and mutated input must end in a typed
// error, or (for a signed or authenticated object) leave the meaning unchanged.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AttachmentOpener, sealAttachment, validateKeys } from '../../protocol/attachments/cipher.ts'
import { AttachmentError, AttachmentErrorCode } from '../../protocol/attachments/constants.ts'
import { AttachmentOffer } from '../../protocol/attachments/generated/wire.ts'
import { GroupError } from '../../protocol/groups/errors.ts'
import { GroupState, signState, verifyState } from '../../protocol/groups/group-state.ts'
import { GroupMessage, SenderKeyDistribution, decryptMessage, distributionFor, encryptMessage, generateSenderKey, recordFromDistribution } from '../../protocol/groups/sender-key.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { decodeFrame } from '../../protocol/rpc/rpc.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const admin = await DeviceIdentity.generate()
const member = await DeviceIdentity.generate()

function mutated (base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 1024 }),
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }).map(flips => {
      const out = Uint8Array.from(base)
      for (const [i, x] of flips) out[i] ^= x
      return out
    }),
    fc.nat(base.length).map(n => base.subarray(0, n))
  )
}

const typed = (err: unknown): boolean => GroupError.is(err) || AttachmentError.is(err) || ProtocolError.is(err)

describe('group control messages under random and mutated input', () => {
  const groupId = '00'.repeat(16)
  const state = signState(admin, {
    id: groupId,
    name: 'fuzzers',
    members: [admin.peerId.toString(), member.peerId.toString()],
    admins: [admin.peerId.toString()],
    encryption: 'e2ee',
    version: 1
  })
  const stateBytes = GroupState.encode(state)

  it('group state: a typed error, or the state exactly as signed', () => {
    fc.assert(fc.property(mutated(stateBytes), bytes => {
      try {
        const decoded = decodeFrame<GroupState>(GroupState, bytes)
        verifyState(decoded)
        expect(decoded.name).toBe('fuzzers')
        expect(decoded.version).toBe(state.version)
      } catch (err) {
        expect(typed(err), String(err)).toBe(true)
      }
    }), { numRuns: RUNS })
  })

  it('sender keys and group messages: a typed error, or the original text', () => {
    const own = generateSenderKey(groupId, admin.peerId.toString(), 1, [member.peerId.toString()])
    const dist = SenderKeyDistribution.encode(distributionFor(own, member.peerId.toString()))
    const { message } = encryptMessage(own, { groupId, sender: admin.peerId.toString(), id: new Uint8Array(16).fill(0x11), sentAt: 1 }, 'group secret')
    const msgBytes = GroupMessage.encode(message)
    const record = recordFromDistribution(admin.peerId.toString(), SenderKeyDistribution.decode(dist))
    fc.assert(fc.property(mutated(dist), mutated(msgBytes), (d, m) => {
      try {
        recordFromDistribution(admin.peerId.toString(), decodeFrame<SenderKeyDistribution>(SenderKeyDistribution, d))
      } catch (err) {
        expect(typed(err), String(err)).toBe(true)
      }
      try {
        expect(decryptMessage(record, decodeFrame<GroupMessage>(GroupMessage, m)).text).toBe('group secret')
      } catch (err) {
        expect(typed(err), String(err)).toBe(true)
      }
    }), { numRuns: RUNS })
  })
})

describe('attachments under random and mutated input', () => {
  const sealed = sealAttachment(new TextEncoder().encode('attachment body '.repeat(100)))

  it('offers: decode and validate, or a typed error', () => {
    const offer = AttachmentOffer.encode({ id: sealed.id as Uint8Array<ArrayBuffer>, key: sealed.key as Uint8Array<ArrayBuffer>, digest: sealed.digest as Uint8Array<ArrayBuffer>, size: BigInt(sealed.size), chunks: sealed.chunks, name: 'a.txt', mime: 'text/plain', caption: '' })
    fc.assert(fc.property(mutated(offer), bytes => {
      try {
        const o = decodeFrame<AttachmentOffer>(AttachmentOffer, bytes)
        validateKeys({ id: o.id, key: o.key, digest: o.digest, size: Number(o.size), chunks: o.chunks }, 1024 * 1024)
      } catch (err) {
        expect(typed(err), String(err)).toBe(true)
      }
    }), { numRuns: RUNS })
  })

  it('chunks: any change is an INTEGRITY error and nothing is released', () => {
    const chunk = sealed.ciphertext[0]
    fc.assert(fc.property(mutated(chunk), bytes => {
      const opener = new AttachmentOpener(sealed)
      try {
        opener.open(0, bytes)
        opener.finish()
        // Only the untouched ciphertext opens.
        expect(bytes).toEqual(chunk)
      } catch (err) {
        expect(AttachmentError.is(err, AttachmentErrorCode.INTEGRITY)).toBe(true)
      }
    }), { numRuns: RUNS })
  })
})
