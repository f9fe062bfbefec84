import { describe, expect, it } from 'vitest'
import {
  CryptoErrorCode, MAX_SKIP, MAX_SKIPPED_TOTAL, deserializeState, initReceiver, ratchetDecrypt, ratchetEncrypt, serializeState
} from '../../../../protocol/crypto/ratchet/index.ts'
import type { RatchetState } from '../../../../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../../../../protocol/crypto/x3dh/index.ts'
import { flip, text } from '../helpers.ts'
import { Pair, anyKeyOpens, expectRejected } from './fixtures.ts'

const decrypt = (state: RatchetState, m: { header: Parameters<typeof ratchetDecrypt>[1], ciphertext: Uint8Array }) =>
  () => ratchetDecrypt(state, m.header, m.ciphertext)

describe('Double Ratchet', () => {
  it('carries a conversation in both directions, including empty and large messages', () => {
    const p = new Pair()
    for (const [from, to, msg] of [['alice', 'bob', 'hi'], ['alice', 'bob', ''], ['bob', 'alice', 'yo'], ['alice', 'bob', 'x'.repeat(70_000)]] as const) {
      expect(p.receive(to, p.send(from, msg))).toBe(msg)
    }
  })

  it('the responder cannot send before its first receive', () => {
    const p = new Pair()
    expectRejected(p.bob, () => ratchetEncrypt(p.bob, text('too early')), CryptoErrorCode.InvalidState)
  })

  it('decrypts out-of-order messages within and across ratchet steps', () => {
    const p = new Pair()
    const a = [p.send('alice', 'a0'), p.send('alice', 'a1'), p.send('alice', 'a2')]
    expect(p.receive('bob', a[2])).toBe('a2')
    const b0 = p.send('bob', 'b0')
    expect(p.receive('alice', b0)).toBe('b0')
    const a3 = p.send('alice', 'a3')
    expect(p.receive('bob', a3)).toBe('a3')
    expect(p.receive('bob', a[0])).toBe('a0')
    expect(p.receive('bob', a[1])).toBe('a1')
    expect(p.bob.skipped).toHaveLength(0)
  })

  it('never modifies the input state, on success or failure', () => {
    const p = new Pair()
    const m = p.send('alice', 'one')
    const before = serializeState(p.bob)
    ratchetDecrypt(p.bob, m.header, m.ciphertext)
    expect(serializeState(p.bob)).toEqual(before)
    expectRejected(p.bob, decrypt(p.bob, { ...m, ciphertext: flip(m.ciphertext, 0) }), CryptoErrorCode.DecryptFailed)
  })

  it('state survives serialisation mid-conversation', () => {
    const p = new Pair()
    const early = p.send('alice', 'early')
    p.receive('bob', p.send('alice', 'later'))
    p.bob = deserializeState(serializeState(p.bob))
    expect(serializeState(p.bob)).toEqual(serializeState(deserializeState(serializeState(p.bob))))
    expect(p.bob.skipped).toHaveLength(1)
    expect(p.receive('bob', early)).toBe('early')
    expect(p.receive('alice', p.send('bob', 'reply'))).toBe('reply')
  })

  it('malformed state bytes → Malformed', () => {
    const p = new Pair()
    p.receive('bob', p.send('alice', 'x'))
    const bytes = serializeState(p.bob)
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => deserializeState(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: CryptoErrorCode.Malformed }))
    }
  })
})

describe('replays', () => {
  it('a message decrypted from the current chain → DuplicateMessage', () => {
    const p = new Pair()
    const m = p.send('alice', 'once')
    p.receive('bob', m)
    expectRejected(p.bob, decrypt(p.bob, m), CryptoErrorCode.DuplicateMessage)
  })

  it('a late message decrypted from a skipped key → DuplicateMessage the second time', () => {
    const p = new Pair()
    const late = p.send('alice', 'late')
    p.receive('bob', p.send('alice', 'first'))
    p.receive('bob', late)
    expectRejected(p.bob, decrypt(p.bob, late), CryptoErrorCode.DuplicateMessage)
  })

  it('a message of a retired chain → DuplicateMessage, not a bogus DH ratchet step', () => {
    const p = new Pair()
    const old = p.send('alice', 'old')
    p.receive('bob', old)
    p.receive('alice', p.send('bob', 'reply'))
    p.receive('bob', p.send('alice', 'new chain'))
    expectRejected(p.bob, decrypt(p.bob, old), CryptoErrorCode.DuplicateMessage)
  })
})

