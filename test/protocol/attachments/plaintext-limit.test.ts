// The node's attachment limit is on ciphertext; the page turns it into the largest file it may send.
import { describe, expect, it } from 'vitest'
import { ciphertextSize, plaintextLimit } from '../../../protocol/attachments/cipher.ts'
import { CIPHERTEXT_CHUNK_SIZE, TAG_BYTES } from '../../../protocol/attachments/constants.ts'

describe('plaintextLimit', () => {
  it('is the largest plaintext whose ciphertext fits, around chunk boundaries too', () => {
    const limits = [TAG_BYTES, TAG_BYTES + 1, CIPHERTEXT_CHUNK_SIZE - 1, CIPHERTEXT_CHUNK_SIZE, CIPHERTEXT_CHUNK_SIZE + 1,
      CIPHERTEXT_CHUNK_SIZE + TAG_BYTES, 2 * CIPHERTEXT_CHUNK_SIZE + 5, 25 * 1024 * 1024, 64 * 1024 * 1024 + 7]
    for (const limit of limits) {
      const plain = plaintextLimit(limit)
      expect(ciphertextSize(plain)).toBeLessThanOrEqual(limit)
      expect(ciphertextSize(plain + 1)).toBeGreaterThan(limit)
    }
    // Not even an empty file (one tag) fits.
    expect(plaintextLimit(TAG_BYTES - 1)).toBe(-1)
  })
})
