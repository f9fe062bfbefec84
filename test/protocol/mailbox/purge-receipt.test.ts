// Purge receipt verification on its own: the key is the caller's, every field is bound, and random
// or altered bytes give a PurgeReceiptError, never a receipt that says something else.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createPurgeReceiptEnvelope, openPurgeReceipt, PurgeReceiptError, recordPurgeReceipt } from '../../../protocol/mailbox/purge-receipt.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import type { ChatMessage } from '../../../protocol/store/chat-store.ts'
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

  it('records an expiry notice only for a copy the device never got: one delivered from another home is not "expired"', async () => {
    const store = new MemoryChatStore()
    const to = recipient.peerId.toString()
    const message = (n: number, status: 'stored' | 'delivered'): ChatMessage => ({ id: `${n}`.padStart(32, '0'), peer: to, direction: 'out', text: `m${n}`, sentAt: 1, receivedAt: 1, status })
    await store.addMessage(message(1, 'stored'))
    await store.addMessage(message(2, 'delivered'))
    const notice = { node: node.peerId, recipient: recipient.peerId, reason: 'expired' as const, deletedAt: 5, ids: [message(1, 'stored').id, message(2, 'delivered').id] }
    const changed = await recordPurgeReceipt(store, notice)
    expect(changed.map(m => m.id)).toEqual([message(1, 'stored').id])
    expect((await store.getMessage(message(1, 'stored').id))?.purged).toEqual([{ device: to, node: node.peerId.toString(), at: 5, reason: 'expired' }])
    expect((await store.getMessage(message(2, 'delivered').id))?.purged).toBeUndefined()
    // A delivery receipt is recorded as ever.
    expect((await recordPurgeReceipt(store, { ...notice, reason: 'acked' })).map(m => m.id)).toEqual([message(2, 'delivered').id])
  })
})
