// Envelopes and the sealed box: only the recipient opens, any change to header or body is caught.
import { describe, expect, it } from 'vitest'
import { createEnvelope, openEnvelope, verifyEnvelope } from '../../../protocol/crypto/envelope.ts'
import { open, seal } from '../../../protocol/crypto/sealed-box.ts'
import { DeviceIdentity, parsePeerId } from '../../../protocol/identity.ts'
import { Envelope } from '../../../protocol/wire/generated/messages.ts'
import { BACKENDS, useBackend } from './backends.ts'

const alice = await DeviceIdentity.generate()
const bob = await DeviceIdentity.generate()
const eve = await DeviceIdentity.generate()

describe.each(BACKENDS)('on the %s backend', (name) => {
  useBackend(name)

  describe('sealed box', () => {
    it('opens only for the recipient and only with the same associated data', () => {
      const ad = new TextEncoder().encode('header')
      const box = seal(new TextEncoder().encode('secret'), bob.publicKey, { associatedData: ad })
      expect(new TextDecoder().decode(open(box, bob.x25519Secret(), ad))).toBe('secret')
      expect(() => open(box, eve.x25519Secret(), ad)).toThrow(expect.objectContaining({ name: 'IntegrityError' }))
      expect(() => open(box, bob.x25519Secret(), new Uint8Array(0))).toThrow(expect.objectContaining({ name: 'IntegrityError' }))
      expect(() => open(box.subarray(0, 20), bob.x25519Secret(), ad)).toThrow(expect.objectContaining({ name: 'IntegrityError' }))
    })

    it('uses a fresh ephemeral key per message', () => {
      const pt = new TextEncoder().encode('same text')
      expect(seal(pt, bob.publicKey)).not.toEqual(seal(pt, bob.publicKey))
    })
  })

  describe('envelope', () => {
    it('round-trips through the wire format, signed by the sender and sealed to the recipient', () => {
      const env = Envelope.decode(Envelope.encode(createEnvelope(alice, bob.peerId, { text: 'hello bob' })))
      const header = verifyEnvelope(env)
      expect(header.from.equals(alice.peerId)).toBe(true)
      expect(header.to.equals(bob.peerId)).toBe(true)
      expect(openEnvelope(bob, env).text).toBe('hello bob')
      expect(() => openEnvelope(eve, env)).toThrow(expect.objectContaining({ name: 'IntegrityError' }))
    })

    it('detects a changed header or body as a bad signature', () => {
      const env = createEnvelope(alice, bob.peerId, { text: 'pay 10' })
      expect(() => verifyEnvelope({ ...env, sentAt: env.sentAt + 1n })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }))
      expect(() => verifyEnvelope({ ...env, to: eve.peerId.toMultihash().bytes })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }))
      const body = Uint8Array.from(env.ciphertext)
      body[40] ^= 0x80
      expect(() => verifyEnvelope({ ...env, ciphertext: body })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }))
    })

    it('binds the sealed payload to its header: a re-signed copy with another id does not open', () => {
      // Eve re-wraps Alice's ciphertext in an envelope of her own; the seal's associated data differs.
      const env = createEnvelope(alice, bob.peerId, { text: 'original' })
      const rewrapped = createEnvelope(eve, bob.peerId, { text: 'x' })
      expect(() => openEnvelope(bob, { ...rewrapped, ciphertext: env.ciphertext })).toThrow(expect.objectContaining({ name: 'IntegrityError' }))
    })

    it('rejects malformed fields with MALFORMED', () => {
      const env = createEnvelope(alice, bob.peerId, { text: 'x' })
      expect(() => verifyEnvelope({ ...env, id: new Uint8Array(3) })).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
      expect(() => verifyEnvelope({ ...env, from: new Uint8Array([1, 2, 3]) })).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
      expect(() => verifyEnvelope({ ...env, signature: new Uint8Array(0) })).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
    })

    it('parses only Ed25519 peer ids', () => {
      expect(parsePeerId(alice.peerId.toString()).equals(alice.peerId)).toBe(true)
      expect(() => parsePeerId('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')).toThrow(expect.objectContaining({ name: 'InvalidPeerIdError' }))
      expect(() => parsePeerId('hello')).toThrow(expect.objectContaining({ name: 'InvalidPeerIdError' }))
    })
  })
})
