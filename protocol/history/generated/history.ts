import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface HistoryRequest {
  proof: Uint8Array<ArrayBuffer>
  skip: number
  cursor: string
}

export namespace HistoryRequest {
  let _codec: Codec<HistoryRequest>

  export const codec = (): Codec<HistoryRequest> => {
    if (_codec == null) {
      _codec = message<HistoryRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.proof)
        }

        if ((obj.skip != null && obj.skip !== 0)) {
          w.uint32(16)
          w.uint32(obj.skip)
        }

        if ((obj.cursor != null && obj.cursor !== '')) {
          w.uint32(26)
          w.string(obj.cursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          proof: uint8ArrayAlloc(0),
          skip: 0,
          cursor: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.proof = reader.bytes()
              break
            }
            case 2: {
              obj.skip = reader.uint32()
              break
            }
            case 3: {
              obj.cursor = reader.string()
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
                field: `${prefix}.proof`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.skip`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cursor`,
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

  export interface HistoryRequestProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryRequestSkipFieldEvent {
    field: '$.skip'
    value: number
  }

  export interface HistoryRequestCursorFieldEvent {
    field: '$.cursor'
    value: string
  }

  export function encode (obj: Partial<HistoryRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): HistoryRequest {
    return decodeMessage(buf, HistoryRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): Generator<HistoryRequestProofFieldEvent | HistoryRequestSkipFieldEvent | HistoryRequestCursorFieldEvent> {
    return streamMessage(buf, HistoryRequest.codec(), opts)
  }
}

export interface HistoryValue {
  key: string
  value: Uint8Array<ArrayBuffer>
}

export namespace HistoryValue {
  let _codec: Codec<HistoryValue>

  export const codec = (): Codec<HistoryValue> => {
    if (_codec == null) {
      _codec = message<HistoryValue>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          value: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.value = reader.bytes()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
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

  export interface HistoryValueKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface HistoryValueValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HistoryValue>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryValue.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryValue>): HistoryValue {
    return decodeMessage(buf, HistoryValue.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryValue>): Generator<HistoryValueKeyFieldEvent | HistoryValueValueFieldEvent> {
    return streamMessage(buf, HistoryValue.codec(), opts)
  }
}

export interface HistoryFrame {
  kind: HistoryFrame.Kind
  total: number
  sent: number
  values: HistoryValue[]
  messages: Uint8Array<ArrayBuffer>[]
  errorCode: string
  error: string
  cursor: string
}

export namespace HistoryFrame {
  export enum Kind {
    START = 'START',
    ITEMS = 'ITEMS',
    END = 'END',
    ERROR = 'ERROR'
  }

  enum __KindValues {
    START = 0,
    ITEMS = 1,
    END = 2,
    ERROR = 3
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<HistoryFrame>

  export const codec = (): Codec<HistoryFrame> => {
    if (_codec == null) {
      _codec = message<HistoryFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          HistoryFrame.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(16)
          w.uint32(obj.total)
        }

        if ((obj.sent != null && obj.sent !== 0)) {
          w.uint32(24)
          w.uint32(obj.sent)
        }

        if (obj.values != null && obj.values.length > 0) {
          for (const value of obj.values) {
            w.uint32(34)
            HistoryValue.codec().encode(value, w)
          }
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(50)
          w.string(obj.errorCode)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(58)
          w.string(obj.error)
        }

        if ((obj.cursor != null && obj.cursor !== '')) {
          w.uint32(66)
          w.string(obj.cursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.START,
          total: 0,
          sent: 0,
          values: [],
          messages: [],
          errorCode: '',
          error: '',
          cursor: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = HistoryFrame.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.total = reader.uint32()
              break
            }
            case 3: {
              obj.sent = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.values != null && obj.values.length === opts.limits.values) {
                throw new MaxLengthError('Decode error - repeated field "values" had too many elements')
              }

              obj.values.push(HistoryValue.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.values$
              }))
              break
            }
            case 5: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(reader.bytes())
              break
            }
            case 6: {
              obj.errorCode = reader.string()
              break
            }
            case 7: {
              obj.error = reader.string()
              break
            }
            case 8: {
              obj.cursor = reader.string()
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
          values: 0,
          messages: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: HistoryFrame.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.total`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sent`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.values != null && obj.values === opts.limits.values) {
                throw new MaxLengthError('Streaming decode error - repeated field "values" had too many elements')
              }

              for (const evt of HistoryValue.codec().stream(reader, reader.uint32(), `${prefix}.values[]`, {
                limits: opts.limits?.values$
              })) {
                yield {
                  ...evt,
                  index: obj.values
                }
              }

              obj.values++

              break
            }
            case 5: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              yield {
                field: `${prefix}.messages[]`,
                index: obj.messages,
                value: reader.bytes()
              }

              obj.messages++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.cursor`,
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

  export interface HistoryFrameKindFieldEvent {
    field: '$.kind'
    value: HistoryFrame.Kind
  }

  export interface HistoryFrameTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export interface HistoryFrameSentFieldEvent {
    field: '$.sent'
    value: number
  }

  export interface HistoryFrameValuesKeyFieldEvent {
    field: '$.values[].key'
    value: string
    index: number
  }

  export interface HistoryFrameValuesValueFieldEvent {
    field: '$.values[].value'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryFrameMessagesFieldEvent {
    field: '$.messages[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryFrameErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface HistoryFrameErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface HistoryFrameCursorFieldEvent {
    field: '$.cursor'
    value: string
  }

  export function encode (obj: Partial<HistoryFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryFrame>): HistoryFrame {
    return decodeMessage(buf, HistoryFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryFrame>): Generator<HistoryFrameKindFieldEvent | HistoryFrameTotalFieldEvent | HistoryFrameSentFieldEvent | HistoryFrameValuesKeyFieldEvent | HistoryFrameValuesValueFieldEvent | HistoryFrameMessagesFieldEvent | HistoryFrameErrorCodeFieldEvent | HistoryFrameErrorFieldEvent | HistoryFrameCursorFieldEvent> {
    return streamMessage(buf, HistoryFrame.codec(), opts)
  }
}
