// Purge receipt verification on its own: the key is the caller's, every field is bound, and random
// or altered bytes give a PurgeReceiptError, never a receipt that says something else.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createPurgeReceiptEnvelope, openPurgeReceipt, PurgeReceiptError } from '../../../protocol/mailbox/purge-receipt.ts'
import { Envelope } from '../../../protocol/wire/generated/messages.ts'

describe('purge receipts', async () => {
  const [node, sender, recipient, other] = await Promise.all([1, 2, 3, 4].map(async () => await DeviceIdentity.generate()))
  const id = Uint8Array.from({ length: 16 }, (_, i) => i)
  const base = { node: node.peerId, sender: sender.peerId, recipient: recipient.peerId, deletedAt: 1_700_000_000_000, ids: [id] }
  const expected = { node: node.peerId, self: sender.peerId }
  const code = (fn: () => unknown): string => {
    try {
      fn()
    } catch (err) {
      if (err instanceof PurgeReceiptError) return err.code
      throw err
    }
    return 'verified'
  }

  it('verifies a receipt signed by the expected node and addressed to this device', async () => {
    const env = await createPurgeReceiptEnvelope(base, b => node.privateKey.sign(b), new Uint8Array(16))
    expect(openPurgeReceipt(env, expected)).toMatchObject({ deletedAt: base.deletedAt, ids: ['000102030405060708090a0b0c0d0e0f'] })
    expect(openPurgeReceipt(env, expected).recipient.equals(recipient.peerId)).toBe(true)
  })

  it('refuses a receipt the expected node signed about another node, or for another device', async () => {
    const otherNode = await createPurgeReceiptEnvelope({ ...base, node: other.peerId }, b => node.privateKey.sign(b), new Uint8Array(16))
    expect(code(() => openPurgeReceipt(otherNode, expected))).toBe('wrong-node')
    const notMine = await createPurgeReceiptEnvelope({ ...base, sender: other.peerId }, b => node.privateKey.sign(b), new Uint8Array(16))
    expect(code(() => openPurgeReceipt(notMine, expected))).toBe('wrong-addressee')
    // Another kind of envelope never passes as a receipt.
    const plain = await createPurgeReceiptEnvelope(base, b => node.privateKey.sign(b), new Uint8Array(16))
    expect(code(() => openPurgeReceipt({ ...plain, kind: Envelope.Kind.MESSAGE }, expected))).toBe('malformed')
  })

  it('answers random or altered ciphertext with a PurgeReceiptError, never a different receipt', async () => {
    const env = await createPurgeReceiptEnvelope(base, b => node.privateKey.sign(b), new Uint8Array(16))
    const original = openPurgeReceipt(env, expected)
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(env.ciphertext.length), (noise, at) => {
      const flipped = Uint8Array.from(env.ciphertext)
      flipped[at % flipped.length] ^= 0x01
      expect(['malformed', 'bad-signature']).toContain(code(() => openPurgeReceipt({ ...env, ciphertext: noise }, expected)))
      // One bit changed anywhere: refused, or (a protobuf wire-type bit of the frame, which the
      // decoder ignores) exactly the signed receipt again, never a different one.
      const result = code(() => openPurgeReceipt({ ...env, ciphertext: flipped }, expected))
      if (result === 'verified') expect(openPurgeReceipt({ ...env, ciphertext: flipped }, expected)).toEqual(original)
      else expect(['malformed', 'bad-signature']).toContain(result)
    }), { numRuns: 300 })
  })
})
