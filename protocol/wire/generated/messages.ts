import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Envelope {
  id: Uint8Array<ArrayBuffer>
  from: Uint8Array<ArrayBuffer>
  to: Uint8Array<ArrayBuffer>
  sentAt: bigint
  kind: Envelope.Kind
  ciphertext: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  scheme: Envelope.Scheme
  expiresAt: bigint
}

export namespace Envelope {
  export enum Kind {
    MESSAGE = 'MESSAGE',
    RECEIPT = 'RECEIPT',
    PURGE_RECEIPT = 'PURGE_RECEIPT'
  }

  enum __KindValues {
    MESSAGE = 0,
    RECEIPT = 1,
    PURGE_RECEIPT = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  export enum Scheme {
    SEALED = 'SEALED',
    RATCHET = 'RATCHET'
  }

  enum __SchemeValues {
    SEALED = 0,
    RATCHET = 1
  }

  export namespace Scheme {
    export const codec = (): Codec<Scheme> => {
      return enumeration<Scheme>(__SchemeValues)
    }
  }

  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.from != null && obj.from.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.from)
        }

        if ((obj.to != null && obj.to.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.to)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.sentAt)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(40)
          Envelope.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.ciphertext)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if (obj.scheme != null && __SchemeValues[obj.scheme] !== 0) {
          w.uint32(64)
          Envelope.Scheme.codec().encode(obj.scheme, w)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(72)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          from: uint8ArrayAlloc(0),
          to: uint8ArrayAlloc(0),
          sentAt: 0n,
          kind: Kind.MESSAGE,
          ciphertext: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          scheme: Scheme.SEALED,
          expiresAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.from = reader.bytes()
              break
            }
            case 3: {
              obj.to = reader.bytes()
              break
            }
            case 4: {
              obj.sentAt = reader.uint64()
              break
            }
            case 5: {
              obj.kind = Envelope.Kind.codec().decode(reader)
              break
            }
            case 6: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 7: {
              obj.signature = reader.bytes()
              break
            }
            case 8: {
              obj.scheme = Envelope.Scheme.codec().decode(reader)
              break
            }
            case 9: {
              obj.expiresAt = reader.uint64()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.from`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.to`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kind`,
                value: Envelope.Kind.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.scheme`,
                value: Envelope.Scheme.codec().decode(reader)
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.expiresAt`,
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

  export interface EnvelopeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFromFieldEvent {
    field: '$.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeToFieldEvent {
    field: '$.to'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface EnvelopeKindFieldEvent {
    field: '$.kind'
    value: Envelope.Kind
  }

  export interface EnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSchemeFieldEvent {
    field: '$.scheme'
    value: Envelope.Scheme
  }

  export interface EnvelopeExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeIdFieldEvent | EnvelopeFromFieldEvent | EnvelopeToFieldEvent | EnvelopeSentAtFieldEvent | EnvelopeKindFieldEvent | EnvelopeCiphertextFieldEvent | EnvelopeSignatureFieldEvent | EnvelopeSchemeFieldEvent | EnvelopeExpiresAtFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}

export interface Payload {
  text: string
  type: string
  body: Uint8Array<ArrayBuffer>
  replyTo?: Uint8Array<ArrayBuffer>
  expiresAt: bigint
}

export namespace Payload {
  let _codec: Codec<Payload>

  export const codec = (): Codec<Payload> => {
    if (_codec == null) {
      _codec = message<Payload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if ((obj.type != null && obj.type !== '')) {
          w.uint32(18)
          w.string(obj.type)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.body)
        }

        if (obj.replyTo != null) {
          w.uint32(34)
          w.bytes(obj.replyTo)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: '',
          type: '',
          body: uint8ArrayAlloc(0),
          expiresAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.type = reader.string()
              break
            }
            case 3: {
              obj.body = reader.bytes()
              break
            }
            case 4: {
              obj.replyTo = reader.bytes()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64()
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
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.replyTo`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
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

  export interface PayloadTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface PayloadTypeFieldEvent {
    field: '$.type'
    value: string
  }

  export interface PayloadBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PayloadReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PayloadExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<Payload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Payload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Payload {
    return decodeMessage(buf, Payload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Generator<PayloadTextFieldEvent | PayloadTypeFieldEvent | PayloadBodyFieldEvent | PayloadReplyToFieldEvent | PayloadExpiresAtFieldEvent> {
    return streamMessage(buf, Payload.codec(), opts)
  }
}

export interface TimerBody {
  seconds: number
  group: string
}

export namespace TimerBody {
  let _codec: Codec<TimerBody>

  export const codec = (): Codec<TimerBody> => {
    if (_codec == null) {
      _codec = message<TimerBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seconds != null && obj.seconds !== 0)) {
          w.uint32(8)
          w.uint32(obj.seconds)
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(18)
          w.string(obj.group)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seconds: 0,
          group: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seconds = reader.uint32()
              break
            }
            case 2: {
              obj.group = reader.string()
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
                field: `${prefix}.seconds`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
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

  export interface TimerBodySecondsFieldEvent {
    field: '$.seconds'
    value: number
  }

  export interface TimerBodyGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export function encode (obj: Partial<TimerBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TimerBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TimerBody>): TimerBody {
    return decodeMessage(buf, TimerBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TimerBody>): Generator<TimerBodySecondsFieldEvent | TimerBodyGroupFieldEvent> {
    return streamMessage(buf, TimerBody.codec(), opts)
  }
}

export interface ReactionBody {
  messageId: Uint8Array<ArrayBuffer>
  emoji: string
}

export namespace ReactionBody {
  let _codec: Codec<ReactionBody>

  export const codec = (): Codec<ReactionBody> => {
    if (_codec == null) {
      _codec = message<ReactionBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.messageId != null && obj.messageId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.messageId)
        }

        if ((obj.emoji != null && obj.emoji !== '')) {
          w.uint32(18)
          w.string(obj.emoji)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messageId: uint8ArrayAlloc(0),
          emoji: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.messageId = reader.bytes()
              break
            }
            case 2: {
              obj.emoji = reader.string()
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
                field: `${prefix}.messageId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.emoji`,
                value: reader.string()
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

  export interface ReactionBodyMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReactionBodyEmojiFieldEvent {
    field: '$.emoji'
    value: string
  }

  export function encode (obj: Partial<ReactionBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReactionBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReactionBody>): ReactionBody {
    return decodeMessage(buf, ReactionBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReactionBody>): Generator<ReactionBodyMessageIdFieldEvent | ReactionBodyEmojiFieldEvent> {
    return streamMessage(buf, ReactionBody.codec(), opts)
  }
}

export interface OwnDeleteBody {
  ids: Uint8Array<ArrayBuffer>[]
  forEveryone: boolean
  at: bigint
}

export namespace OwnDeleteBody {
  let _codec: Codec<OwnDeleteBody>

  export const codec = (): Codec<OwnDeleteBody> => {
    if (_codec == null) {
      _codec = message<OwnDeleteBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.forEveryone != null && obj.forEveryone !== false)) {
          w.uint32(16)
          w.bool(obj.forEveryone)
        }

        if ((obj.at != null && obj.at !== 0n)) {
          w.uint32(24)
          w.uint64(obj.at)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ids: [],
          forEveryone: false,
          at: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 2: {
              obj.forEveryone = reader.bool()
              break
            }
            case 3: {
              obj.at = reader.uint64()
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.forEveryone`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.at`,
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

  export interface OwnDeleteBodyIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface OwnDeleteBodyForEveryoneFieldEvent {
    field: '$.forEveryone'
    value: boolean
  }

  export interface OwnDeleteBodyAtFieldEvent {
    field: '$.at'
    value: bigint
  }

  export function encode (obj: Partial<OwnDeleteBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnDeleteBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnDeleteBody>): OwnDeleteBody {
    return decodeMessage(buf, OwnDeleteBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnDeleteBody>): Generator<OwnDeleteBodyIdsFieldEvent | OwnDeleteBodyForEveryoneFieldEvent | OwnDeleteBodyAtFieldEvent> {
    return streamMessage(buf, OwnDeleteBody.codec(), opts)
  }
}

export interface OwnReadBody {
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace OwnReadBody {
  let _codec: Codec<OwnReadBody>

  export const codec = (): Codec<OwnReadBody> => {
    if (_codec == null) {
      _codec = message<OwnReadBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

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

  export interface OwnReadBodyIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OwnReadBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnReadBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnReadBody>): OwnReadBody {
    return decodeMessage(buf, OwnReadBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnReadBody>): Generator<OwnReadBodyIdsFieldEvent> {
    return streamMessage(buf, OwnReadBody.codec(), opts)
  }
}

export interface OwnTimerBody {
  peer: string
  group: string
  seconds: number
  at: bigint
}

export namespace OwnTimerBody {
  let _codec: Codec<OwnTimerBody>

  export const codec = (): Codec<OwnTimerBody> => {
    if (_codec == null) {
      _codec = message<OwnTimerBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(10)
          w.string(obj.peer)
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(18)
          w.string(obj.group)
        }

        if ((obj.seconds != null && obj.seconds !== 0)) {
          w.uint32(24)
          w.uint32(obj.seconds)
        }

        if ((obj.at != null && obj.at !== 0n)) {
          w.uint32(32)
          w.uint64(obj.at)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: '',
          group: '',
          seconds: 0,
          at: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.string()
              break
            }
            case 2: {
              obj.group = reader.string()
              break
            }
            case 3: {
              obj.seconds = reader.uint32()
              break
            }
            case 4: {
              obj.at = reader.uint64()
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
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seconds`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.at`,
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

  export interface OwnTimerBodyPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface OwnTimerBodyGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export interface OwnTimerBodySecondsFieldEvent {
    field: '$.seconds'
    value: number
  }

  export interface OwnTimerBodyAtFieldEvent {
    field: '$.at'
    value: bigint
  }

  export function encode (obj: Partial<OwnTimerBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnTimerBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnTimerBody>): OwnTimerBody {
    return decodeMessage(buf, OwnTimerBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnTimerBody>): Generator<OwnTimerBodyPeerFieldEvent | OwnTimerBodyGroupFieldEvent | OwnTimerBodySecondsFieldEvent | OwnTimerBodyAtFieldEvent> {
    return streamMessage(buf, OwnTimerBody.codec(), opts)
  }
}

export interface OwnSentBody {
  id: Uint8Array<ArrayBuffer>
  peer: string
  text: string
  sentAt: bigint
  group: string
  replyTo: Uint8Array<ArrayBuffer>
  replyPreview: string
  expiresAt: bigint
}

export namespace OwnSentBody {
  let _codec: Codec<OwnSentBody>

  export const codec = (): Codec<OwnSentBody> => {
    if (_codec == null) {
      _codec = message<OwnSentBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(18)
          w.string(obj.peer)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(26)
          w.string(obj.text)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.sentAt)
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(42)
          w.string(obj.group)
        }

        if ((obj.replyTo != null && obj.replyTo.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.replyTo)
        }

        if ((obj.replyPreview != null && obj.replyPreview !== '')) {
          w.uint32(58)
          w.string(obj.replyPreview)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(64)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          peer: '',
          text: '',
          sentAt: 0n,
          group: '',
          replyTo: uint8ArrayAlloc(0),
          replyPreview: '',
          expiresAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.peer = reader.string()
              break
            }
            case 3: {
              obj.text = reader.string()
              break
            }
            case 4: {
              obj.sentAt = reader.uint64()
              break
            }
            case 5: {
              obj.group = reader.string()
              break
            }
            case 6: {
              obj.replyTo = reader.bytes()
              break
            }
            case 7: {
              obj.replyPreview = reader.string()
              break
            }
            case 8: {
              obj.expiresAt = reader.uint64()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.group`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.replyTo`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.replyPreview`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.expiresAt`,
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

  export interface OwnSentBodyIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OwnSentBodyPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface OwnSentBodyTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface OwnSentBodySentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface OwnSentBodyGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export interface OwnSentBodyReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OwnSentBodyReplyPreviewFieldEvent {
    field: '$.replyPreview'
    value: string
  }

  export interface OwnSentBodyExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<OwnSentBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnSentBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnSentBody>): OwnSentBody {
    return decodeMessage(buf, OwnSentBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnSentBody>): Generator<OwnSentBodyIdFieldEvent | OwnSentBodyPeerFieldEvent | OwnSentBodyTextFieldEvent | OwnSentBodySentAtFieldEvent | OwnSentBodyGroupFieldEvent | OwnSentBodyReplyToFieldEvent | OwnSentBodyReplyPreviewFieldEvent | OwnSentBodyExpiresAtFieldEvent> {
    return streamMessage(buf, OwnSentBody.codec(), opts)
  }
}

export interface OwnStatusBody {
  ids: Uint8Array<ArrayBuffer>[]
  status: string
  purged: OwnPurge[]
}

export namespace OwnStatusBody {
  let _codec: Codec<OwnStatusBody>

  export const codec = (): Codec<OwnStatusBody> => {
    if (_codec == null) {
      _codec = message<OwnStatusBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.status != null && obj.status !== '')) {
          w.uint32(18)
          w.string(obj.status)
        }

        if (obj.purged != null && obj.purged.length > 0) {
          for (const value of obj.purged) {
            w.uint32(26)
            OwnPurge.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ids: [],
          status: '',
          purged: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 2: {
              obj.status = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.purged != null && obj.purged.length === opts.limits.purged) {
                throw new MaxLengthError('Decode error - repeated field "purged" had too many elements')
              }

              obj.purged.push(OwnPurge.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.purged$
              }))
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
          ids: 0,
          purged: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.purged != null && obj.purged === opts.limits.purged) {
                throw new MaxLengthError('Streaming decode error - repeated field "purged" had too many elements')
              }

              for (const evt of OwnPurge.codec().stream(reader, reader.uint32(), `${prefix}.purged[]`, {
                limits: opts.limits?.purged$
              })) {
                yield {
                  ...evt,
                  index: obj.purged
                }
              }

              obj.purged++

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

  export interface OwnStatusBodyIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface OwnStatusBodyStatusFieldEvent {
    field: '$.status'
    value: string
  }

  export interface OwnStatusBodyPurgedIdFieldEvent {
    field: '$.purged[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OwnStatusBodyPurgedDeviceFieldEvent {
    field: '$.purged[].device'
    value: string
    index: number
  }

  export interface OwnStatusBodyPurgedNodeFieldEvent {
    field: '$.purged[].node'
    value: string
    index: number
  }

  export interface OwnStatusBodyPurgedAtFieldEvent {
    field: '$.purged[].at'
    value: bigint
    index: number
  }

  export interface OwnStatusBodyPurgedExpiredFieldEvent {
    field: '$.purged[].expired'
    value: boolean
    index: number
  }

  export function encode (obj: Partial<OwnStatusBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnStatusBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnStatusBody>): OwnStatusBody {
    return decodeMessage(buf, OwnStatusBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnStatusBody>): Generator<OwnStatusBodyIdsFieldEvent | OwnStatusBodyStatusFieldEvent | OwnStatusBodyPurgedIdFieldEvent | OwnStatusBodyPurgedDeviceFieldEvent | OwnStatusBodyPurgedNodeFieldEvent | OwnStatusBodyPurgedAtFieldEvent | OwnStatusBodyPurgedExpiredFieldEvent> {
    return streamMessage(buf, OwnStatusBody.codec(), opts)
  }
}

export interface OwnPurge {
  id: Uint8Array<ArrayBuffer>
  device: string
  node: string
  at: bigint
  expired: boolean
}

export namespace OwnPurge {
  let _codec: Codec<OwnPurge>

  export const codec = (): Codec<OwnPurge> => {
    if (_codec == null) {
      _codec = message<OwnPurge>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.device != null && obj.device !== '')) {
          w.uint32(18)
          w.string(obj.device)
        }

        if ((obj.node != null && obj.node !== '')) {
          w.uint32(26)
          w.string(obj.node)
        }

        if ((obj.at != null && obj.at !== 0n)) {
          w.uint32(32)
          w.uint64(obj.at)
        }

        if ((obj.expired != null && obj.expired !== false)) {
          w.uint32(40)
          w.bool(obj.expired)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          device: '',
          node: '',
          at: 0n,
          expired: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.device = reader.string()
              break
            }
            case 3: {
              obj.node = reader.string()
              break
            }
            case 4: {
              obj.at = reader.uint64()
              break
            }
            case 5: {
              obj.expired = reader.bool()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.device`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.node`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.at`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expired`,
                value: reader.bool()
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

  export interface OwnPurgeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OwnPurgeDeviceFieldEvent {
    field: '$.device'
    value: string
  }

  export interface OwnPurgeNodeFieldEvent {
    field: '$.node'
    value: string
  }

  export interface OwnPurgeAtFieldEvent {
    field: '$.at'
    value: bigint
  }

  export interface OwnPurgeExpiredFieldEvent {
    field: '$.expired'
    value: boolean
  }

  export function encode (obj: Partial<OwnPurge>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnPurge.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnPurge>): OwnPurge {
    return decodeMessage(buf, OwnPurge.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnPurge>): Generator<OwnPurgeIdFieldEvent | OwnPurgeDeviceFieldEvent | OwnPurgeNodeFieldEvent | OwnPurgeAtFieldEvent | OwnPurgeExpiredFieldEvent> {
    return streamMessage(buf, OwnPurge.codec(), opts)
  }
}

export interface OwnContactBody {
  peer: string
  nickname: string
  username: string
  addedAt: bigint
  updatedAt: bigint
  removed: boolean
  verifiedAt: bigint
}

export namespace OwnContactBody {
  let _codec: Codec<OwnContactBody>

  export const codec = (): Codec<OwnContactBody> => {
    if (_codec == null) {
      _codec = message<OwnContactBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(10)
          w.string(obj.peer)
        }

        if ((obj.nickname != null && obj.nickname !== '')) {
          w.uint32(18)
          w.string(obj.nickname)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(26)
          w.string(obj.username)
        }

        if ((obj.addedAt != null && obj.addedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.addedAt)
        }

        if ((obj.updatedAt != null && obj.updatedAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.updatedAt)
        }

        if ((obj.removed != null && obj.removed !== false)) {
          w.uint32(48)
          w.bool(obj.removed)
        }

        if ((obj.verifiedAt != null && obj.verifiedAt !== 0n)) {
          w.uint32(56)
          w.uint64(obj.verifiedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: '',
          nickname: '',
          username: '',
          addedAt: 0n,
          updatedAt: 0n,
          removed: false,
          verifiedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.string()
              break
            }
            case 2: {
              obj.nickname = reader.string()
              break
            }
            case 3: {
              obj.username = reader.string()
              break
            }
            case 4: {
              obj.addedAt = reader.uint64()
              break
            }
            case 5: {
              obj.updatedAt = reader.uint64()
              break
            }
            case 6: {
              obj.removed = reader.bool()
              break
            }
            case 7: {
              obj.verifiedAt = reader.uint64()
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
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nickname`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.addedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.updatedAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.removed`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.verifiedAt`,
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

  export interface OwnContactBodyPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface OwnContactBodyNicknameFieldEvent {
    field: '$.nickname'
    value: string
  }

  export interface OwnContactBodyUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface OwnContactBodyAddedAtFieldEvent {
    field: '$.addedAt'
    value: bigint
  }

  export interface OwnContactBodyUpdatedAtFieldEvent {
    field: '$.updatedAt'
    value: bigint
  }

  export interface OwnContactBodyRemovedFieldEvent {
    field: '$.removed'
    value: boolean
  }

  export interface OwnContactBodyVerifiedAtFieldEvent {
    field: '$.verifiedAt'
    value: bigint
  }

  export function encode (obj: Partial<OwnContactBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnContactBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnContactBody>): OwnContactBody {
    return decodeMessage(buf, OwnContactBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnContactBody>): Generator<OwnContactBodyPeerFieldEvent | OwnContactBodyNicknameFieldEvent | OwnContactBodyUsernameFieldEvent | OwnContactBodyAddedAtFieldEvent | OwnContactBodyUpdatedAtFieldEvent | OwnContactBodyRemovedFieldEvent | OwnContactBodyVerifiedAtFieldEvent> {
    return streamMessage(buf, OwnContactBody.codec(), opts)
  }
}

export interface EditBody {
  messageId: Uint8Array<ArrayBuffer>
  text: string
}

export namespace EditBody {
  let _codec: Codec<EditBody>

  export const codec = (): Codec<EditBody> => {
    if (_codec == null) {
      _codec = message<EditBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.messageId != null && obj.messageId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.messageId)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(18)
          w.string(obj.text)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messageId: uint8ArrayAlloc(0),
          text: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.messageId = reader.bytes()
              break
            }
            case 2: {
              obj.text = reader.string()
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
                field: `${prefix}.messageId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
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

  export interface EditBodyMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EditBodyTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<EditBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EditBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EditBody>): EditBody {
    return decodeMessage(buf, EditBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EditBody>): Generator<EditBodyMessageIdFieldEvent | EditBodyTextFieldEvent> {
    return streamMessage(buf, EditBody.codec(), opts)
  }
}

export interface ProfileBody {
  displayName: string
  avatar: Uint8Array<ArrayBuffer>
  avatarType: string
}

export namespace ProfileBody {
  let _codec: Codec<ProfileBody>

  export const codec = (): Codec<ProfileBody> => {
    if (_codec == null) {
      _codec = message<ProfileBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.displayName != null && obj.displayName !== '')) {
          w.uint32(10)
          w.string(obj.displayName)
        }

        if ((obj.avatar != null && obj.avatar.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.avatar)
        }

        if ((obj.avatarType != null && obj.avatarType !== '')) {
          w.uint32(26)
          w.string(obj.avatarType)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          displayName: '',
          avatar: uint8ArrayAlloc(0),
          avatarType: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.displayName = reader.string()
              break
            }
            case 2: {
              obj.avatar = reader.bytes()
              break
            }
            case 3: {
              obj.avatarType = reader.string()
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
                field: `${prefix}.displayName`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.avatar`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.avatarType`,
                value: reader.string()
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

  export interface ProfileBodyDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface ProfileBodyAvatarFieldEvent {
    field: '$.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileBodyAvatarTypeFieldEvent {
    field: '$.avatarType'
    value: string
  }

  export function encode (obj: Partial<ProfileBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileBody>): ProfileBody {
    return decodeMessage(buf, ProfileBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileBody>): Generator<ProfileBodyDisplayNameFieldEvent | ProfileBodyAvatarFieldEvent | ProfileBodyAvatarTypeFieldEvent> {
    return streamMessage(buf, ProfileBody.codec(), opts)
  }
}

export enum ErrorCode {
  UNKNOWN = 'UNKNOWN',
  MALFORMED = 'MALFORMED',
  TOO_LARGE = 'TOO_LARGE',
  BAD_SIGNATURE = 'BAD_SIGNATURE',
  REPLAY = 'REPLAY',
  MAILBOX_FULL = 'MAILBOX_FULL',
  UNAUTHORIZED = 'UNAUTHORIZED',
  WRONG_RECIPIENT = 'WRONG_RECIPIENT',
  INTERNAL = 'INTERNAL',
  RATE_LIMITED = 'RATE_LIMITED',
  EXPIRED = 'EXPIRED',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  UNDERAGE = 'UNDERAGE',
  INVALID = 'INVALID',
  RESTRICTED = 'RESTRICTED',
  UNTRUSTED_IDENTITY = 'UNTRUSTED_IDENTITY',
  QUOTA_EXCEEDED = 'QUOTA_EXCEEDED',
  VERIFICATION_UNAVAILABLE = 'VERIFICATION_UNAVAILABLE',
  WRONG_CODE = 'WRONG_CODE',
  STORAGE_FULL = 'STORAGE_FULL'
}

enum __ErrorCodeValues {
  UNKNOWN = 0,
  MALFORMED = 1,
  TOO_LARGE = 2,
  BAD_SIGNATURE = 3,
  REPLAY = 4,
  MAILBOX_FULL = 5,
  UNAUTHORIZED = 6,
  WRONG_RECIPIENT = 7,
  INTERNAL = 8,
  RATE_LIMITED = 9,
  EXPIRED = 10,
  NOT_FOUND = 11,
  ALREADY_EXISTS = 12,
  UNDERAGE = 13,
  INVALID = 14,
  RESTRICTED = 15,
  UNTRUSTED_IDENTITY = 16,
  QUOTA_EXCEEDED = 17,
  VERIFICATION_UNAVAILABLE = 18,
  WRONG_CODE = 19,
  STORAGE_FULL = 20
}

export namespace ErrorCode {
  export const codec = (): Codec<ErrorCode> => {
    return enumeration<ErrorCode>(__ErrorCodeValues)
  }
}

export interface WireError {
  code: ErrorCode
  message: string
}

export namespace WireError {
  let _codec: Codec<WireError>

  export const codec = (): Codec<WireError> => {
    if (_codec == null) {
      _codec = message<WireError>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.code != null && __ErrorCodeValues[obj.code] !== 0) {
          w.uint32(8)
          ErrorCode.codec().encode(obj.code, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: ErrorCode.UNKNOWN,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = ErrorCode.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
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
                field: `${prefix}.code`,
                value: ErrorCode.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
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

  export interface WireErrorCodeFieldEvent {
    field: '$.code'
    value: ErrorCode
  }

  export interface WireErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<WireError>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WireError.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WireError>): WireError {
    return decodeMessage(buf, WireError.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WireError>): Generator<WireErrorCodeFieldEvent | WireErrorMessageFieldEvent> {
    return streamMessage(buf, WireError.codec(), opts)
  }
}

export interface DirectRequest {
  envelope?: Envelope
}

export namespace DirectRequest {
  let _codec: Codec<DirectRequest>

  export const codec = (): Codec<DirectRequest> => {
    if (_codec == null) {
      _codec = message<DirectRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.envelope != null) {
          w.uint32(10)
          Envelope.codec().encode(obj.envelope, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = Envelope.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.envelope
              })
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
              yield * Envelope.codec().stream(reader, reader.uint32(), `${prefix}.envelope`, {
                limits: opts.limits?.envelope
              })

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

  export interface DirectRequestEnvelopeIdFieldEvent {
    field: '$.envelope.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectRequestEnvelopeFromFieldEvent {
    field: '$.envelope.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectRequestEnvelopeToFieldEvent {
    field: '$.envelope.to'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectRequestEnvelopeSentAtFieldEvent {
    field: '$.envelope.sentAt'
    value: bigint
  }

  export interface DirectRequestEnvelopeKindFieldEvent {
    field: '$.envelope.kind'
    value: Envelope.Kind
  }

  export interface DirectRequestEnvelopeCiphertextFieldEvent {
    field: '$.envelope.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectRequestEnvelopeSignatureFieldEvent {
    field: '$.envelope.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectRequestEnvelopeSchemeFieldEvent {
    field: '$.envelope.scheme'
    value: Envelope.Scheme
  }

  export interface DirectRequestEnvelopeExpiresAtFieldEvent {
    field: '$.envelope.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<DirectRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectRequest>): DirectRequest {
    return decodeMessage(buf, DirectRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectRequest>): Generator<DirectRequestEnvelopeIdFieldEvent | DirectRequestEnvelopeFromFieldEvent | DirectRequestEnvelopeToFieldEvent | DirectRequestEnvelopeSentAtFieldEvent | DirectRequestEnvelopeKindFieldEvent | DirectRequestEnvelopeCiphertextFieldEvent | DirectRequestEnvelopeSignatureFieldEvent | DirectRequestEnvelopeSchemeFieldEvent | DirectRequestEnvelopeExpiresAtFieldEvent> {
    return streamMessage(buf, DirectRequest.codec(), opts)
  }
}

export interface DirectResponse {
  error?: WireError
}

export namespace DirectResponse {
  let _codec: Codec<DirectResponse>

  export const codec = (): Codec<DirectResponse> => {
    if (_codec == null) {
      _codec = message<DirectResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          WireError.codec().encode(obj.error, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = WireError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
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
              yield * WireError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

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

  export interface DirectResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: ErrorCode
  }

  export interface DirectResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<DirectResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectResponse>): DirectResponse {
    return decodeMessage(buf, DirectResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectResponse>): Generator<DirectResponseErrorCodeFieldEvent | DirectResponseErrorMessageFieldEvent> {
    return streamMessage(buf, DirectResponse.codec(), opts)
  }
}

export interface MailboxRequest {
  type: MailboxRequest.Type
  envelope?: Envelope
  limit: number
  after: bigint
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace MailboxRequest {
  export enum Type {
    DEPOSIT = 'DEPOSIT',
    FETCH = 'FETCH',
    ACK = 'ACK'
  }

  enum __TypeValues {
    DEPOSIT = 0,
    FETCH = 1,
    ACK = 2
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<MailboxRequest>

  export const codec = (): Codec<MailboxRequest> => {
    if (_codec == null) {
      _codec = message<MailboxRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          MailboxRequest.Type.codec().encode(obj.type, w)
        }

        if (obj.envelope != null) {
          w.uint32(18)
          Envelope.codec().encode(obj.envelope, w)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(24)
          w.uint32(obj.limit)
        }

        if ((obj.after != null && obj.after !== 0n)) {
          w.uint32(32)
          w.uint64(obj.after)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.DEPOSIT,
          limit: 0,
          after: 0n,
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = MailboxRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.envelope = Envelope.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.envelope
              })
              break
            }
            case 3: {
              obj.limit = reader.uint32()
              break
            }
            case 4: {
              obj.after = reader.uint64()
              break
            }
            case 5: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: MailboxRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield * Envelope.codec().stream(reader, reader.uint32(), `${prefix}.envelope`, {
                limits: opts.limits?.envelope
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.after`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

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

  export interface MailboxRequestTypeFieldEvent {
    field: '$.type'
    value: MailboxRequest.Type
  }

  export interface MailboxRequestEnvelopeIdFieldEvent {
    field: '$.envelope.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestEnvelopeFromFieldEvent {
    field: '$.envelope.from'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestEnvelopeToFieldEvent {
    field: '$.envelope.to'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestEnvelopeSentAtFieldEvent {
    field: '$.envelope.sentAt'
    value: bigint
  }

  export interface MailboxRequestEnvelopeKindFieldEvent {
    field: '$.envelope.kind'
    value: Envelope.Kind
  }

  export interface MailboxRequestEnvelopeCiphertextFieldEvent {
    field: '$.envelope.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestEnvelopeSignatureFieldEvent {
    field: '$.envelope.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestEnvelopeSchemeFieldEvent {
    field: '$.envelope.scheme'
    value: Envelope.Scheme
  }

  export interface MailboxRequestEnvelopeExpiresAtFieldEvent {
    field: '$.envelope.expiresAt'
    value: bigint
  }

  export interface MailboxRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface MailboxRequestAfterFieldEvent {
    field: '$.after'
    value: bigint
  }

  export interface MailboxRequestIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MailboxRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): MailboxRequest {
    return decodeMessage(buf, MailboxRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): Generator<MailboxRequestTypeFieldEvent | MailboxRequestEnvelopeIdFieldEvent | MailboxRequestEnvelopeFromFieldEvent | MailboxRequestEnvelopeToFieldEvent | MailboxRequestEnvelopeSentAtFieldEvent | MailboxRequestEnvelopeKindFieldEvent | MailboxRequestEnvelopeCiphertextFieldEvent | MailboxRequestEnvelopeSignatureFieldEvent | MailboxRequestEnvelopeSchemeFieldEvent | MailboxRequestEnvelopeExpiresAtFieldEvent | MailboxRequestLimitFieldEvent | MailboxRequestAfterFieldEvent | MailboxRequestIdsFieldEvent> {
    return streamMessage(buf, MailboxRequest.codec(), opts)
  }
}

export interface MailboxResponse {
  error?: WireError
  envelopes: Envelope[]
  cursor: bigint
  more: boolean
  count: number
}

export namespace MailboxResponse {
  let _codec: Codec<MailboxResponse>

  export const codec = (): Codec<MailboxResponse> => {
    if (_codec == null) {
      _codec = message<MailboxResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          WireError.codec().encode(obj.error, w)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(18)
            Envelope.codec().encode(value, w)
          }
        }

        if ((obj.cursor != null && obj.cursor !== 0n)) {
          w.uint32(24)
          w.uint64(obj.cursor)
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(32)
          w.bool(obj.more)
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(40)
          w.uint32(obj.count)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelopes: [],
          cursor: 0n,
          more: false,
          count: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = WireError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 2: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(Envelope.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.envelopes$
              }))
              break
            }
            case 3: {
              obj.cursor = reader.uint64()
              break
            }
            case 4: {
              obj.more = reader.bool()
              break
            }
            case 5: {
              obj.count = reader.uint32()
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
          envelopes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * WireError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 2: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              for (const evt of Envelope.codec().stream(reader, reader.uint32(), `${prefix}.envelopes[]`, {
                limits: opts.limits?.envelopes$
              })) {
                yield {
                  ...evt,
                  index: obj.envelopes
                }
              }

              obj.envelopes++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint32()
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

  export interface MailboxResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: ErrorCode
  }

  export interface MailboxResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface MailboxResponseEnvelopesIdFieldEvent {
    field: '$.envelopes[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesFromFieldEvent {
    field: '$.envelopes[].from'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesToFieldEvent {
    field: '$.envelopes[].to'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesSentAtFieldEvent {
    field: '$.envelopes[].sentAt'
    value: bigint
    index: number
  }

  export interface MailboxResponseEnvelopesKindFieldEvent {
    field: '$.envelopes[].kind'
    value: Envelope.Kind
    index: number
  }

  export interface MailboxResponseEnvelopesCiphertextFieldEvent {
    field: '$.envelopes[].ciphertext'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesSignatureFieldEvent {
    field: '$.envelopes[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesSchemeFieldEvent {
    field: '$.envelopes[].scheme'
    value: Envelope.Scheme
    index: number
  }

  export interface MailboxResponseEnvelopesExpiresAtFieldEvent {
    field: '$.envelopes[].expiresAt'
    value: bigint
    index: number
  }

  export interface MailboxResponseCursorFieldEvent {
    field: '$.cursor'
    value: bigint
  }

  export interface MailboxResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface MailboxResponseCountFieldEvent {
    field: '$.count'
    value: number
  }

  export function encode (obj: Partial<MailboxResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): MailboxResponse {
    return decodeMessage(buf, MailboxResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): Generator<MailboxResponseErrorCodeFieldEvent | MailboxResponseErrorMessageFieldEvent | MailboxResponseEnvelopesIdFieldEvent | MailboxResponseEnvelopesFromFieldEvent | MailboxResponseEnvelopesToFieldEvent | MailboxResponseEnvelopesSentAtFieldEvent | MailboxResponseEnvelopesKindFieldEvent | MailboxResponseEnvelopesCiphertextFieldEvent | MailboxResponseEnvelopesSignatureFieldEvent | MailboxResponseEnvelopesSchemeFieldEvent | MailboxResponseEnvelopesExpiresAtFieldEvent | MailboxResponseCursorFieldEvent | MailboxResponseMoreFieldEvent | MailboxResponseCountFieldEvent> {
    return streamMessage(buf, MailboxResponse.codec(), opts)
  }
}

export interface PurgeReceipt {
  node: Uint8Array<ArrayBuffer>
  sender: Uint8Array<ArrayBuffer>
  recipient: Uint8Array<ArrayBuffer>
  deletedAt: bigint
  ids: Uint8Array<ArrayBuffer>[]
  reason: PurgeReceipt.Reason
}

export namespace PurgeReceipt {
  export enum Reason {
    ACKED = 'ACKED',
    EXPIRED = 'EXPIRED'
  }

  enum __ReasonValues {
    ACKED = 0,
    EXPIRED = 1
  }

  export namespace Reason {
    export const codec = (): Codec<Reason> => {
      return enumeration<Reason>(__ReasonValues)
    }
  }

  let _codec: Codec<PurgeReceipt>

  export const codec = (): Codec<PurgeReceipt> => {
    if (_codec == null) {
      _codec = message<PurgeReceipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.node != null && obj.node.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.node)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sender)
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.recipient)
        }

        if ((obj.deletedAt != null && obj.deletedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.deletedAt)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(48)
          PurgeReceipt.Reason.codec().encode(obj.reason, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          node: uint8ArrayAlloc(0),
          sender: uint8ArrayAlloc(0),
          recipient: uint8ArrayAlloc(0),
          deletedAt: 0n,
          ids: [],
          reason: Reason.ACKED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.node = reader.bytes()
              break
            }
            case 2: {
              obj.sender = reader.bytes()
              break
            }
            case 3: {
              obj.recipient = reader.bytes()
              break
            }
            case 4: {
              obj.deletedAt = reader.uint64()
              break
            }
            case 5: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 6: {
              obj.reason = PurgeReceipt.Reason.codec().decode(reader)
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.node`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.deletedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.reason`,
                value: PurgeReceipt.Reason.codec().decode(reader)
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

  export interface PurgeReceiptNodeFieldEvent {
    field: '$.node'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PurgeReceiptSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PurgeReceiptRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PurgeReceiptDeletedAtFieldEvent {
    field: '$.deletedAt'
    value: bigint
  }

  export interface PurgeReceiptIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PurgeReceiptReasonFieldEvent {
    field: '$.reason'
    value: PurgeReceipt.Reason
  }

  export function encode (obj: Partial<PurgeReceipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PurgeReceipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PurgeReceipt>): PurgeReceipt {
    return decodeMessage(buf, PurgeReceipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PurgeReceipt>): Generator<PurgeReceiptNodeFieldEvent | PurgeReceiptSenderFieldEvent | PurgeReceiptRecipientFieldEvent | PurgeReceiptDeletedAtFieldEvent | PurgeReceiptIdsFieldEvent | PurgeReceiptReasonFieldEvent> {
    return streamMessage(buf, PurgeReceipt.codec(), opts)
  }
}

export interface SignedPurgeReceipt {
  receipt: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPurgeReceipt {
  let _codec: Codec<SignedPurgeReceipt>

  export const codec = (): Codec<SignedPurgeReceipt> => {
    if (_codec == null) {
      _codec = message<SignedPurgeReceipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.receipt != null && obj.receipt.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.receipt)
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
          receipt: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.receipt = reader.bytes()
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
                field: `${prefix}.receipt`,
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

  export interface SignedPurgeReceiptReceiptFieldEvent {
    field: '$.receipt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPurgeReceiptSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPurgeReceipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPurgeReceipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPurgeReceipt>): SignedPurgeReceipt {
    return decodeMessage(buf, SignedPurgeReceipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPurgeReceipt>): Generator<SignedPurgeReceiptReceiptFieldEvent | SignedPurgeReceiptSignatureFieldEvent> {
    return streamMessage(buf, SignedPurgeReceipt.codec(), opts)
  }
}

export interface Profile {
  username: string
  email?: string
  phone?: string
  displayName?: string
  avatar?: Uint8Array<ArrayBuffer>
  bio?: string
}

export namespace Profile {
  let _codec: Codec<Profile>

  export const codec = (): Codec<Profile> => {
    if (_codec == null) {
      _codec = message<Profile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(10)
          w.string(obj.username)
        }

        if (obj.email != null) {
          w.uint32(18)
          w.string(obj.email)
        }

        if (obj.phone != null) {
          w.uint32(26)
          w.string(obj.phone)
        }

        if (obj.displayName != null) {
          w.uint32(34)
          w.string(obj.displayName)
        }

        if (obj.avatar != null) {
          w.uint32(42)
          w.bytes(obj.avatar)
        }

        if (obj.bio != null) {
          w.uint32(50)
          w.string(obj.bio)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.username = reader.string()
              break
            }
            case 2: {
              obj.email = reader.string()
              break
            }
            case 3: {
              obj.phone = reader.string()
              break
            }
            case 4: {
              obj.displayName = reader.string()
              break
            }
            case 5: {
              obj.avatar = reader.bytes()
              break
            }
            case 6: {
              obj.bio = reader.string()
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
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.email`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.phone`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.displayName`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.avatar`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.bio`,
                value: reader.string()
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

  export interface ProfileUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface ProfileEmailFieldEvent {
    field: '$.email'
    value: string
  }

  export interface ProfilePhoneFieldEvent {
    field: '$.phone'
    value: string
  }

  export interface ProfileDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface ProfileAvatarFieldEvent {
    field: '$.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileBioFieldEvent {
    field: '$.bio'
    value: string
  }

  export function encode (obj: Partial<Profile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Profile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Profile {
    return decodeMessage(buf, Profile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Generator<ProfileUsernameFieldEvent | ProfileEmailFieldEvent | ProfilePhoneFieldEvent | ProfileDisplayNameFieldEvent | ProfileAvatarFieldEvent | ProfileBioFieldEvent> {
    return streamMessage(buf, Profile.codec(), opts)
  }
}

export interface DeviceInfo {
  type: string
  os: string
  clientVersion: string
}

export namespace DeviceInfo {
  let _codec: Codec<DeviceInfo>

  export const codec = (): Codec<DeviceInfo> => {
    if (_codec == null) {
      _codec = message<DeviceInfo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.type != null && obj.type !== '')) {
          w.uint32(10)
          w.string(obj.type)
        }

        if ((obj.os != null && obj.os !== '')) {
          w.uint32(18)
          w.string(obj.os)
        }

        if ((obj.clientVersion != null && obj.clientVersion !== '')) {
          w.uint32(26)
          w.string(obj.clientVersion)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: '',
          os: '',
          clientVersion: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = reader.string()
              break
            }
            case 2: {
              obj.os = reader.string()
              break
            }
            case 3: {
              obj.clientVersion = reader.string()
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
                field: `${prefix}.type`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.os`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.clientVersion`,
                value: reader.string()
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

  export interface DeviceInfoTypeFieldEvent {
    field: '$.type'
    value: string
  }

  export interface DeviceInfoOsFieldEvent {
    field: '$.os'
    value: string
  }

  export interface DeviceInfoClientVersionFieldEvent {
    field: '$.clientVersion'
    value: string
  }

  export function encode (obj: Partial<DeviceInfo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceInfo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceInfo>): DeviceInfo {
    return decodeMessage(buf, DeviceInfo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceInfo>): Generator<DeviceInfoTypeFieldEvent | DeviceInfoOsFieldEvent | DeviceInfoClientVersionFieldEvent> {
    return streamMessage(buf, DeviceInfo.codec(), opts)
  }
}

export interface Device {
  peerId: string
  info?: DeviceInfo
  linkedAt: bigint
  lastSeenAt: bigint
}

export namespace Device {
  let _codec: Codec<Device>

  export const codec = (): Codec<Device> => {
    if (_codec == null) {
      _codec = message<Device>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if (obj.info != null) {
          w.uint32(18)
          DeviceInfo.codec().encode(obj.info, w)
        }

        if ((obj.linkedAt != null && obj.linkedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.linkedAt)
        }

        if ((obj.lastSeenAt != null && obj.lastSeenAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.lastSeenAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          linkedAt: 0n,
          lastSeenAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.info = DeviceInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.info
              })
              break
            }
            case 3: {
              obj.linkedAt = reader.uint64()
              break
            }
            case 4: {
              obj.lastSeenAt = reader.uint64()
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
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * DeviceInfo.codec().stream(reader, reader.uint32(), `${prefix}.info`, {
                limits: opts.limits?.info
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.linkedAt`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.lastSeenAt`,
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

  export interface DevicePeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface DeviceInfoTypeFieldEvent {
    field: '$.info.type'
    value: string
  }

  export interface DeviceInfoOsFieldEvent {
    field: '$.info.os'
    value: string
  }

  export interface DeviceInfoClientVersionFieldEvent {
    field: '$.info.clientVersion'
    value: string
  }

  export interface DeviceLinkedAtFieldEvent {
    field: '$.linkedAt'
    value: bigint
  }

  export interface DeviceLastSeenAtFieldEvent {
    field: '$.lastSeenAt'
    value: bigint
  }

  export function encode (obj: Partial<Device>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Device.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Device>): Device {
    return decodeMessage(buf, Device.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Device>): Generator<DevicePeerIdFieldEvent | DeviceInfoTypeFieldEvent | DeviceInfoOsFieldEvent | DeviceInfoClientVersionFieldEvent | DeviceLinkedAtFieldEvent | DeviceLastSeenAtFieldEvent> {
    return streamMessage(buf, Device.codec(), opts)
  }
}

export interface Account {
  id: string
  profile?: Profile
  devices: Device[]
  createdAt: bigint
  restricted: boolean
  marketingOptOut: boolean
  policyVersionAccepted: number
  policyVersionCurrent: number
  emailVerified: boolean
  phoneVerified: boolean
  mailRetentionMs: bigint
}

export namespace Account {
  let _codec: Codec<Account>

  export const codec = (): Codec<Account> => {
    if (_codec == null) {
      _codec = message<Account>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if (obj.profile != null) {
          w.uint32(18)
          Profile.codec().encode(obj.profile, w)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(26)
            Device.codec().encode(value, w)
          }
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.createdAt)
        }

        if ((obj.restricted != null && obj.restricted !== false)) {
          w.uint32(40)
          w.bool(obj.restricted)
        }

        if ((obj.marketingOptOut != null && obj.marketingOptOut !== false)) {
          w.uint32(48)
          w.bool(obj.marketingOptOut)
        }

        if ((obj.policyVersionAccepted != null && obj.policyVersionAccepted !== 0)) {
          w.uint32(56)
          w.uint32(obj.policyVersionAccepted)
        }

        if ((obj.policyVersionCurrent != null && obj.policyVersionCurrent !== 0)) {
          w.uint32(64)
          w.uint32(obj.policyVersionCurrent)
        }

        if ((obj.emailVerified != null && obj.emailVerified !== false)) {
          w.uint32(72)
          w.bool(obj.emailVerified)
        }

        if ((obj.phoneVerified != null && obj.phoneVerified !== false)) {
          w.uint32(80)
          w.bool(obj.phoneVerified)
        }

        if ((obj.mailRetentionMs != null && obj.mailRetentionMs !== 0n)) {
          w.uint32(88)
          w.uint64(obj.mailRetentionMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          devices: [],
          createdAt: 0n,
          restricted: false,
          marketingOptOut: false,
          policyVersionAccepted: 0,
          policyVersionCurrent: 0,
          emailVerified: false,
          phoneVerified: false,
          mailRetentionMs: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.profile = Profile.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.profile
              })
              break
            }
            case 3: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(Device.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices$
              }))
              break
            }
            case 4: {
              obj.createdAt = reader.uint64()
              break
            }
            case 5: {
              obj.restricted = reader.bool()
              break
            }
            case 6: {
              obj.marketingOptOut = reader.bool()
              break
            }
            case 7: {
              obj.policyVersionAccepted = reader.uint32()
              break
            }
            case 8: {
              obj.policyVersionCurrent = reader.uint32()
              break
            }
            case 9: {
              obj.emailVerified = reader.bool()
              break
            }
            case 10: {
              obj.phoneVerified = reader.bool()
              break
            }
            case 11: {
              obj.mailRetentionMs = reader.uint64()
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
          devices: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * Profile.codec().stream(reader, reader.uint32(), `${prefix}.profile`, {
                limits: opts.limits?.profile
              })

              break
            }
            case 3: {
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of Device.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
                limits: opts.limits?.devices$
              })) {
                yield {
                  ...evt,
                  index: obj.devices
                }
              }

              obj.devices++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.restricted`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.marketingOptOut`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.policyVersionAccepted`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.policyVersionCurrent`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.emailVerified`,
                value: reader.bool()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.phoneVerified`,
                value: reader.bool()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.mailRetentionMs`,
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

  export interface AccountIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface AccountProfileUsernameFieldEvent {
    field: '$.profile.username'
    value: string
  }

  export interface AccountProfileEmailFieldEvent {
    field: '$.profile.email'
    value: string
  }

  export interface AccountProfilePhoneFieldEvent {
    field: '$.profile.phone'
    value: string
  }

  export interface AccountProfileDisplayNameFieldEvent {
    field: '$.profile.displayName'
    value: string
  }

  export interface AccountProfileAvatarFieldEvent {
    field: '$.profile.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AccountProfileBioFieldEvent {
    field: '$.profile.bio'
    value: string
  }

  export interface AccountDevicesPeerIdFieldEvent {
    field: '$.devices[].peerId'
    value: string
    index: number
  }

  export interface AccountDevicesInfoTypeFieldEvent {
    field: '$.devices[].info.type'
    value: string
    index: number
  }

  export interface AccountDevicesInfoOsFieldEvent {
    field: '$.devices[].info.os'
    value: string
    index: number
  }

  export interface AccountDevicesInfoClientVersionFieldEvent {
    field: '$.devices[].info.clientVersion'
    value: string
    index: number
  }

  export interface AccountDevicesLinkedAtFieldEvent {
    field: '$.devices[].linkedAt'
    value: bigint
    index: number
  }

  export interface AccountDevicesLastSeenAtFieldEvent {
    field: '$.devices[].lastSeenAt'
    value: bigint
    index: number
  }

  export interface AccountCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface AccountRestrictedFieldEvent {
    field: '$.restricted'
    value: boolean
  }

  export interface AccountMarketingOptOutFieldEvent {
    field: '$.marketingOptOut'
    value: boolean
  }

  export interface AccountPolicyVersionAcceptedFieldEvent {
    field: '$.policyVersionAccepted'
    value: number
  }

  export interface AccountPolicyVersionCurrentFieldEvent {
    field: '$.policyVersionCurrent'
    value: number
  }

  export interface AccountEmailVerifiedFieldEvent {
    field: '$.emailVerified'
    value: boolean
  }

  export interface AccountPhoneVerifiedFieldEvent {
    field: '$.phoneVerified'
    value: boolean
  }

  export interface AccountMailRetentionMsFieldEvent {
    field: '$.mailRetentionMs'
    value: bigint
  }

  export function encode (obj: Partial<Account>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Account.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Account>): Account {
    return decodeMessage(buf, Account.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Account>): Generator<AccountIdFieldEvent | AccountProfileUsernameFieldEvent | AccountProfileEmailFieldEvent | AccountProfilePhoneFieldEvent | AccountProfileDisplayNameFieldEvent | AccountProfileAvatarFieldEvent | AccountProfileBioFieldEvent | AccountDevicesPeerIdFieldEvent | AccountDevicesInfoTypeFieldEvent | AccountDevicesInfoOsFieldEvent | AccountDevicesInfoClientVersionFieldEvent | AccountDevicesLinkedAtFieldEvent | AccountDevicesLastSeenAtFieldEvent | AccountCreatedAtFieldEvent | AccountRestrictedFieldEvent | AccountMarketingOptOutFieldEvent | AccountPolicyVersionAcceptedFieldEvent | AccountPolicyVersionCurrentFieldEvent | AccountEmailVerifiedFieldEvent | AccountPhoneVerifiedFieldEvent | AccountMailRetentionMsFieldEvent> {
    return streamMessage(buf, Account.codec(), opts)
  }
}

export interface AccountRequest {
  type: AccountRequest.Type
  profile?: Profile
  birthDate: string
  username: string
  code: string
  peerId: string
  hashes: Uint8Array<ArrayBuffer>[]
  flag: boolean
  device?: DeviceInfo
  policyVersion: number
  clear: string[]
  plan: string
  kind: string
  retentionMs: bigint
  exportCursor: string
}

export namespace AccountRequest {
  export enum Type {
    SIGN_UP = 'SIGN_UP',
    GET = 'GET',
    UPDATE = 'UPDATE',
    DELETE = 'DELETE',
    EXPORT = 'EXPORT',
    SET_RESTRICTED = 'SET_RESTRICTED',
    SET_MARKETING_OPT_OUT = 'SET_MARKETING_OPT_OUT',
    RESOLVE = 'RESOLVE',
    CREATE_LINK_CODE = 'CREATE_LINK_CODE',
    LINK_DEVICE = 'LINK_DEVICE',
    UNLINK_DEVICE = 'UNLINK_DEVICE',
    DISCOVER = 'DISCOVER',
    GET_POLICY = 'GET_POLICY',
    ACCEPT_POLICY = 'ACCEPT_POLICY',
    GET_PLAN = 'GET_PLAN',
    CHECKOUT = 'CHECKOUT',
    VERIFY_START = 'VERIFY_START',
    VERIFY_CONFIRM = 'VERIFY_CONFIRM',
    SET_MAIL_RETENTION = 'SET_MAIL_RETENTION'
  }

  enum __TypeValues {
    SIGN_UP = 0,
    GET = 1,
    UPDATE = 2,
    DELETE = 3,
    EXPORT = 4,
    SET_RESTRICTED = 5,
    SET_MARKETING_OPT_OUT = 6,
    RESOLVE = 7,
    CREATE_LINK_CODE = 8,
    LINK_DEVICE = 9,
    UNLINK_DEVICE = 10,
    DISCOVER = 11,
    GET_POLICY = 12,
    ACCEPT_POLICY = 13,
    GET_PLAN = 14,
    CHECKOUT = 15,
    VERIFY_START = 16,
    VERIFY_CONFIRM = 17,
    SET_MAIL_RETENTION = 18
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<AccountRequest>

  export const codec = (): Codec<AccountRequest> => {
    if (_codec == null) {
      _codec = message<AccountRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          AccountRequest.Type.codec().encode(obj.type, w)
        }

        if (obj.profile != null) {
          w.uint32(18)
          Profile.codec().encode(obj.profile, w)
        }

        if ((obj.birthDate != null && obj.birthDate !== '')) {
          w.uint32(26)
          w.string(obj.birthDate)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(34)
          w.string(obj.username)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(42)
          w.string(obj.code)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(50)
          w.string(obj.peerId)
        }

        if (obj.hashes != null && obj.hashes.length > 0) {
          for (const value of obj.hashes) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if ((obj.flag != null && obj.flag !== false)) {
          w.uint32(64)
          w.bool(obj.flag)
        }

        if (obj.device != null) {
          w.uint32(74)
          DeviceInfo.codec().encode(obj.device, w)
        }

        if ((obj.policyVersion != null && obj.policyVersion !== 0)) {
          w.uint32(80)
          w.uint32(obj.policyVersion)
        }

        if (obj.clear != null && obj.clear.length > 0) {
          for (const value of obj.clear) {
            w.uint32(90)
            w.string(value)
          }
        }

        if ((obj.plan != null && obj.plan !== '')) {
          w.uint32(98)
          w.string(obj.plan)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(106)
          w.string(obj.kind)
        }

        if ((obj.retentionMs != null && obj.retentionMs !== 0n)) {
          w.uint32(112)
          w.uint64(obj.retentionMs)
        }

        if ((obj.exportCursor != null && obj.exportCursor !== '')) {
          w.uint32(162)
          w.string(obj.exportCursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.SIGN_UP,
          birthDate: '',
          username: '',
          code: '',
          peerId: '',
          hashes: [],
          flag: false,
          policyVersion: 0,
          clear: [],
          plan: '',
          kind: '',
          retentionMs: 0n,
          exportCursor: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = AccountRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.profile = Profile.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.profile
              })
              break
            }
            case 3: {
              obj.birthDate = reader.string()
              break
            }
            case 4: {
              obj.username = reader.string()
              break
            }
            case 5: {
              obj.code = reader.string()
              break
            }
            case 6: {
              obj.peerId = reader.string()
              break
            }
            case 7: {
              if (opts.limits?.hashes != null && obj.hashes.length === opts.limits.hashes) {
                throw new MaxLengthError('Decode error - repeated field "hashes" had too many elements')
              }

              obj.hashes.push(reader.bytes())
              break
            }
            case 8: {
              obj.flag = reader.bool()
              break
            }
            case 9: {
              obj.device = DeviceInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.device
              })
              break
            }
            case 10: {
              obj.policyVersion = reader.uint32()
              break
            }
            case 11: {
              if (opts.limits?.clear != null && obj.clear.length === opts.limits.clear) {
                throw new MaxLengthError('Decode error - repeated field "clear" had too many elements')
              }

              obj.clear.push(reader.string())
              break
            }
            case 12: {
              obj.plan = reader.string()
              break
            }
            case 13: {
              obj.kind = reader.string()
              break
            }
            case 14: {
              obj.retentionMs = reader.uint64()
              break
            }
            case 20: {
              obj.exportCursor = reader.string()
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
          hashes: 0,
          clear: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: AccountRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield * Profile.codec().stream(reader, reader.uint32(), `${prefix}.profile`, {
                limits: opts.limits?.profile
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.birthDate`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 7: {
              if (opts.limits?.hashes != null && obj.hashes === opts.limits.hashes) {
                throw new MaxLengthError('Streaming decode error - repeated field "hashes" had too many elements')
              }

              yield {
                field: `${prefix}.hashes[]`,
                index: obj.hashes,
                value: reader.bytes()
              }

              obj.hashes++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.flag`,
                value: reader.bool()
              }
              break
            }
            case 9: {
              yield * DeviceInfo.codec().stream(reader, reader.uint32(), `${prefix}.device`, {
                limits: opts.limits?.device
              })

              break
            }
            case 10: {
              yield {
                field: `${prefix}.policyVersion`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              if (opts.limits?.clear != null && obj.clear === opts.limits.clear) {
                throw new MaxLengthError('Streaming decode error - repeated field "clear" had too many elements')
              }

              yield {
                field: `${prefix}.clear[]`,
                index: obj.clear,
                value: reader.string()
              }

              obj.clear++

              break
            }
            case 12: {
              yield {
                field: `${prefix}.plan`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.retentionMs`,
                value: reader.uint64()
              }
              break
            }
            case 20: {
              yield {
                field: `${prefix}.exportCursor`,
                value: reader.string()
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

  export interface AccountRequestTypeFieldEvent {
    field: '$.type'
    value: AccountRequest.Type
  }

  export interface AccountRequestProfileUsernameFieldEvent {
    field: '$.profile.username'
    value: string
  }

  export interface AccountRequestProfileEmailFieldEvent {
    field: '$.profile.email'
    value: string
  }

  export interface AccountRequestProfilePhoneFieldEvent {
    field: '$.profile.phone'
    value: string
  }

  export interface AccountRequestProfileDisplayNameFieldEvent {
    field: '$.profile.displayName'
    value: string
  }

  export interface AccountRequestProfileAvatarFieldEvent {
    field: '$.profile.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AccountRequestProfileBioFieldEvent {
    field: '$.profile.bio'
    value: string
  }

  export interface AccountRequestBirthDateFieldEvent {
    field: '$.birthDate'
    value: string
  }

  export interface AccountRequestUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface AccountRequestCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface AccountRequestPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface AccountRequestHashesFieldEvent {
    field: '$.hashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AccountRequestFlagFieldEvent {
    field: '$.flag'
    value: boolean
  }

  export interface AccountRequestDeviceTypeFieldEvent {
    field: '$.device.type'
    value: string
  }

  export interface AccountRequestDeviceOsFieldEvent {
    field: '$.device.os'
    value: string
  }

  export interface AccountRequestDeviceClientVersionFieldEvent {
    field: '$.device.clientVersion'
    value: string
  }

  export interface AccountRequestPolicyVersionFieldEvent {
    field: '$.policyVersion'
    value: number
  }

  export interface AccountRequestClearFieldEvent {
    field: '$.clear[]'
    index: number
    value: string
  }

  export interface AccountRequestPlanFieldEvent {
    field: '$.plan'
    value: string
  }

  export interface AccountRequestKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface AccountRequestRetentionMsFieldEvent {
    field: '$.retentionMs'
    value: bigint
  }

  export interface AccountRequestExportCursorFieldEvent {
    field: '$.exportCursor'
    value: string
  }

  export function encode (obj: Partial<AccountRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountRequest>): AccountRequest {
    return decodeMessage(buf, AccountRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountRequest>): Generator<AccountRequestTypeFieldEvent | AccountRequestProfileUsernameFieldEvent | AccountRequestProfileEmailFieldEvent | AccountRequestProfilePhoneFieldEvent | AccountRequestProfileDisplayNameFieldEvent | AccountRequestProfileAvatarFieldEvent | AccountRequestProfileBioFieldEvent | AccountRequestBirthDateFieldEvent | AccountRequestUsernameFieldEvent | AccountRequestCodeFieldEvent | AccountRequestPeerIdFieldEvent | AccountRequestHashesFieldEvent | AccountRequestFlagFieldEvent | AccountRequestDeviceTypeFieldEvent | AccountRequestDeviceOsFieldEvent | AccountRequestDeviceClientVersionFieldEvent | AccountRequestPolicyVersionFieldEvent | AccountRequestClearFieldEvent | AccountRequestPlanFieldEvent | AccountRequestKindFieldEvent | AccountRequestRetentionMsFieldEvent | AccountRequestExportCursorFieldEvent> {
    return streamMessage(buf, AccountRequest.codec(), opts)
  }
}

export interface DiscoveryMatch {
  hash: Uint8Array<ArrayBuffer>
  username: string
}

export namespace DiscoveryMatch {
  let _codec: Codec<DiscoveryMatch>

  export const codec = (): Codec<DiscoveryMatch> => {
    if (_codec == null) {
      _codec = message<DiscoveryMatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.hash != null && obj.hash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.hash)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          hash: uint8ArrayAlloc(0),
          username: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hash = reader.bytes()
              break
            }
            case 2: {
              obj.username = reader.string()
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
                field: `${prefix}.hash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
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

  export interface DiscoveryMatchHashFieldEvent {
    field: '$.hash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DiscoveryMatchUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export function encode (obj: Partial<DiscoveryMatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DiscoveryMatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DiscoveryMatch>): DiscoveryMatch {
    return decodeMessage(buf, DiscoveryMatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DiscoveryMatch>): Generator<DiscoveryMatchHashFieldEvent | DiscoveryMatchUsernameFieldEvent> {
    return streamMessage(buf, DiscoveryMatch.codec(), opts)
  }
}

export interface AccountResponse {
  error?: WireError
  account?: Account
  peerIds: string[]
  code: string
  expiresAt: bigint
  matches: DiscoveryMatch[]
  salt: Uint8Array<ArrayBuffer>
  json: string
  policyVersion: number
  policyText: string
  plan?: PlanStatus
  checkoutUrl: string
  exportCursor: string
}

export namespace AccountResponse {
  let _codec: Codec<AccountResponse>

  export const codec = (): Codec<AccountResponse> => {
    if (_codec == null) {
      _codec = message<AccountResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          WireError.codec().encode(obj.error, w)
        }

        if (obj.account != null) {
          w.uint32(18)
          Account.codec().encode(obj.account, w)
        }

        if (obj.peerIds != null && obj.peerIds.length > 0) {
          for (const value of obj.peerIds) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(34)
          w.string(obj.code)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.expiresAt)
        }

        if (obj.matches != null && obj.matches.length > 0) {
          for (const value of obj.matches) {
            w.uint32(50)
            DiscoveryMatch.codec().encode(value, w)
          }
        }

        if ((obj.salt != null && obj.salt.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.salt)
        }

        if ((obj.json != null && obj.json !== '')) {
          w.uint32(66)
          w.string(obj.json)
        }

        if ((obj.policyVersion != null && obj.policyVersion !== 0)) {
          w.uint32(72)
          w.uint32(obj.policyVersion)
        }

        if ((obj.policyText != null && obj.policyText !== '')) {
          w.uint32(82)
          w.string(obj.policyText)
        }

        if (obj.plan != null) {
          w.uint32(90)
          PlanStatus.codec().encode(obj.plan, w)
        }

        if ((obj.checkoutUrl != null && obj.checkoutUrl !== '')) {
          w.uint32(98)
          w.string(obj.checkoutUrl)
        }

        if ((obj.exportCursor != null && obj.exportCursor !== '')) {
          w.uint32(162)
          w.string(obj.exportCursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerIds: [],
          code: '',
          expiresAt: 0n,
          matches: [],
          salt: uint8ArrayAlloc(0),
          json: '',
          policyVersion: 0,
          policyText: '',
          checkoutUrl: '',
          exportCursor: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = WireError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 2: {
              obj.account = Account.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.account
              })
              break
            }
            case 3: {
              if (opts.limits?.peerIds != null && obj.peerIds.length === opts.limits.peerIds) {
                throw new MaxLengthError('Decode error - repeated field "peerIds" had too many elements')
              }

              obj.peerIds.push(reader.string())
              break
            }
            case 4: {
              obj.code = reader.string()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 6: {
              if (opts.limits?.matches != null && obj.matches.length === opts.limits.matches) {
                throw new MaxLengthError('Decode error - repeated field "matches" had too many elements')
              }

              obj.matches.push(DiscoveryMatch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.matches$
              }))
              break
            }
            case 7: {
              obj.salt = reader.bytes()
              break
            }
            case 8: {
              obj.json = reader.string()
              break
            }
            case 9: {
              obj.policyVersion = reader.uint32()
              break
            }
            case 10: {
              obj.policyText = reader.string()
              break
            }
            case 11: {
              obj.plan = PlanStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.plan
              })
              break
            }
            case 12: {
              obj.checkoutUrl = reader.string()
              break
            }
            case 20: {
              obj.exportCursor = reader.string()
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
          peerIds: 0,
          matches: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * WireError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 2: {
              yield * Account.codec().stream(reader, reader.uint32(), `${prefix}.account`, {
                limits: opts.limits?.account
              })

              break
            }
            case 3: {
              if (opts.limits?.peerIds != null && obj.peerIds === opts.limits.peerIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "peerIds" had too many elements')
              }

              yield {
                field: `${prefix}.peerIds[]`,
                index: obj.peerIds,
                value: reader.string()
              }

              obj.peerIds++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              if (opts.limits?.matches != null && obj.matches === opts.limits.matches) {
                throw new MaxLengthError('Streaming decode error - repeated field "matches" had too many elements')
              }

              for (const evt of DiscoveryMatch.codec().stream(reader, reader.uint32(), `${prefix}.matches[]`, {
                limits: opts.limits?.matches$
              })) {
                yield {
                  ...evt,
                  index: obj.matches
                }
              }

              obj.matches++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.salt`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.json`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.policyVersion`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.policyText`,
                value: reader.string()
              }
              break
            }
            case 11: {
              yield * PlanStatus.codec().stream(reader, reader.uint32(), `${prefix}.plan`, {
                limits: opts.limits?.plan
              })

              break
            }
            case 12: {
              yield {
                field: `${prefix}.checkoutUrl`,
                value: reader.string()
              }
              break
            }
            case 20: {
              yield {
                field: `${prefix}.exportCursor`,
                value: reader.string()
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

  export interface AccountResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: ErrorCode
  }

  export interface AccountResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface AccountResponseAccountIdFieldEvent {
    field: '$.account.id'
    value: string
  }

  export interface AccountResponseAccountProfileUsernameFieldEvent {
    field: '$.account.profile.username'
    value: string
  }

  export interface AccountResponseAccountProfileEmailFieldEvent {
    field: '$.account.profile.email'
    value: string
  }

  export interface AccountResponseAccountProfilePhoneFieldEvent {
    field: '$.account.profile.phone'
    value: string
  }

  export interface AccountResponseAccountProfileDisplayNameFieldEvent {
    field: '$.account.profile.displayName'
    value: string
  }

  export interface AccountResponseAccountProfileAvatarFieldEvent {
    field: '$.account.profile.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AccountResponseAccountProfileBioFieldEvent {
    field: '$.account.profile.bio'
    value: string
  }

  export interface AccountResponseAccountDevicesPeerIdFieldEvent {
    field: '$.account.devices[].peerId'
    value: string
    index: number
  }

  export interface AccountResponseAccountDevicesInfoTypeFieldEvent {
    field: '$.account.devices[].info.type'
    value: string
    index: number
  }

  export interface AccountResponseAccountDevicesInfoOsFieldEvent {
    field: '$.account.devices[].info.os'
    value: string
    index: number
  }

  export interface AccountResponseAccountDevicesInfoClientVersionFieldEvent {
    field: '$.account.devices[].info.clientVersion'
    value: string
    index: number
  }

  export interface AccountResponseAccountDevicesLinkedAtFieldEvent {
    field: '$.account.devices[].linkedAt'
    value: bigint
    index: number
  }

  export interface AccountResponseAccountDevicesLastSeenAtFieldEvent {
    field: '$.account.devices[].lastSeenAt'
    value: bigint
    index: number
  }

  export interface AccountResponseAccountCreatedAtFieldEvent {
    field: '$.account.createdAt'
    value: bigint
  }

  export interface AccountResponseAccountRestrictedFieldEvent {
    field: '$.account.restricted'
    value: boolean
  }

  export interface AccountResponseAccountMarketingOptOutFieldEvent {
    field: '$.account.marketingOptOut'
    value: boolean
  }

  export interface AccountResponseAccountPolicyVersionAcceptedFieldEvent {
    field: '$.account.policyVersionAccepted'
    value: number
  }

  export interface AccountResponseAccountPolicyVersionCurrentFieldEvent {
    field: '$.account.policyVersionCurrent'
    value: number
  }

  export interface AccountResponseAccountEmailVerifiedFieldEvent {
    field: '$.account.emailVerified'
    value: boolean
  }

  export interface AccountResponseAccountPhoneVerifiedFieldEvent {
    field: '$.account.phoneVerified'
    value: boolean
  }

  export interface AccountResponseAccountMailRetentionMsFieldEvent {
    field: '$.account.mailRetentionMs'
    value: bigint
  }

  export interface AccountResponsePeerIdsFieldEvent {
    field: '$.peerIds[]'
    index: number
    value: string
  }

  export interface AccountResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface AccountResponseExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface AccountResponseMatchesHashFieldEvent {
    field: '$.matches[].hash'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AccountResponseMatchesUsernameFieldEvent {
    field: '$.matches[].username'
    value: string
    index: number
  }

  export interface AccountResponseSaltFieldEvent {
    field: '$.salt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AccountResponseJsonFieldEvent {
    field: '$.json'
    value: string
  }

  export interface AccountResponsePolicyVersionFieldEvent {
    field: '$.policyVersion'
    value: number
  }

  export interface AccountResponsePolicyTextFieldEvent {
    field: '$.policyText'
    value: string
  }

  export interface AccountResponsePlanPlanFieldEvent {
    field: '$.plan.plan'
    value: string
  }

  export interface AccountResponsePlanLimitsMailboxMaxMessagesFieldEvent {
    field: '$.plan.limits.mailboxMaxMessages'
    value: number
  }

  export interface AccountResponsePlanLimitsMailboxMaxBytesFieldEvent {
    field: '$.plan.limits.mailboxMaxBytes'
    value: number
  }

  export interface AccountResponsePlanLimitsRetentionMsFieldEvent {
    field: '$.plan.limits.retentionMs'
    value: number
  }

  export interface AccountResponsePlanLimitsAttachmentMaxBytesFieldEvent {
    field: '$.plan.limits.attachmentMaxBytes'
    value: number
  }

  export interface AccountResponsePlanLimitsGroupMaxMembersFieldEvent {
    field: '$.plan.limits.groupMaxMembers'
    value: number
  }

  export interface AccountResponsePlanLimitsDepositsPerMinuteFieldEvent {
    field: '$.plan.limits.depositsPerMinute'
    value: number
  }

  export interface AccountResponsePlanMailboxMessagesFieldEvent {
    field: '$.plan.mailboxMessages'
    value: number
  }

  export interface AccountResponsePlanMailboxBytesFieldEvent {
    field: '$.plan.mailboxBytes'
    value: number
  }

  export interface AccountResponsePlanSubscriptionStatusFieldEvent {
    field: '$.plan.subscriptionStatus'
    value: string
  }

  export interface AccountResponsePlanInvoicesIdFieldEvent {
    field: '$.plan.invoices[].id'
    value: string
    index: number
  }

  export interface AccountResponsePlanInvoicesAmountFieldEvent {
    field: '$.plan.invoices[].amount'
    value: number
    index: number
  }

  export interface AccountResponsePlanInvoicesCurrencyFieldEvent {
    field: '$.plan.invoices[].currency'
    value: string
    index: number
  }

  export interface AccountResponsePlanInvoicesStatusFieldEvent {
    field: '$.plan.invoices[].status'
    value: string
    index: number
  }

  export interface AccountResponsePlanInvoicesPeriodStartFieldEvent {
    field: '$.plan.invoices[].periodStart'
    value: bigint
    index: number
  }

  export interface AccountResponsePlanInvoicesPeriodEndFieldEvent {
    field: '$.plan.invoices[].periodEnd'
    value: bigint
    index: number
  }

  export interface AccountResponsePlanInvoicesHostedUrlFieldEvent {
    field: '$.plan.invoices[].hostedUrl'
    value: string
    index: number
  }

  export interface AccountResponsePlanPlansFieldEvent {
    field: '$.plan.plans[]'
    index: number
    value: string
  }

  export interface AccountResponsePlanCheckoutAvailableFieldEvent {
    field: '$.plan.checkoutAvailable'
    value: boolean
  }

  export interface AccountResponseCheckoutUrlFieldEvent {
    field: '$.checkoutUrl'
    value: string
  }

  export interface AccountResponseExportCursorFieldEvent {
    field: '$.exportCursor'
    value: string
  }

  export function encode (obj: Partial<AccountResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountResponse>): AccountResponse {
    return decodeMessage(buf, AccountResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountResponse>): Generator<AccountResponseErrorCodeFieldEvent | AccountResponseErrorMessageFieldEvent | AccountResponseAccountIdFieldEvent | AccountResponseAccountProfileUsernameFieldEvent | AccountResponseAccountProfileEmailFieldEvent | AccountResponseAccountProfilePhoneFieldEvent | AccountResponseAccountProfileDisplayNameFieldEvent | AccountResponseAccountProfileAvatarFieldEvent | AccountResponseAccountProfileBioFieldEvent | AccountResponseAccountDevicesPeerIdFieldEvent | AccountResponseAccountDevicesInfoTypeFieldEvent | AccountResponseAccountDevicesInfoOsFieldEvent | AccountResponseAccountDevicesInfoClientVersionFieldEvent | AccountResponseAccountDevicesLinkedAtFieldEvent | AccountResponseAccountDevicesLastSeenAtFieldEvent | AccountResponseAccountCreatedAtFieldEvent | AccountResponseAccountRestrictedFieldEvent | AccountResponseAccountMarketingOptOutFieldEvent | AccountResponseAccountPolicyVersionAcceptedFieldEvent | AccountResponseAccountPolicyVersionCurrentFieldEvent | AccountResponseAccountEmailVerifiedFieldEvent | AccountResponseAccountPhoneVerifiedFieldEvent | AccountResponseAccountMailRetentionMsFieldEvent | AccountResponsePeerIdsFieldEvent | AccountResponseCodeFieldEvent | AccountResponseExpiresAtFieldEvent | AccountResponseMatchesHashFieldEvent | AccountResponseMatchesUsernameFieldEvent | AccountResponseSaltFieldEvent | AccountResponseJsonFieldEvent | AccountResponsePolicyVersionFieldEvent | AccountResponsePolicyTextFieldEvent | AccountResponsePlanPlanFieldEvent | AccountResponsePlanLimitsMailboxMaxMessagesFieldEvent | AccountResponsePlanLimitsMailboxMaxBytesFieldEvent | AccountResponsePlanLimitsRetentionMsFieldEvent | AccountResponsePlanLimitsAttachmentMaxBytesFieldEvent | AccountResponsePlanLimitsGroupMaxMembersFieldEvent | AccountResponsePlanLimitsDepositsPerMinuteFieldEvent | AccountResponsePlanMailboxMessagesFieldEvent | AccountResponsePlanMailboxBytesFieldEvent | AccountResponsePlanSubscriptionStatusFieldEvent | AccountResponsePlanInvoicesIdFieldEvent | AccountResponsePlanInvoicesAmountFieldEvent | AccountResponsePlanInvoicesCurrencyFieldEvent | AccountResponsePlanInvoicesStatusFieldEvent | AccountResponsePlanInvoicesPeriodStartFieldEvent | AccountResponsePlanInvoicesPeriodEndFieldEvent | AccountResponsePlanInvoicesHostedUrlFieldEvent | AccountResponsePlanPlansFieldEvent | AccountResponsePlanCheckoutAvailableFieldEvent | AccountResponseCheckoutUrlFieldEvent | AccountResponseExportCursorFieldEvent> {
    return streamMessage(buf, AccountResponse.codec(), opts)
  }
}

export interface PlanLimits {
  mailboxMaxMessages: number
  mailboxMaxBytes: number
  retentionMs: number
  attachmentMaxBytes: number
  groupMaxMembers: number
  depositsPerMinute: number
}

export namespace PlanLimits {
  let _codec: Codec<PlanLimits>

  export const codec = (): Codec<PlanLimits> => {
    if (_codec == null) {
      _codec = message<PlanLimits>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.mailboxMaxMessages != null && obj.mailboxMaxMessages !== 0)) {
          w.uint32(8)
          w.uint32(obj.mailboxMaxMessages)
        }

        if ((obj.mailboxMaxBytes != null && obj.mailboxMaxBytes !== 0)) {
          w.uint32(17)
          w.double(obj.mailboxMaxBytes)
        }

        if ((obj.retentionMs != null && obj.retentionMs !== 0)) {
          w.uint32(25)
          w.double(obj.retentionMs)
        }

        if ((obj.attachmentMaxBytes != null && obj.attachmentMaxBytes !== 0)) {
          w.uint32(33)
          w.double(obj.attachmentMaxBytes)
        }

        if ((obj.groupMaxMembers != null && obj.groupMaxMembers !== 0)) {
          w.uint32(40)
          w.uint32(obj.groupMaxMembers)
        }

        if ((obj.depositsPerMinute != null && obj.depositsPerMinute !== 0)) {
          w.uint32(48)
          w.uint32(obj.depositsPerMinute)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          mailboxMaxMessages: 0,
          mailboxMaxBytes: 0,
          retentionMs: 0,
          attachmentMaxBytes: 0,
          groupMaxMembers: 0,
          depositsPerMinute: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.mailboxMaxMessages = reader.uint32()
              break
            }
            case 2: {
              obj.mailboxMaxBytes = reader.double()
              break
            }
            case 3: {
              obj.retentionMs = reader.double()
              break
            }
            case 4: {
              obj.attachmentMaxBytes = reader.double()
              break
            }
            case 5: {
              obj.groupMaxMembers = reader.uint32()
              break
            }
            case 6: {
              obj.depositsPerMinute = reader.uint32()
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
                field: `${prefix}.mailboxMaxMessages`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.mailboxMaxBytes`,
                value: reader.double()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.retentionMs`,
                value: reader.double()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.attachmentMaxBytes`,
                value: reader.double()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.groupMaxMembers`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.depositsPerMinute`,
                value: reader.uint32()
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

  export interface PlanLimitsMailboxMaxMessagesFieldEvent {
    field: '$.mailboxMaxMessages'
    value: number
  }

  export interface PlanLimitsMailboxMaxBytesFieldEvent {
    field: '$.mailboxMaxBytes'
    value: number
  }

  export interface PlanLimitsRetentionMsFieldEvent {
    field: '$.retentionMs'
    value: number
  }

  export interface PlanLimitsAttachmentMaxBytesFieldEvent {
    field: '$.attachmentMaxBytes'
    value: number
  }

  export interface PlanLimitsGroupMaxMembersFieldEvent {
    field: '$.groupMaxMembers'
    value: number
  }

  export interface PlanLimitsDepositsPerMinuteFieldEvent {
    field: '$.depositsPerMinute'
    value: number
  }

  export function encode (obj: Partial<PlanLimits>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlanLimits.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlanLimits>): PlanLimits {
    return decodeMessage(buf, PlanLimits.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlanLimits>): Generator<PlanLimitsMailboxMaxMessagesFieldEvent | PlanLimitsMailboxMaxBytesFieldEvent | PlanLimitsRetentionMsFieldEvent | PlanLimitsAttachmentMaxBytesFieldEvent | PlanLimitsGroupMaxMembersFieldEvent | PlanLimitsDepositsPerMinuteFieldEvent> {
    return streamMessage(buf, PlanLimits.codec(), opts)
  }
}

export interface InvoiceSummary {
  id: string
  amount: number
  currency: string
  status: string
  periodStart: bigint
  periodEnd: bigint
  hostedUrl: string
}

export namespace InvoiceSummary {
  let _codec: Codec<InvoiceSummary>

  export const codec = (): Codec<InvoiceSummary> => {
    if (_codec == null) {
      _codec = message<InvoiceSummary>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.amount != null && obj.amount !== 0)) {
          w.uint32(17)
          w.double(obj.amount)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(26)
          w.string(obj.currency)
        }

        if ((obj.status != null && obj.status !== '')) {
          w.uint32(34)
          w.string(obj.status)
        }

        if ((obj.periodStart != null && obj.periodStart !== 0n)) {
          w.uint32(40)
          w.uint64(obj.periodStart)
        }

        if ((obj.periodEnd != null && obj.periodEnd !== 0n)) {
          w.uint32(48)
          w.uint64(obj.periodEnd)
        }

        if ((obj.hostedUrl != null && obj.hostedUrl !== '')) {
          w.uint32(58)
          w.string(obj.hostedUrl)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          amount: 0,
          currency: '',
          status: '',
          periodStart: 0n,
          periodEnd: 0n,
          hostedUrl: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.amount = reader.double()
              break
            }
            case 3: {
              obj.currency = reader.string()
              break
            }
            case 4: {
              obj.status = reader.string()
              break
            }
            case 5: {
              obj.periodStart = reader.uint64()
              break
            }
            case 6: {
              obj.periodEnd = reader.uint64()
              break
            }
            case 7: {
              obj.hostedUrl = reader.string()
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
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.amount`,
                value: reader.double()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.status`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.periodStart`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.periodEnd`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.hostedUrl`,
                value: reader.string()
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

  export interface InvoiceSummaryIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface InvoiceSummaryAmountFieldEvent {
    field: '$.amount'
    value: number
  }

  export interface InvoiceSummaryCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface InvoiceSummaryStatusFieldEvent {
    field: '$.status'
    value: string
  }

  export interface InvoiceSummaryPeriodStartFieldEvent {
    field: '$.periodStart'
    value: bigint
  }

  export interface InvoiceSummaryPeriodEndFieldEvent {
    field: '$.periodEnd'
    value: bigint
  }

  export interface InvoiceSummaryHostedUrlFieldEvent {
    field: '$.hostedUrl'
    value: string
  }

  export function encode (obj: Partial<InvoiceSummary>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InvoiceSummary.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvoiceSummary>): InvoiceSummary {
    return decodeMessage(buf, InvoiceSummary.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvoiceSummary>): Generator<InvoiceSummaryIdFieldEvent | InvoiceSummaryAmountFieldEvent | InvoiceSummaryCurrencyFieldEvent | InvoiceSummaryStatusFieldEvent | InvoiceSummaryPeriodStartFieldEvent | InvoiceSummaryPeriodEndFieldEvent | InvoiceSummaryHostedUrlFieldEvent> {
    return streamMessage(buf, InvoiceSummary.codec(), opts)
  }
}

export interface PlanStatus {
  plan: string
  limits?: PlanLimits
  mailboxMessages: number
  mailboxBytes: number
  subscriptionStatus: string
  invoices: InvoiceSummary[]
  plans: string[]
  checkoutAvailable: boolean
}

export namespace PlanStatus {
  let _codec: Codec<PlanStatus>

  export const codec = (): Codec<PlanStatus> => {
    if (_codec == null) {
      _codec = message<PlanStatus>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.plan != null && obj.plan !== '')) {
          w.uint32(10)
          w.string(obj.plan)
        }

        if (obj.limits != null) {
          w.uint32(18)
          PlanLimits.codec().encode(obj.limits, w)
        }

        if ((obj.mailboxMessages != null && obj.mailboxMessages !== 0)) {
          w.uint32(24)
          w.uint32(obj.mailboxMessages)
        }

        if ((obj.mailboxBytes != null && obj.mailboxBytes !== 0)) {
          w.uint32(33)
          w.double(obj.mailboxBytes)
        }

        if ((obj.subscriptionStatus != null && obj.subscriptionStatus !== '')) {
          w.uint32(42)
          w.string(obj.subscriptionStatus)
        }

        if (obj.invoices != null && obj.invoices.length > 0) {
          for (const value of obj.invoices) {
            w.uint32(50)
            InvoiceSummary.codec().encode(value, w)
          }
        }

        if (obj.plans != null && obj.plans.length > 0) {
          for (const value of obj.plans) {
            w.uint32(58)
            w.string(value)
          }
        }

        if ((obj.checkoutAvailable != null && obj.checkoutAvailable !== false)) {
          w.uint32(64)
          w.bool(obj.checkoutAvailable)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          plan: '',
          mailboxMessages: 0,
          mailboxBytes: 0,
          subscriptionStatus: '',
          invoices: [],
          plans: [],
          checkoutAvailable: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.plan = reader.string()
              break
            }
            case 2: {
              obj.limits = PlanLimits.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.limits
              })
              break
            }
            case 3: {
              obj.mailboxMessages = reader.uint32()
              break
            }
            case 4: {
              obj.mailboxBytes = reader.double()
              break
            }
            case 5: {
              obj.subscriptionStatus = reader.string()
              break
            }
            case 6: {
              if (opts.limits?.invoices != null && obj.invoices.length === opts.limits.invoices) {
                throw new MaxLengthError('Decode error - repeated field "invoices" had too many elements')
              }

              obj.invoices.push(InvoiceSummary.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.invoices$
              }))
              break
            }
            case 7: {
              if (opts.limits?.plans != null && obj.plans.length === opts.limits.plans) {
                throw new MaxLengthError('Decode error - repeated field "plans" had too many elements')
              }

              obj.plans.push(reader.string())
              break
            }
            case 8: {
              obj.checkoutAvailable = reader.bool()
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
          invoices: 0,
          plans: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.plan`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * PlanLimits.codec().stream(reader, reader.uint32(), `${prefix}.limits`, {
                limits: opts.limits?.limits
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.mailboxMessages`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.mailboxBytes`,
                value: reader.double()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.subscriptionStatus`,
                value: reader.string()
              }
              break
            }
            case 6: {
              if (opts.limits?.invoices != null && obj.invoices === opts.limits.invoices) {
                throw new MaxLengthError('Streaming decode error - repeated field "invoices" had too many elements')
              }

              for (const evt of InvoiceSummary.codec().stream(reader, reader.uint32(), `${prefix}.invoices[]`, {
                limits: opts.limits?.invoices$
              })) {
                yield {
                  ...evt,
                  index: obj.invoices
                }
              }

              obj.invoices++

              break
            }
            case 7: {
              if (opts.limits?.plans != null && obj.plans === opts.limits.plans) {
                throw new MaxLengthError('Streaming decode error - repeated field "plans" had too many elements')
              }

              yield {
                field: `${prefix}.plans[]`,
                index: obj.plans,
                value: reader.string()
              }

              obj.plans++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.checkoutAvailable`,
                value: reader.bool()
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

  export interface PlanStatusPlanFieldEvent {
    field: '$.plan'
    value: string
  }

  export interface PlanStatusLimitsMailboxMaxMessagesFieldEvent {
    field: '$.limits.mailboxMaxMessages'
    value: number
  }

  export interface PlanStatusLimitsMailboxMaxBytesFieldEvent {
    field: '$.limits.mailboxMaxBytes'
    value: number
  }

  export interface PlanStatusLimitsRetentionMsFieldEvent {
    field: '$.limits.retentionMs'
    value: number
  }

  export interface PlanStatusLimitsAttachmentMaxBytesFieldEvent {
    field: '$.limits.attachmentMaxBytes'
    value: number
  }

  export interface PlanStatusLimitsGroupMaxMembersFieldEvent {
    field: '$.limits.groupMaxMembers'
    value: number
  }

  export interface PlanStatusLimitsDepositsPerMinuteFieldEvent {
    field: '$.limits.depositsPerMinute'
    value: number
  }

  export interface PlanStatusMailboxMessagesFieldEvent {
    field: '$.mailboxMessages'
    value: number
  }

  export interface PlanStatusMailboxBytesFieldEvent {
    field: '$.mailboxBytes'
    value: number
  }

  export interface PlanStatusSubscriptionStatusFieldEvent {
    field: '$.subscriptionStatus'
    value: string
  }

  export interface PlanStatusInvoicesIdFieldEvent {
    field: '$.invoices[].id'
    value: string
    index: number
  }

  export interface PlanStatusInvoicesAmountFieldEvent {
    field: '$.invoices[].amount'
    value: number
    index: number
  }

  export interface PlanStatusInvoicesCurrencyFieldEvent {
    field: '$.invoices[].currency'
    value: string
    index: number
  }

  export interface PlanStatusInvoicesStatusFieldEvent {
    field: '$.invoices[].status'
    value: string
    index: number
  }

  export interface PlanStatusInvoicesPeriodStartFieldEvent {
    field: '$.invoices[].periodStart'
    value: bigint
    index: number
  }

  export interface PlanStatusInvoicesPeriodEndFieldEvent {
    field: '$.invoices[].periodEnd'
    value: bigint
    index: number
  }

  export interface PlanStatusInvoicesHostedUrlFieldEvent {
    field: '$.invoices[].hostedUrl'
    value: string
    index: number
  }

  export interface PlanStatusPlansFieldEvent {
    field: '$.plans[]'
    index: number
    value: string
  }

  export interface PlanStatusCheckoutAvailableFieldEvent {
    field: '$.checkoutAvailable'
    value: boolean
  }

  export function encode (obj: Partial<PlanStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlanStatus.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlanStatus>): PlanStatus {
    return decodeMessage(buf, PlanStatus.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlanStatus>): Generator<PlanStatusPlanFieldEvent | PlanStatusLimitsMailboxMaxMessagesFieldEvent | PlanStatusLimitsMailboxMaxBytesFieldEvent | PlanStatusLimitsRetentionMsFieldEvent | PlanStatusLimitsAttachmentMaxBytesFieldEvent | PlanStatusLimitsGroupMaxMembersFieldEvent | PlanStatusLimitsDepositsPerMinuteFieldEvent | PlanStatusMailboxMessagesFieldEvent | PlanStatusMailboxBytesFieldEvent | PlanStatusSubscriptionStatusFieldEvent | PlanStatusInvoicesIdFieldEvent | PlanStatusInvoicesAmountFieldEvent | PlanStatusInvoicesCurrencyFieldEvent | PlanStatusInvoicesStatusFieldEvent | PlanStatusInvoicesPeriodStartFieldEvent | PlanStatusInvoicesPeriodEndFieldEvent | PlanStatusInvoicesHostedUrlFieldEvent | PlanStatusPlansFieldEvent | PlanStatusCheckoutAvailableFieldEvent> {
    return streamMessage(buf, PlanStatus.codec(), opts)
  }
}

export interface SignedPrekeyWire {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPrekeyWire {
  let _codec: Codec<SignedPrekeyWire>

  export const codec = (): Codec<SignedPrekeyWire> => {
    if (_codec == null) {
      _codec = message<SignedPrekeyWire>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedPrekeyWireIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPrekeyWirePublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPrekeyWireSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPrekeyWire>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPrekeyWire.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPrekeyWire>): SignedPrekeyWire {
    return decodeMessage(buf, SignedPrekeyWire.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPrekeyWire>): Generator<SignedPrekeyWireIdFieldEvent | SignedPrekeyWirePublicKeyFieldEvent | SignedPrekeyWireSignatureFieldEvent> {
    return streamMessage(buf, SignedPrekeyWire.codec(), opts)
  }
}

export interface OneTimePrekeyWire {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePrekeyWire {
  let _codec: Codec<OneTimePrekeyWire>

  export const codec = (): Codec<OneTimePrekeyWire> => {
    if (_codec == null) {
      _codec = message<OneTimePrekeyWire>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
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

  export interface OneTimePrekeyWireIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePrekeyWirePublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePrekeyWire>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePrekeyWire.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekeyWire>): OneTimePrekeyWire {
    return decodeMessage(buf, OneTimePrekeyWire.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePrekeyWire>): Generator<OneTimePrekeyWireIdFieldEvent | OneTimePrekeyWirePublicKeyFieldEvent> {
    return streamMessage(buf, OneTimePrekeyWire.codec(), opts)
  }
}

export interface PrekeyRequest {
  type: PrekeyRequest.Type
  signedPrekey?: SignedPrekeyWire
  oneTimePrekeys: OneTimePrekeyWire[]
  pqLastResort?: SignedPrekeyWire
  pqOneTimePrekeys: SignedPrekeyWire[]
  replaceOneTime: boolean
  peerId: string
}

export namespace PrekeyRequest {
  export enum Type {
    PUBLISH = 'PUBLISH',
    FETCH = 'FETCH',
    STATUS = 'STATUS',
    WITHDRAW = 'WITHDRAW'
  }

  enum __TypeValues {
    PUBLISH = 0,
    FETCH = 1,
    STATUS = 2,
    WITHDRAW = 3
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<PrekeyRequest>

  export const codec = (): Codec<PrekeyRequest> => {
    if (_codec == null) {
      _codec = message<PrekeyRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          PrekeyRequest.Type.codec().encode(obj.type, w)
        }

        if (obj.signedPrekey != null) {
          w.uint32(18)
          SignedPrekeyWire.codec().encode(obj.signedPrekey, w)
        }

        if (obj.oneTimePrekeys != null && obj.oneTimePrekeys.length > 0) {
          for (const value of obj.oneTimePrekeys) {
            w.uint32(26)
            OneTimePrekeyWire.codec().encode(value, w)
          }
        }

        if (obj.pqLastResort != null) {
          w.uint32(34)
          SignedPrekeyWire.codec().encode(obj.pqLastResort, w)
        }

        if (obj.pqOneTimePrekeys != null && obj.pqOneTimePrekeys.length > 0) {
          for (const value of obj.pqOneTimePrekeys) {
            w.uint32(42)
            SignedPrekeyWire.codec().encode(value, w)
          }
        }

        if ((obj.replaceOneTime != null && obj.replaceOneTime !== false)) {
          w.uint32(48)
          w.bool(obj.replaceOneTime)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(58)
          w.string(obj.peerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.PUBLISH,
          oneTimePrekeys: [],
          pqOneTimePrekeys: [],
          replaceOneTime: false,
          peerId: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = PrekeyRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.signedPrekey = SignedPrekeyWire.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekey
              })
              break
            }
            case 3: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys.length === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              obj.oneTimePrekeys.push(OneTimePrekeyWire.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePrekeys$
              }))
              break
            }
            case 4: {
              obj.pqLastResort = SignedPrekeyWire.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pqLastResort
              })
              break
            }
            case 5: {
              if (opts.limits?.pqOneTimePrekeys != null && obj.pqOneTimePrekeys.length === opts.limits.pqOneTimePrekeys) {
                throw new MaxLengthError('Decode error - repeated field "pqOneTimePrekeys" had too many elements')
              }

              obj.pqOneTimePrekeys.push(SignedPrekeyWire.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pqOneTimePrekeys$
              }))
              break
            }
            case 6: {
              obj.replaceOneTime = reader.bool()
              break
            }
            case 7: {
              obj.peerId = reader.string()
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
          oneTimePrekeys: 0,
          pqOneTimePrekeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: PrekeyRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield * SignedPrekeyWire.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekey`, {
                limits: opts.limits?.signedPrekey
              })

              break
            }
            case 3: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              for (const evt of OneTimePrekeyWire.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePrekeys[]`, {
                limits: opts.limits?.oneTimePrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.oneTimePrekeys
                }
              }

              obj.oneTimePrekeys++

              break
            }
            case 4: {
              yield * SignedPrekeyWire.codec().stream(reader, reader.uint32(), `${prefix}.pqLastResort`, {
                limits: opts.limits?.pqLastResort
              })

              break
            }
            case 5: {
              if (opts.limits?.pqOneTimePrekeys != null && obj.pqOneTimePrekeys === opts.limits.pqOneTimePrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "pqOneTimePrekeys" had too many elements')
              }

              for (const evt of SignedPrekeyWire.codec().stream(reader, reader.uint32(), `${prefix}.pqOneTimePrekeys[]`, {
                limits: opts.limits?.pqOneTimePrekeys$
              })) {
                yield {
                  ...evt,
                  index: obj.pqOneTimePrekeys
                }
              }

              obj.pqOneTimePrekeys++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.replaceOneTime`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
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

  export interface PrekeyRequestTypeFieldEvent {
    field: '$.type'
    value: PrekeyRequest.Type
  }

  export interface PrekeyRequestSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PrekeyRequestSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyRequestSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyRequestOneTimePrekeysIdFieldEvent {
    field: '$.oneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface PrekeyRequestOneTimePrekeysPublicKeyFieldEvent {
    field: '$.oneTimePrekeys[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyRequestPqLastResortIdFieldEvent {
    field: '$.pqLastResort.id'
    value: number
  }

  export interface PrekeyRequestPqLastResortPublicKeyFieldEvent {
    field: '$.pqLastResort.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyRequestPqLastResortSignatureFieldEvent {
    field: '$.pqLastResort.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyRequestPqOneTimePrekeysIdFieldEvent {
    field: '$.pqOneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface PrekeyRequestPqOneTimePrekeysPublicKeyFieldEvent {
    field: '$.pqOneTimePrekeys[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyRequestPqOneTimePrekeysSignatureFieldEvent {
    field: '$.pqOneTimePrekeys[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PrekeyRequestReplaceOneTimeFieldEvent {
    field: '$.replaceOneTime'
    value: boolean
  }

  export interface PrekeyRequestPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export function encode (obj: Partial<PrekeyRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyRequest>): PrekeyRequest {
    return decodeMessage(buf, PrekeyRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyRequest>): Generator<PrekeyRequestTypeFieldEvent | PrekeyRequestSignedPrekeyIdFieldEvent | PrekeyRequestSignedPrekeyPublicKeyFieldEvent | PrekeyRequestSignedPrekeySignatureFieldEvent | PrekeyRequestOneTimePrekeysIdFieldEvent | PrekeyRequestOneTimePrekeysPublicKeyFieldEvent | PrekeyRequestPqLastResortIdFieldEvent | PrekeyRequestPqLastResortPublicKeyFieldEvent | PrekeyRequestPqLastResortSignatureFieldEvent | PrekeyRequestPqOneTimePrekeysIdFieldEvent | PrekeyRequestPqOneTimePrekeysPublicKeyFieldEvent | PrekeyRequestPqOneTimePrekeysSignatureFieldEvent | PrekeyRequestReplaceOneTimeFieldEvent | PrekeyRequestPeerIdFieldEvent> {
    return streamMessage(buf, PrekeyRequest.codec(), opts)
  }
}

export interface PrekeyResponse {
  error?: WireError
  bundle: Uint8Array<ArrayBuffer>
  oneTimeRemaining: number
  pqOneTimeRemaining: number
  hasBundle: boolean
}

export namespace PrekeyResponse {
  let _codec: Codec<PrekeyResponse>

  export const codec = (): Codec<PrekeyResponse> => {
    if (_codec == null) {
      _codec = message<PrekeyResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          WireError.codec().encode(obj.error, w)
        }

        if ((obj.bundle != null && obj.bundle.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.bundle)
        }

        if ((obj.oneTimeRemaining != null && obj.oneTimeRemaining !== 0)) {
          w.uint32(24)
          w.uint32(obj.oneTimeRemaining)
        }

        if ((obj.pqOneTimeRemaining != null && obj.pqOneTimeRemaining !== 0)) {
          w.uint32(32)
          w.uint32(obj.pqOneTimeRemaining)
        }

        if ((obj.hasBundle != null && obj.hasBundle !== false)) {
          w.uint32(40)
          w.bool(obj.hasBundle)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          bundle: uint8ArrayAlloc(0),
          oneTimeRemaining: 0,
          pqOneTimeRemaining: 0,
          hasBundle: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = WireError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 2: {
              obj.bundle = reader.bytes()
              break
            }
            case 3: {
              obj.oneTimeRemaining = reader.uint32()
              break
            }
            case 4: {
              obj.pqOneTimeRemaining = reader.uint32()
              break
            }
            case 5: {
              obj.hasBundle = reader.bool()
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
              yield * WireError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.bundle`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.oneTimeRemaining`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.pqOneTimeRemaining`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.hasBundle`,
                value: reader.bool()
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

  export interface PrekeyResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: ErrorCode
  }

  export interface PrekeyResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface PrekeyResponseBundleFieldEvent {
    field: '$.bundle'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyResponseOneTimeRemainingFieldEvent {
    field: '$.oneTimeRemaining'
    value: number
  }

  export interface PrekeyResponsePqOneTimeRemainingFieldEvent {
    field: '$.pqOneTimeRemaining'
    value: number
  }

  export interface PrekeyResponseHasBundleFieldEvent {
    field: '$.hasBundle'
    value: boolean
  }

  export function encode (obj: Partial<PrekeyResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PrekeyResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyResponse>): PrekeyResponse {
    return decodeMessage(buf, PrekeyResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrekeyResponse>): Generator<PrekeyResponseErrorCodeFieldEvent | PrekeyResponseErrorMessageFieldEvent | PrekeyResponseBundleFieldEvent | PrekeyResponseOneTimeRemainingFieldEvent | PrekeyResponsePqOneTimeRemainingFieldEvent | PrekeyResponseHasBundleFieldEvent> {
    return streamMessage(buf, PrekeyResponse.codec(), opts)
  }
}
