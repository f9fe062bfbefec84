import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AttachmentOffer {
  id: Uint8Array<ArrayBuffer>
  key: Uint8Array<ArrayBuffer>
  digest: Uint8Array<ArrayBuffer>
  size: bigint
  chunks: number
  name: string
  mime: string
  source: AttachmentOffer.Source
  caption: string
  group: string
}

export namespace AttachmentOffer {
  export enum Source {
    DIRECT = 'DIRECT',
    RENDEZVOUS = 'RENDEZVOUS'
  }

  enum __SourceValues {
    DIRECT = 0,
    RENDEZVOUS = 1
  }

  export namespace Source {
    export const codec = (): Codec<Source> => {
      return enumeration<Source>(__SourceValues)
    }
  }

  let _codec: Codec<AttachmentOffer>

  export const codec = (): Codec<AttachmentOffer> => {
    if (_codec == null) {
      _codec = message<AttachmentOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.digest)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(32)
          w.uint64(obj.size)
        }

        if ((obj.chunks != null && obj.chunks !== 0)) {
          w.uint32(40)
          w.uint32(obj.chunks)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(50)
          w.string(obj.name)
        }

        if ((obj.mime != null && obj.mime !== '')) {
          w.uint32(58)
          w.string(obj.mime)
        }

        if (obj.source != null && __SourceValues[obj.source] !== 0) {
          w.uint32(64)
          AttachmentOffer.Source.codec().encode(obj.source, w)
        }

        if ((obj.caption != null && obj.caption !== '')) {
          w.uint32(74)
          w.string(obj.caption)
        }

