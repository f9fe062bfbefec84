// Chunked attachment encryption: round trips, and every way of damaging the ciphertext is caught.
import { describe, expect, it } from 'vitest'
import { AttachmentOpener, chunkCount, ciphertextSize, sealAttachment, validateKeys } from '../../../protocol/attachments/cipher.ts'
import { AttachmentError, AttachmentErrorCode, CHUNK_SIZE, CIPHERTEXT_CHUNK_SIZE } from '../../../protocol/attachments/constants.ts'
import type { SealedAttachment } from '../../../protocol/attachments/cipher.ts'

/** Test data of any size (getRandomValues stops at 64 KiB a call). */
function randomBytes (n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)))
  return out
}

function open (sealed: SealedAttachment, chunks: Array<[number, Uint8Array]> = sealed.ciphertext.map((c, i) => [i, c])): Uint8Array {
  const opener = new AttachmentOpener(sealed)
  const parts = chunks.map(([i, c]) => opener.open(i, c))
  opener.finish()
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

const integrity = (fn: () => unknown): void => {
  let caught: unknown
  try { fn() } catch (err) { caught = err }
  expect(AttachmentError.is(caught, AttachmentErrorCode.INTEGRITY), String(caught)).toBe(true)
}

describe('attachment cipher', () => {
  it('round-trips sizes around chunk boundaries, including an empty file', () => {
    for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17]) {
      const plain = randomBytes(size)
      const sealed = sealAttachment(plain)
      expect(sealed.chunks).toBe(chunkCount(size))
      expect(sealed.ciphertext.reduce((n, c) => n + c.length, 0)).toBe(ciphertextSize(size))
      expect(sealed.ciphertext.slice(0, -1).every(c => c.length === CIPHERTEXT_CHUNK_SIZE)).toBe(true)
      // Buffer comparison: toEqual walks typed arrays element by element, seconds for a few 100 KB.
      expect(Buffer.from(open(sealed)).equals(Buffer.from(plain)), `size ${size}`).toBe(true)
    }
  })

  it('uses a fresh key and id for every file', () => {
    const plain = randomBytes(100)
    const a = sealAttachment(plain)
    const b = sealAttachment(plain)
    expect(a.key).not.toEqual(b.key)
    expect(a.id).not.toEqual(b.id)
    expect(a.ciphertext[0]).not.toEqual(b.ciphertext[0])
  })

  it('rejects a flipped byte, reordered, dropped, truncated and foreign chunks', () => {
    const sealed = sealAttachment(randomBytes(3 * CHUNK_SIZE + 5))
    const [c0, c1, c2, c3] = sealed.ciphertext
    const flipped = c1.slice()
    flipped[100] ^= 1
    integrity(() => open(sealed, [[0, c0], [1, flipped], [2, c2], [3, c3]]))
    integrity(() => open(sealed, [[0, c0], [1, c2], [2, c1], [3, c3]]))
    integrity(() => open(sealed, [[0, c0], [1, c1], [2, c3]]))
    integrity(() => open(sealed, [[0, c0], [1, c1], [2, c2]]))
    integrity(() => open(sealed, [[0, c0], [2, c2]]))
    const other = sealAttachment(randomBytes(3 * CHUNK_SIZE + 5))
    integrity(() => open(sealed, [[0, c0], [1, other.ciphertext[1]], [2, c2], [3, c3]]))
  })

  it('rejects a file cut at a chunk boundary, even with the last chunk re-flagged', () => {
    // Two chunks sealed where the offer promises one: the first is not sealed as final.
    const sealed = sealAttachment(randomBytes(CHUNK_SIZE + 10))
    integrity(() => open({ ...sealed, size: CHUNK_SIZE, chunks: 1 }, [[0, sealed.ciphertext[0]]]))
  })

  it('rejects a ciphertext whose digest differs from the offer', () => {
    const sealed = sealAttachment(randomBytes(1000))
    const digest = sealed.digest.slice()
    digest[0] ^= 1
    integrity(() => open({ ...sealed, digest }))
  })

  it('validates offers before any byte is accepted', () => {
    const sealed = sealAttachment(randomBytes(2000))
    expect(() => { validateKeys(sealed, 1999) }).toThrow(expect.objectContaining({ name: 'AttachmentError', code: 'TOO_LARGE' }))
    expect(() => { validateKeys({ ...sealed, chunks: 2 }, 10_000) }).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
    expect(() => { validateKeys({ ...sealed, key: sealed.key.subarray(1) }, 10_000) }).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
    validateKeys(sealed, 2000)
  })
})
