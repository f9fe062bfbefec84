import { beforeAll, describe, expect, it } from 'vitest'
import {
  CryptoErrorCode, MAX_SKIP, MAX_SKIPPED_TOTAL, deserializeState, initReceiver, ratchetDecrypt, ratchetEncrypt, serializeState
} from '../../../../protocol/crypto/ratchet/index.ts'
import type { RatchetState } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { flip, text } from '../helpers.ts'
import { Pair, anyKeyOpens, expectRejected } from './fixtures.ts'
import type { Sent } from './fixtures.ts'
import { BACKENDS, useBackend } from '../backends.ts'

describe.each(BACKENDS)('on the %s backend', (name) => {
  useBackend(name)

  const decrypt = (state: RatchetState, m: { header: Parameters<typeof ratchetDecrypt>[1], ciphertext: Uint8Array }) =>
    () => ratchetDecrypt(state, m.header, m.ciphertext)

  describe('Double Ratchet', () => {
    it('carries a conversation in both directions, including empty and large messages', async () => {
      const p = await Pair.create()
      for (const [from, to, msg] of [['alice', 'bob', 'hi'], ['alice', 'bob', ''], ['bob', 'alice', 'yo'], ['alice', 'bob', 'x'.repeat(70_000)]] as const) {
        expect(await p.receive(to, await p.send(from, msg))).toBe(msg)
      }
    })

    it('the responder cannot send before its first receive', async () => {
      const p = await Pair.create()
      await expectRejected(p.bob, () => ratchetEncrypt(p.bob, text('too early')), CryptoErrorCode.InvalidState)
    })

    it('decrypts out-of-order messages within and across ratchet steps', async () => {
      const p = await Pair.create()
      const a = [await p.send('alice', 'a0'), await p.send('alice', 'a1'), await p.send('alice', 'a2')]
      expect(await p.receive('bob', a[2])).toBe('a2')
      const b0 = await p.send('bob', 'b0')
      expect(await p.receive('alice', b0)).toBe('b0')
      const a3 = await p.send('alice', 'a3')
      expect(await p.receive('bob', a3)).toBe('a3')
      expect(await p.receive('bob', a[0])).toBe('a0')
      expect(await p.receive('bob', a[1])).toBe('a1')
      expect(p.bob.skipped).toHaveLength(0)
    })

    it('never modifies the input state, on success or failure', async () => {
      const p = await Pair.create()
      const m = await p.send('alice', 'one')
      const before = serializeState(p.bob)
      await ratchetDecrypt(p.bob, m.header, m.ciphertext)
      expect(serializeState(p.bob)).toEqual(before)
      await expectRejected(p.bob, decrypt(p.bob, { ...m, ciphertext: flip(m.ciphertext, 0) }), CryptoErrorCode.DecryptFailed)
    })

    it('state survives serialisation mid-conversation', async () => {
      const p = await Pair.create()
      const early = await p.send('alice', 'early')
      await p.receive('bob', await p.send('alice', 'later'))
      p.bob = deserializeState(serializeState(p.bob))
      expect(serializeState(p.bob)).toEqual(serializeState(deserializeState(serializeState(p.bob))))
      expect(p.bob.skipped).toHaveLength(1)
      expect(await p.receive('bob', early)).toBe('early')
      expect(await p.receive('alice', await p.send('bob', 'reply'))).toBe('reply')
    })

    it('malformed state bytes → Malformed', async () => {
      const p = await Pair.create()
      await p.receive('bob', await p.send('alice', 'x'))
      const bytes = serializeState(p.bob)
      for (let cut = 0; cut < bytes.length; cut += 7) {
        expect(() => deserializeState(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: CryptoErrorCode.Malformed }))
      }
    })
  })

  describe('replays', () => {
    it('a message decrypted from the current chain → DuplicateMessage', async () => {
      const p = await Pair.create()
      const m = await p.send('alice', 'once')
      await p.receive('bob', m)
      await expectRejected(p.bob, decrypt(p.bob, m), CryptoErrorCode.DuplicateMessage)
    })

    it('a late message decrypted from a skipped key → DuplicateMessage the second time', async () => {
      const p = await Pair.create()
      const late = await p.send('alice', 'late')
      await p.receive('bob', await p.send('alice', 'first'))
      await p.receive('bob', late)
      await expectRejected(p.bob, decrypt(p.bob, late), CryptoErrorCode.DuplicateMessage)
    })

    it('a message of a retired chain → DuplicateMessage, not a bogus DH ratchet step', async () => {
      const p = await Pair.create()
      const old = await p.send('alice', 'old')
      await p.receive('bob', old)
      await p.receive('alice', await p.send('bob', 'reply'))
      await p.receive('bob', await p.send('alice', 'new chain'))
      await expectRejected(p.bob, decrypt(p.bob, old), CryptoErrorCode.DuplicateMessage)
    })
  })

  describe('tampering', () => {
    let p: Pair
    let m: Sent
    beforeAll(async () => {
      p = await Pair.create('tamper')
      await p.receive('bob', await p.send('alice', 'warm-up'))
      await p.receive('alice', await p.send('bob', 'reply'))
      m = await p.send('alice', 'attack at dawn')
    })

    it.each([
      ['a flipped ciphertext bit', (m: Sent) => ({ ...m, ciphertext: flip(m.ciphertext, 3) })],
      ['a flipped tag bit', (m: Sent) => ({ ...m, ciphertext: flip(m.ciphertext, m.ciphertext.length - 1) })],
      ['a truncated ciphertext', (m: Sent) => ({ ...m, ciphertext: m.ciphertext.subarray(0, 10) })],
      ['header n changed', (m: Sent) => ({ ...m, header: { ...m.header, n: m.header.n + 1 } })],
      ['header pn changed', (m: Sent) => ({ ...m, header: { ...m.header, pn: m.header.pn + 1 } })],
      ['header dh changed', (m: Sent) => ({ ...m, header: { ...m.header, dh: generateX25519KeyPair().publicKey } })]
    ])('%s → DecryptFailed, state unchanged', async (_, tamper) => {
      await expectRejected(p.bob, decrypt(p.bob, tamper(m)), CryptoErrorCode.DecryptFailed)
      // The untouched original still decrypts against the same (unchanged) state.
      expect(new TextDecoder().decode((await ratchetDecrypt(p.bob, m.header, m.ciphertext)).plaintext)).toBe('attack at dawn')
    })

    it('a different session AD → DecryptFailed', async () => {
      const q = await Pair.create('ad')
      const msg = await q.send('alice', 'bound to AD')
      const wrongAd = { ...q.bob, associatedData: flip(q.bob.associatedData, 0) }
      await expectRejected(wrongAd, decrypt(wrongAd, msg), CryptoErrorCode.DecryptFailed)
      expect(await q.receive('bob', msg)).toBe('bound to AD')
    })

    it('a malformed header → Malformed', async () => {
      await expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, dh: new Uint8Array(31) } }), CryptoErrorCode.Malformed)
      await expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, n: -1 } }), CryptoErrorCode.Malformed)
    })
  })

  describe('skipped-key limits', () => {
    it(`allows exactly MAX_SKIP (${MAX_SKIP}) skipped keys per message and rejects one more`, async () => {
      const p = await Pair.create()
      const sent: Sent[] = []
      for (let i = 0; i < MAX_SKIP + 2; i++) sent.push(await p.send('alice', `m${i}`))
      await expectRejected(p.bob, decrypt(p.bob, sent[MAX_SKIP + 1]), CryptoErrorCode.TooManySkipped)
      expect(await p.receive('bob', sent[MAX_SKIP])).toBe(`m${MAX_SKIP}`)
      expect(p.bob.skipped).toHaveLength(MAX_SKIP)
      expect(await p.receive('bob', sent[0])).toBe('m0')
    })

    it('a forged huge pn on a new chain → TooManySkipped', async () => {
      const p = await Pair.create()
      await p.receive('bob', await p.send('alice', 'x'))
      await p.receive('alice', await p.send('bob', 'y'))
      const m = await p.send('alice', 'z')
      await expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, pn: MAX_SKIP + 5 } }), CryptoErrorCode.TooManySkipped)
    })

    it(`caps the store at MAX_SKIPPED_TOTAL (${MAX_SKIPPED_TOTAL}), dropping the oldest keys`, async () => {
      const p = await Pair.create()
      const firstChain: Sent[] = []
      for (const length of [MAX_SKIP + 1, MAX_SKIP + 1, 11]) {
        const chain: Sent[] = []
        for (let i = 0; i < length; i++) chain.push(await p.send('alice', `c${i}`))
        if (firstChain.length === 0) firstChain.push(...chain)
        await p.receive('bob', chain[length - 1])
        await p.receive('alice', await p.send('bob', 'ack'))
      }
      expect(p.bob.skipped).toHaveLength(MAX_SKIPPED_TOTAL)
      await expectRejected(p.bob, decrypt(p.bob, firstChain[9]), CryptoErrorCode.DuplicateMessage)
      expect(await p.receive('bob', firstChain[10])).toBe('c10')
    })
  })

  describe('forward secrecy and post-compromise security', () => {
    it('the state captured after reading message N holds no key that opens message N', async () => {
      const p = await Pair.create('fs')
      await p.receive('bob', await p.send('alice', 'a'))
      await p.receive('alice', await p.send('bob', 'b'))
      const n = await p.send('alice', 'secret N')
      const next = await p.send('alice', 'N+1')
      await p.receive('bob', n)
      const captured = p.bob
      await expectRejected(captured, decrypt(captured, n), CryptoErrorCode.DuplicateMessage)
      expect(await anyKeyOpens(captured, n)).toBe(false)
      expect(await p.receive('bob', next)).toBe('N+1')
    })

    it('after a DH ratchet step a captured state cannot decrypt new messages', async () => {
      const p = await Pair.create('pcs')
      await p.receive('bob', await p.send('alice', 'a0'))
      await p.receive('alice', await p.send('bob', 'b0'))
      const stolen = p.bob // full compromise of Bob's state, secrets included

      // Still inside the compromise window: the next message is readable by the thief (expected).
      const a1 = await p.send('alice', 'a1')
      expect(new TextDecoder().decode((await ratchetDecrypt(stolen, a1.header, a1.ciphertext)).plaintext)).toBe('a1')
      await p.receive('bob', a1) // Bob ratchets with a fresh key the thief does not have
      const b1 = await p.send('bob', 'b1')
      await p.receive('alice', b1) // Alice ratchets too
      const a2 = await p.send('alice', 'healed')

      const { state: thief } = await ratchetDecrypt(stolen, a1.header, a1.ciphertext)
      expect(await anyKeyOpens(thief, b1)).toBe(false)
      expect(await anyKeyOpens(stolen, a2)).toBe(false)
      await expectRejected(thief, decrypt(thief, a2), CryptoErrorCode.DecryptFailed)
      await expectRejected(stolen, decrypt(stolen, a2), CryptoErrorCode.DecryptFailed)
      expect(await p.receive('bob', a2)).toBe('healed')
    })

    it('a receiver initialised with the wrong ratchet key pair cannot decrypt', async () => {
      const p = await Pair.create('wrong-key')
      const m = await p.send('alice', 'x')
      const impostor = initReceiver(p.bob.rootKey, generateX25519KeyPair(), p.bob.associatedData)
      await expectRejected(impostor, decrypt(impostor, m), CryptoErrorCode.DecryptFailed)
    })
  })
})