        if ((obj.group != null && obj.group !== '')) {
          w.uint32(82)
          w.string(obj.group)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          key: uint8ArrayAlloc(0),
          digest: uint8ArrayAlloc(0),
          size: 0n,
          chunks: 0,
          name: '',
          mime: '',
          source: Source.DIRECT,
          caption: '',
          group: ''
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
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.digest = reader.bytes()
              break
            }
            case 4: {
              obj.size = reader.uint64()
              break
            }
            case 5: {
              obj.chunks = reader.uint32()
              break
            }
            case 6: {
              obj.name = reader.string()
              break
            }
            case 7: {
              obj.mime = reader.string()
              break
            }
            case 8: {
              obj.source = AttachmentOffer.Source.codec().decode(reader)
              break
            }
            case 9: {
              obj.caption = reader.string()
              break
            }
            case 10: {
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.digest`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunks`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.mime`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.source`,
                value: AttachmentOffer.Source.codec().decode(reader)
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.caption`,
                value: reader.string()
              }
              break
            }
            case 10: {
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

  export interface AttachmentOfferIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentOfferKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentOfferDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentOfferSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface AttachmentOfferChunksFieldEvent {
    field: '$.chunks'
    value: number
  }

  export interface AttachmentOfferNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface AttachmentOfferMimeFieldEvent {
    field: '$.mime'
    value: string
  }

  export interface AttachmentOfferSourceFieldEvent {
    field: '$.source'
    value: AttachmentOffer.Source
  }

  export interface AttachmentOfferCaptionFieldEvent {
    field: '$.caption'
    value: string
  }

  export interface AttachmentOfferGroupFieldEvent {
    field: '$.group'
    value: string
  }

  export function encode (obj: Partial<AttachmentOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachmentOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachmentOffer>): AttachmentOffer {
    return decodeMessage(buf, AttachmentOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachmentOffer>): Generator<AttachmentOfferIdFieldEvent | AttachmentOfferKeyFieldEvent | AttachmentOfferDigestFieldEvent | AttachmentOfferSizeFieldEvent | AttachmentOfferChunksFieldEvent | AttachmentOfferNameFieldEvent | AttachmentOfferMimeFieldEvent | AttachmentOfferSourceFieldEvent | AttachmentOfferCaptionFieldEvent | AttachmentOfferGroupFieldEvent> {
    return streamMessage(buf, AttachmentOffer.codec(), opts)
  }
}

export interface TransferError {
  code: string
  message: string
}

export namespace TransferError {
  let _codec: Codec<TransferError>

  export const codec = (): Codec<TransferError> => {
    if (_codec == null) {
      _codec = message<TransferError>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
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
          code: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
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
                value: reader.string()
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

  export interface TransferErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface TransferErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<TransferError>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TransferError.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferError>): TransferError {
    return decodeMessage(buf, TransferError.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferError>): Generator<TransferErrorCodeFieldEvent | TransferErrorMessageFieldEvent> {
    return streamMessage(buf, TransferError.codec(), opts)
  }
}

export interface BlobRequest {
  type: BlobRequest.Type
  id: Uint8Array<ArrayBuffer>
  recipient: string
  size: bigint
  chunks: number
  sender: string
}

export namespace BlobRequest {
  export enum Type {
    UPLOAD = 'UPLOAD',
    DOWNLOAD = 'DOWNLOAD',
    DELETE = 'DELETE',
    LIST = 'LIST',
    CLEAR = 'CLEAR'
  }

  enum __TypeValues {
    UPLOAD = 0,
    DOWNLOAD = 1,
    DELETE = 2,
    LIST = 3,
    CLEAR = 4
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<BlobRequest>

  export const codec = (): Codec<BlobRequest> => {
    if (_codec == null) {
      _codec = message<BlobRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          BlobRequest.Type.codec().encode(obj.type, w)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.id)
        }

        if ((obj.recipient != null && obj.recipient !== '')) {
          w.uint32(26)
          w.string(obj.recipient)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(32)
          w.uint64(obj.size)
        }

        if ((obj.chunks != null && obj.chunks !== 0)) {
          w.uint32(40)
          w.uint32(obj.chunks)
        }

        if ((obj.sender != null && obj.sender !== '')) {
          w.uint32(50)
          w.string(obj.sender)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.UPLOAD,
          id: uint8ArrayAlloc(0),
          recipient: '',
          size: 0n,
          chunks: 0,
          sender: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = BlobRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.id = reader.bytes()
              break
            }
            case 3: {
              obj.recipient = reader.string()
              break
            }
            case 4: {
              obj.size = reader.uint64()
              break
            }
            case 5: {
              obj.chunks = reader.uint32()
              break
            }
            case 6: {
              obj.sender = reader.string()
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
                value: BlobRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunks`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sender`,
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

  export interface BlobRequestTypeFieldEvent {
    field: '$.type'
    value: BlobRequest.Type
  }

  export interface BlobRequestIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobRequestRecipientFieldEvent {
    field: '$.recipient'
    value: string
  }

  export interface BlobRequestSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface BlobRequestChunksFieldEvent {
    field: '$.chunks'
    value: number
  }

  export interface BlobRequestSenderFieldEvent {
    field: '$.sender'
    value: string
  }

  export function encode (obj: Partial<BlobRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): BlobRequest {
    return decodeMessage(buf, BlobRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): Generator<BlobRequestTypeFieldEvent | BlobRequestIdFieldEvent | BlobRequestRecipientFieldEvent | BlobRequestSizeFieldEvent | BlobRequestChunksFieldEvent | BlobRequestSenderFieldEvent> {
    return streamMessage(buf, BlobRequest.codec(), opts)
  }
}

export interface BlobInfo {
  id: Uint8Array<ArrayBuffer>
  sender: string
  size: bigint
  createdAt: bigint
  expiresAt: bigint
}

export namespace BlobInfo {
  let _codec: Codec<BlobInfo>

  export const codec = (): Codec<BlobInfo> => {
    if (_codec == null) {
      _codec = message<BlobInfo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.sender != null && obj.sender !== '')) {
          w.uint32(18)
          w.string(obj.sender)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(24)
          w.uint64(obj.size)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.createdAt)
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
          id: uint8ArrayAlloc(0),
          sender: '',
          size: 0n,
          createdAt: 0n,
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
              obj.sender = reader.string()
              break
            }
            case 3: {
              obj.size = reader.uint64()
              break
            }
            case 4: {
              obj.createdAt = reader.uint64()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
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

  export interface BlobInfoIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobInfoSenderFieldEvent {
    field: '$.sender'
    value: string
  }

  export interface BlobInfoSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface BlobInfoCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface BlobInfoExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<BlobInfo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobInfo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobInfo>): BlobInfo {
    return decodeMessage(buf, BlobInfo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobInfo>): Generator<BlobInfoIdFieldEvent | BlobInfoSenderFieldEvent | BlobInfoSizeFieldEvent | BlobInfoCreatedAtFieldEvent | BlobInfoExpiresAtFieldEvent> {
    return streamMessage(buf, BlobInfo.codec(), opts)
  }
}

export interface BlobResponse {
  error?: TransferError
  size: bigint
  chunks: number
  expiresAt: bigint
  blobs: BlobInfo[]
  more: boolean
  deleted: number
  sender: string
}

export namespace BlobResponse {
  let _codec: Codec<BlobResponse>

  export const codec = (): Codec<BlobResponse> => {
    if (_codec == null) {
      _codec = message<BlobResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          TransferError.codec().encode(obj.error, w)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(16)
          w.uint64(obj.size)
        }

        if ((obj.chunks != null && obj.chunks !== 0)) {
          w.uint32(24)
          w.uint32(obj.chunks)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.expiresAt)
        }

        if (obj.blobs != null && obj.blobs.length > 0) {
          for (const value of obj.blobs) {
            w.uint32(42)
            BlobInfo.codec().encode(value, w)
          }
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(48)
          w.bool(obj.more)
        }

        if ((obj.deleted != null && obj.deleted !== 0)) {
          w.uint32(56)
          w.uint32(obj.deleted)
        }

        if ((obj.sender != null && obj.sender !== '')) {
          w.uint32(66)
          w.string(obj.sender)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          size: 0n,
          chunks: 0,
          expiresAt: 0n,
          blobs: [],
          more: false,
          deleted: 0,
          sender: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = TransferError.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 2: {
              obj.size = reader.uint64()
              break
            }
            case 3: {
              obj.chunks = reader.uint32()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 5: {
              if (opts.limits?.blobs != null && obj.blobs.length === opts.limits.blobs) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              obj.blobs.push(BlobInfo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.blobs$
              }))
              break
            }
            case 6: {
              obj.more = reader.bool()
              break
            }
            case 7: {
              obj.deleted = reader.uint32()
              break
            }
            case 8: {
              obj.sender = reader.string()
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
          blobs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * TransferError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chunks`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              if (opts.limits?.blobs != null && obj.blobs === opts.limits.blobs) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              for (const evt of BlobInfo.codec().stream(reader, reader.uint32(), `${prefix}.blobs[]`, {
                limits: opts.limits?.blobs$
              })) {
                yield {
                  ...evt,
                  index: obj.blobs
                }
              }

              obj.blobs++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.deleted`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.sender`,
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

  export interface BlobResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface BlobResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface BlobResponseSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface BlobResponseChunksFieldEvent {
    field: '$.chunks'
    value: number
  }

  export interface BlobResponseExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface BlobResponseBlobsIdFieldEvent {
    field: '$.blobs[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface BlobResponseBlobsSenderFieldEvent {
    field: '$.blobs[].sender'
    value: string
    index: number
  }

  export interface BlobResponseBlobsSizeFieldEvent {
    field: '$.blobs[].size'
    value: bigint
    index: number
  }

  export interface BlobResponseBlobsCreatedAtFieldEvent {
    field: '$.blobs[].createdAt'
    value: bigint
    index: number
  }

  export interface BlobResponseBlobsExpiresAtFieldEvent {
    field: '$.blobs[].expiresAt'
    value: bigint
    index: number
  }

  export interface BlobResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface BlobResponseDeletedFieldEvent {
    field: '$.deleted'
    value: number
  }

  export interface BlobResponseSenderFieldEvent {
    field: '$.sender'
    value: string
  }

  export function encode (obj: Partial<BlobResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): BlobResponse {
    return decodeMessage(buf, BlobResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): Generator<BlobResponseErrorCodeFieldEvent | BlobResponseErrorMessageFieldEvent | BlobResponseSizeFieldEvent | BlobResponseChunksFieldEvent | BlobResponseExpiresAtFieldEvent | BlobResponseBlobsIdFieldEvent | BlobResponseBlobsSenderFieldEvent | BlobResponseBlobsSizeFieldEvent | BlobResponseBlobsCreatedAtFieldEvent | BlobResponseBlobsExpiresAtFieldEvent | BlobResponseMoreFieldEvent | BlobResponseDeletedFieldEvent | BlobResponseSenderFieldEvent> {
    return streamMessage(buf, BlobResponse.codec(), opts)
  }
}

export interface Chunk {
  index: number
  data: Uint8Array<ArrayBuffer>
  final: boolean
}

export namespace Chunk {
  let _codec: Codec<Chunk>

  export const codec = (): Codec<Chunk> => {
    if (_codec == null) {
      _codec = message<Chunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint32(obj.index)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if ((obj.final != null && obj.final !== false)) {
          w.uint32(24)
          w.bool(obj.final)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          data: uint8ArrayAlloc(0),
          final: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint32()
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            case 3: {
              obj.final = reader.bool()
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
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.final`,
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

  export interface ChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface ChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChunkFinalFieldEvent {
    field: '$.final'
    value: boolean
  }

  export function encode (obj: Partial<Chunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Chunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Chunk {
    return decodeMessage(buf, Chunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Generator<ChunkIndexFieldEvent | ChunkDataFieldEvent | ChunkFinalFieldEvent> {
    return streamMessage(buf, Chunk.codec(), opts)
  }
}

export interface TransferHeader {
  id: Uint8Array<ArrayBuffer>
  size: bigint
  chunks: number
}

export namespace TransferHeader {
  let _codec: Codec<TransferHeader>

  export const codec = (): Codec<TransferHeader> => {
    if (_codec == null) {
      _codec = message<TransferHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(16)
          w.uint64(obj.size)
        }

        if ((obj.chunks != null && obj.chunks !== 0)) {
          w.uint32(24)
          w.uint32(obj.chunks)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          size: 0n,
          chunks: 0
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
              obj.size = reader.uint64()
              break
            }
            case 3: {
              obj.chunks = reader.uint32()
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
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chunks`,
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

  export interface TransferHeaderIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TransferHeaderSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface TransferHeaderChunksFieldEvent {
    field: '$.chunks'
    value: number
  }

  export function encode (obj: Partial<TransferHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TransferHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferHeader>): TransferHeader {
    return decodeMessage(buf, TransferHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferHeader>): Generator<TransferHeaderIdFieldEvent | TransferHeaderSizeFieldEvent | TransferHeaderChunksFieldEvent> {
    return streamMessage(buf, TransferHeader.codec(), opts)
  }
}

export interface TransferResult {
  error?: TransferError
}

export namespace TransferResult {
  let _codec: Codec<TransferResult>

  export const codec = (): Codec<TransferResult> => {
    if (_codec == null) {
      _codec = message<TransferResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          TransferError.codec().encode(obj.error, w)
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
              obj.error = TransferError.codec().decode(reader, reader.uint32(), {
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
              yield * TransferError.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
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

  export interface TransferResultErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface TransferResultErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<TransferResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TransferResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferResult>): TransferResult {
    return decodeMessage(buf, TransferResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TransferResult>): Generator<TransferResultErrorCodeFieldEvent | TransferResultErrorMessageFieldEvent> {
    return streamMessage(buf, TransferResult.codec(), opts)
  }
}
