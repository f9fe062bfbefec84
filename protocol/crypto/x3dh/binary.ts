/**
 * Minimal big-endian writer/reader for the crypto core's versioned binary formats. Every read is
 * bounds-checked and every decoder must call `end()`, so truncated or padded input becomes a
 * `Malformed` CryptoError instead of a RangeError or a silently accepted suffix.
 */
import { CryptoError, CryptoErrorCode } from './errors.ts'

const MAX_U16 = 0xffff
const MAX_U32 = 0xffffffff

/**
 * Writes into one growing buffer: a ratchet message or session record is built per message, and a
 * chunk, DataView and closure per integer cost more than the bytes they carried.
 */
export class ByteWriter {
  private buf: Uint8Array
  private length = 0

  /** `capacity`: the expected size, when known; the buffer doubles past it. */
  constructor (capacity = 256) {
    this.buf = new Uint8Array(capacity)
  }

  /** Bytes written so far. */
  get size (): number {
    return this.length
  }

  u8 (value: number): this {
    this.check(value, 0xff, 1)
    this.reserve(1)[this.length++] = value
    return this
  }

  u16 (value: number): this {
    this.check(value, MAX_U16, 2)
    const buf = this.reserve(2)
    buf[this.length++] = value >>> 8
    buf[this.length++] = value & 0xff
    return this
  }

  u32 (value: number): this {
    this.check(value, MAX_U32, 4)
    const buf = this.reserve(4)
    buf[this.length++] = value >>> 24
    buf[this.length++] = (value >>> 16) & 0xff
    buf[this.length++] = (value >>> 8) & 0xff
    buf[this.length++] = value & 0xff
    return this
  }

  bytes (value: Uint8Array): this {
    this.reserve(value.length).set(value, this.length)
    this.length += value.length
    return this
  }

  /** Variable-length field with a 16-bit length prefix. */
  bytes16 (value: Uint8Array): this {
    if (value.length > MAX_U16) throw new RangeError(`field of ${value.length} bytes exceeds u16 length`)
    return this.u16(value.length).bytes(value)
  }

  /** Variable-length field with a 32-bit length prefix. */
  bytes32 (value: Uint8Array): this {
    return this.u32(value.length).bytes(value)
  }

  /** The bytes written, in an array of their own (never a view of a larger buffer). */
  finish (): Uint8Array {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length)
  }

  private reserve (size: number): Uint8Array {
    if (this.length + size > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + size))
      grown.set(this.buf.subarray(0, this.length))
      this.buf = grown
    }
    return this.buf
  }

  private check (value: number, max: number, size: number): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`${value} is not an unsigned ${size * 8}-bit integer`)
    }
  }
}

export class ByteReader {
  private offset = 0
  private readonly view: DataView

  /** `what` names the structure being decoded, for error messages. */
  constructor (private readonly input: Uint8Array, private readonly what: string) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  }

  get remaining (): number {
    return this.input.length - this.offset
  }

  u8 (): number {
    this.need(1)
    return this.view.getUint8(this.offset++)
  }

  u16 (): number {
    this.need(2)
    const value = this.view.getUint16(this.offset)
    this.offset += 2
    return value
  }

  u32 (): number {
    this.need(4)
    const value = this.view.getUint32(this.offset)
    this.offset += 4
    return value
  }

  /** Copies, so decoded records never alias (and never pin) the caller's buffer. */
  bytes (length: number): Uint8Array {
    this.need(length)
    const value = this.input.slice(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  bytes16 (): Uint8Array {
    return this.bytes(this.u16())
  }

  bytes32 (): Uint8Array {
    return this.bytes(this.u32())
  }

  rest (): Uint8Array {
    return this.bytes(this.remaining)
  }

  /** A 0/1 presence flag; any other value is malformed rather than truthy. */
  flag (): boolean {
    const value = this.u8()
    if (value > 1) this.fail(`bad presence flag ${value}`)
    return value === 1
  }

  expectVersion (version: number): void {
    const got = this.u8()
    if (got !== version) this.fail(`unsupported version ${got}`)
  }

  end (): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes`)
  }

  fail (reason: string): never {
    throw new CryptoError(CryptoErrorCode.Malformed, `${this.what}: ${reason}`)
  }

  private need (length: number): void {
    if (this.remaining < length) this.fail('truncated')
  }
}
