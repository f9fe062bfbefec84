import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Home {
  peer: Uint8Array<ArrayBuffer>
  addrs: Uint8Array<ArrayBuffer>[]
}

export namespace Home {
  let _codec: Codec<Home>

  export const codec = (): Codec<Home> => {
    if (_codec == null) {
      _codec = message<Home>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HomePeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HomeAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Home>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Home.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Home>): Home {
    return decodeMessage(buf, Home.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Home>): Generator<HomePeerFieldEvent | HomeAddrsFieldEvent> {
    return streamMessage(buf, Home.codec(), opts)
  }
}

export interface HomeRecordBody {
  peer: Uint8Array<ArrayBuffer>
  homes: Home[]
  seq: bigint
  expires: bigint
}

export namespace HomeRecordBody {
  let _codec: Codec<HomeRecordBody>

  export const codec = (): Codec<HomeRecordBody> => {
    if (_codec == null) {
      _codec = message<HomeRecordBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if (obj.homes != null && obj.homes.length > 0) {
          for (const value of obj.homes) {
            w.uint32(18)
            Home.codec().encode(value, w)
          }
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(24)
          w.uint64(obj.seq)
        }

        if ((obj.expires != null && obj.expires !== 0n)) {
          w.uint32(32)
          w.uint64(obj.expires)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          homes: [],
          seq: 0n,
          expires: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.homes != null && obj.homes.length === opts.limits.homes) {
                throw new MaxLengthError('Decode error - repeated field "homes" had too many elements')
              }

              obj.homes.push(Home.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.homes$
              }))
              break
            }
            case 3: {
              obj.seq = reader.uint64()
              break
            }
            case 4: {
              obj.expires = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          homes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.homes != null && obj.homes === opts.limits.homes) {
                throw new MaxLengthError('Streaming decode error - repeated field "homes" had too many elements')
              }

              for (const evt of Home.codec().stream(reader, reader.uint32(), `${prefix}.homes[]`, {
                limits: opts.limits?.homes$
              })) {
                yield {
                  ...evt,
                  index: obj.homes
                }
              }

              obj.homes++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expires`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HomeRecordBodyPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HomeRecordBodyHomesPeerFieldEvent {
    field: '$.homes[].peer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HomeRecordBodyHomesAddrsFieldEvent {
    field: '$.homes[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface HomeRecordBodySeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface HomeRecordBodyExpiresFieldEvent {
    field: '$.expires'
    value: bigint
  }

  export function encode (obj: Partial<HomeRecordBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HomeRecordBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HomeRecordBody>): HomeRecordBody {
    return decodeMessage(buf, HomeRecordBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HomeRecordBody>): Generator<HomeRecordBodyPeerFieldEvent | HomeRecordBodyHomesPeerFieldEvent | HomeRecordBodyHomesAddrsFieldEvent | HomeRecordBodySeqFieldEvent | HomeRecordBodyExpiresFieldEvent> {
    return streamMessage(buf, HomeRecordBody.codec(), opts)
  }
}

export interface SignedHomeRecord {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedHomeRecord {
  let _codec: Codec<SignedHomeRecord>

  export const codec = (): Codec<SignedHomeRecord> => {
    if (_codec == null) {
      _codec = message<SignedHomeRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedHomeRecordBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedHomeRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedHomeRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedHomeRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedHomeRecord>): SignedHomeRecord {
    return decodeMessage(buf, SignedHomeRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedHomeRecord>): Generator<SignedHomeRecordBodyFieldEvent | SignedHomeRecordSignatureFieldEvent> {
    return streamMessage(buf, SignedHomeRecord.codec(), opts)
  }
}
