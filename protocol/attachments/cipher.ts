// Attachment encryption: a fresh XChaCha20-Poly1305 key per file, the plaintext cut into 64 KiB
// chunks. Each chunk's associated data binds the attachment id, the chunk index and whether it is
// the last one, so chunks cannot be swapped between files, reordered, dropped or cut short; a
// SHA-256 digest of the whole ciphertext (carried in the E2EE offer) is checked at the end.
import { equalBytes } from '@noble/ciphers/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { cryptoProvider } from '../crypto/provider.ts'
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { AttachmentError, AttachmentErrorCode, CHUNK_SIZE, CIPHERTEXT_CHUNK_SIZE, DIGEST_BYTES, ID_BYTES, KEY_BYTES, TAG_BYTES } from './constants.ts'

const AD_PREFIX = utf8ToBytes('babacloud/attachment/v1')

export interface AttachmentKeys {
  id: Uint8Array
  key: Uint8Array
  digest: Uint8Array
  /** Plaintext bytes. */
  size: number
  chunks: number
}

export interface SealedAttachment extends AttachmentKeys {
  /** Ciphertext chunks in order; chunk i is sent as frame i. */
  ciphertext: Uint8Array[]
}

export function chunkCount (size: number): number {
  return Math.max(1, Math.ceil(size / CHUNK_SIZE))
}

export function ciphertextSize (size: number): number {
  return size + chunkCount(size) * TAG_BYTES
}

/** The largest plaintext whose ciphertext fits `cipherBytes` (a node's limit is on ciphertext). */
export function plaintextLimit (cipherBytes: number): number {
  const full = Math.floor(cipherBytes / CIPHERTEXT_CHUNK_SIZE)
  const rest = cipherBytes - full * CIPHERTEXT_CHUNK_SIZE
  // A last, partial chunk fits only with room for its tag and at least one byte.
  if (rest > TAG_BYTES) return full * CHUNK_SIZE + rest - TAG_BYTES
  if (full > 0) return full * CHUNK_SIZE
  return rest === TAG_BYTES ? 0 : -1
}

function nonce (index: number): Uint8Array {
  // The key is never reused across files, so a counter is a safe nonce and saves 24 bytes a chunk.
  const n = new Uint8Array(24)
  new DataView(n.buffer).setUint32(20, index)
  return n
}

function associatedData (id: Uint8Array, index: number, final: boolean): Uint8Array {
  const tail = new Uint8Array(5)
  new DataView(tail.buffer).setUint32(0, index)
  tail[4] = final ? 1 : 0
  return concatBytes(AD_PREFIX, id, tail)
}

/** Encrypts a whole file. `random` is injectable so tests can pin keys. */
export function sealAttachment (plaintext: Uint8Array, random: (n: number) => Uint8Array = randomBytes): SealedAttachment {
  const id = random(ID_BYTES)
  const key = random(KEY_BYTES)
  const chunks = chunkCount(plaintext.length)
  const hash = sha256.create()
  const ciphertext: Uint8Array[] = []
  for (let i = 0; i < chunks; i++) {
    const part = plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)
    const sealed = cryptoProvider().xchachaEncrypt(key, nonce(i), part, associatedData(id, i, i === chunks - 1))
    hash.update(sealed)
    ciphertext.push(sealed)
  }
  return { id, key, digest: hash.digest(), size: plaintext.length, chunks, ciphertext }
}

/** Checks that an offer's numbers agree before any byte is accepted for it. */
export function validateKeys (keys: AttachmentKeys, maxBytes: number): void {
  const bad = (why: string): never => { throw new AttachmentError(AttachmentErrorCode.MALFORMED, `attachment offer: ${why}`) }
  if (keys.id.length !== ID_BYTES) bad('id must be 16 bytes')
  if (keys.key.length !== KEY_BYTES) bad('key must be 32 bytes')
  if (keys.digest.length !== DIGEST_BYTES) bad('digest must be 32 bytes')
  if (!Number.isSafeInteger(keys.size) || keys.size < 0) bad('size is not a byte count')
  if (keys.chunks !== chunkCount(keys.size)) bad('chunk count does not match the size')
  if (keys.size > maxBytes) throw new AttachmentError(AttachmentErrorCode.TOO_LARGE, `attachment of ${keys.size} bytes is over the limit of ${maxBytes}`)
}

/**
 * Opens chunks in order as they arrive. The caller writes each plaintext piece somewhere
 * provisional and keeps it only if `finish()` succeeds.
 */
export class AttachmentOpener {
  readonly #keys: AttachmentKeys
  readonly #hash = sha256.create()
  #next = 0
  #bytes = 0

  constructor (keys: AttachmentKeys) {
    this.#keys = keys
  }

  get received (): number {
    return this.#bytes
  }

  open (index: number, data: Uint8Array): Uint8Array {
    const { chunks } = this.#keys
    if (index !== this.#next) throw this.#fail(`chunk ${index} arrived where chunk ${this.#next} was expected`)
    if (index >= chunks) throw this.#fail(`chunk ${index} is beyond the ${chunks} announced`)
    const final = index === chunks - 1
    if ((!final && data.length !== CIPHERTEXT_CHUNK_SIZE) || data.length < TAG_BYTES || data.length > CIPHERTEXT_CHUNK_SIZE) {
      throw this.#fail(`chunk ${index} has a wrong length (${data.length} bytes)`)
    }
    let plain: Uint8Array
    try {
      // The expected flag, not one from the wire: an early chunk passed off as the last fails here.
      plain = cryptoProvider().xchachaDecrypt(this.#keys.key, nonce(index), data, associatedData(this.#keys.id, index, final))
    } catch (err) {
      throw this.#fail(`chunk ${index} failed authentication`, err)
    }
    this.#hash.update(data)
    this.#next++
    this.#bytes += plain.length
    return plain
  }

  /** Every chunk arrived, the sizes add up and the digest matches; throws INTEGRITY otherwise. */
  finish (): void {
    if (this.#next !== this.#keys.chunks) throw this.#fail(`only ${this.#next} of ${this.#keys.chunks} chunks arrived`)
    if (this.#bytes !== this.#keys.size) throw this.#fail(`got ${this.#bytes} bytes, expected ${this.#keys.size}`)
    if (!equalBytes(this.#hash.digest(), this.#keys.digest)) throw this.#fail('ciphertext digest does not match the offer')
  }

  #fail (message: string, cause?: unknown): AttachmentError {
    return new AttachmentError(AttachmentErrorCode.INTEGRITY, message, { cause })
  }
}