describe('tampering', () => {
  const p = new Pair('tamper')
  p.receive('bob', p.send('alice', 'warm-up'))
  p.receive('alice', p.send('bob', 'reply'))
  const m = p.send('alice', 'attack at dawn')

  it.each([
    ['a flipped ciphertext bit', { ...m, ciphertext: flip(m.ciphertext, 3) }],
    ['a flipped tag bit', { ...m, ciphertext: flip(m.ciphertext, m.ciphertext.length - 1) }],
    ['a truncated ciphertext', { ...m, ciphertext: m.ciphertext.subarray(0, 10) }],
    ['header n changed', { ...m, header: { ...m.header, n: m.header.n + 1 } }],
    ['header pn changed', { ...m, header: { ...m.header, pn: m.header.pn + 1 } }],
    ['header dh changed', { ...m, header: { ...m.header, dh: generateX25519KeyPair().publicKey } }]
  ])('%s → DecryptFailed, state unchanged', (_, tampered) => {
    expectRejected(p.bob, decrypt(p.bob, tampered), CryptoErrorCode.DecryptFailed)
    // The untouched original still decrypts against the same (unchanged) state.
    expect(new TextDecoder().decode(ratchetDecrypt(p.bob, m.header, m.ciphertext).plaintext)).toBe('attack at dawn')
  })

  it('a different session AD → DecryptFailed', () => {
    const q = new Pair('ad')
    const msg = q.send('alice', 'bound to AD')
    const wrongAd = { ...q.bob, associatedData: flip(q.bob.associatedData, 0) }
    expectRejected(wrongAd, decrypt(wrongAd, msg), CryptoErrorCode.DecryptFailed)
    expect(q.receive('bob', msg)).toBe('bound to AD')
  })

  it('a malformed header → Malformed', () => {
    expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, dh: new Uint8Array(31) } }), CryptoErrorCode.Malformed)
    expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, n: -1 } }), CryptoErrorCode.Malformed)
  })
})

describe('skipped-key limits', () => {
  it(`allows exactly MAX_SKIP (${MAX_SKIP}) skipped keys per message and rejects one more`, () => {
    const p = new Pair()
    const sent = Array.from({ length: MAX_SKIP + 2 }, (_, i) => p.send('alice', `m${i}`))
    expectRejected(p.bob, decrypt(p.bob, sent[MAX_SKIP + 1]), CryptoErrorCode.TooManySkipped)
    expect(p.receive('bob', sent[MAX_SKIP])).toBe(`m${MAX_SKIP}`)
    expect(p.bob.skipped).toHaveLength(MAX_SKIP)
    expect(p.receive('bob', sent[0])).toBe('m0')
  })

  it('a forged huge pn on a new chain → TooManySkipped', () => {
    const p = new Pair()
    p.receive('bob', p.send('alice', 'x'))
    p.receive('alice', p.send('bob', 'y'))
    const m = p.send('alice', 'z')
    expectRejected(p.bob, decrypt(p.bob, { ...m, header: { ...m.header, pn: MAX_SKIP + 5 } }), CryptoErrorCode.TooManySkipped)
  })

  it(`caps the store at MAX_SKIPPED_TOTAL (${MAX_SKIPPED_TOTAL}), dropping the oldest keys`, () => {
    const p = new Pair()
    const firstChain: Array<ReturnType<Pair['send']>> = []
    for (const length of [MAX_SKIP + 1, MAX_SKIP + 1, 11]) {
      const chain = Array.from({ length }, (_, i) => p.send('alice', `c${i}`))
      if (firstChain.length === 0) firstChain.push(...chain)
      p.receive('bob', chain[length - 1])
      p.receive('alice', p.send('bob', 'ack'))
    }
    expect(p.bob.skipped).toHaveLength(MAX_SKIPPED_TOTAL)
    expectRejected(p.bob, decrypt(p.bob, firstChain[9]), CryptoErrorCode.DuplicateMessage)
    expect(p.receive('bob', firstChain[10])).toBe('c10')
  })
})

describe('forward secrecy and post-compromise security', () => {
  it('the state captured after reading message N holds no key that opens message N', () => {
    const p = new Pair('fs')
    p.receive('bob', p.send('alice', 'a'))
    p.receive('alice', p.send('bob', 'b'))
    const n = p.send('alice', 'secret N')
    const next = p.send('alice', 'N+1')
    p.receive('bob', n)
    const captured = p.bob
    expectRejected(captured, decrypt(captured, n), CryptoErrorCode.DuplicateMessage)
    expect(anyKeyOpens(captured, n)).toBe(false)
    expect(p.receive('bob', next)).toBe('N+1')
  })

  it('after a DH ratchet step a captured state cannot decrypt new messages', () => {
    const p = new Pair('pcs')
    p.receive('bob', p.send('alice', 'a0'))
    p.receive('alice', p.send('bob', 'b0'))
    const stolen = p.bob // full compromise of Bob's state, secrets included

    // Still inside the compromise window: the next message is readable by the thief (expected).
    const a1 = p.send('alice', 'a1')
    expect(new TextDecoder().decode(ratchetDecrypt(stolen, a1.header, a1.ciphertext).plaintext)).toBe('a1')
    p.receive('bob', a1) // Bob ratchets with a fresh key the thief does not have
    const b1 = p.send('bob', 'b1')
    p.receive('alice', b1) // Alice ratchets too
    const a2 = p.send('alice', 'healed')

    const { state: thief } = ratchetDecrypt(stolen, a1.header, a1.ciphertext)
    expect(anyKeyOpens(thief, b1)).toBe(false)
    expect(anyKeyOpens(stolen, a2)).toBe(false)
    expectRejected(thief, decrypt(thief, a2), CryptoErrorCode.DecryptFailed)
    expectRejected(stolen, decrypt(stolen, a2), CryptoErrorCode.DecryptFailed)
    expect(p.receive('bob', a2)).toBe('healed')
  })

  it('a receiver initialised with the wrong ratchet key pair cannot decrypt', () => {
    const p = new Pair('wrong-key')
    const m = p.send('alice', 'x')
    const impostor = initReceiver(p.bob.rootKey, generateX25519KeyPair(), p.bob.associatedData)
    expectRejected(impostor, decrypt(impostor, m), CryptoErrorCode.DecryptFailed)
  })
})
