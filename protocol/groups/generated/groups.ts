import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum GroupEncryption {
  E2EE = 'E2EE',
  OPEN = 'OPEN'
}

enum __GroupEncryptionValues {
  E2EE = 0,
  OPEN = 1
}

export namespace GroupEncryption {
  export const codec = (): Codec<GroupEncryption> => {
    return enumeration<GroupEncryption>(__GroupEncryptionValues)
  }
}

export interface GroupState {
  id: string
  name: string
  members: string[]
  admins: string[]
  encryption: GroupEncryption
  version: bigint
  author: string
  updatedAt: bigint
  signature: Uint8Array<ArrayBuffer>
  topicSecret: Uint8Array<ArrayBuffer>
  topicPublic: Uint8Array<ArrayBuffer>
  topicOwner: string
  topicOwnerSignature: Uint8Array<ArrayBuffer>
}

export namespace GroupState {
  let _codec: Codec<GroupState>

  export const codec = (): Codec<GroupState> => {
    if (_codec == null) {
      _codec = message<GroupState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (obj.admins != null && obj.admins.length > 0) {
          for (const value of obj.admins) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.encryption != null && __GroupEncryptionValues[obj.encryption] !== 0) {
          w.uint32(40)
          GroupEncryption.codec().encode(obj.encryption, w)
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(48)
          w.uint64(obj.version)
        }

        if ((obj.author != null && obj.author !== '')) {
          w.uint32(58)
          w.string(obj.author)
        }

        if ((obj.updatedAt != null && obj.updatedAt !== 0n)) {
          w.uint32(64)
          w.uint64(obj.updatedAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.signature)
        }

        if ((obj.topicSecret != null && obj.topicSecret.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.topicSecret)
        }

        if ((obj.topicPublic != null && obj.topicPublic.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.topicPublic)
        }

        if ((obj.topicOwner != null && obj.topicOwner !== '')) {
          w.uint32(98)
          w.string(obj.topicOwner)
        }

        if ((obj.topicOwnerSignature != null && obj.topicOwnerSignature.byteLength > 0)) {
          w.uint32(106)
          w.bytes(obj.topicOwnerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          name: '',
          members: [],
          admins: [],
          encryption: GroupEncryption.E2EE,
          version: 0n,
          author: '',
          updatedAt: 0n,
          signature: uint8ArrayAlloc(0),
          topicSecret: uint8ArrayAlloc(0),
          topicPublic: uint8ArrayAlloc(0),
          topicOwner: '',
          topicOwnerSignature: uint8ArrayAlloc(0)
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
              obj.name = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(reader.string())
              break
            }
            case 4: {
              if (opts.limits?.admins != null && obj.admins.length === opts.limits.admins) {
                throw new MaxLengthError('Decode error - repeated field "admins" had too many elements')
              }

              obj.admins.push(reader.string())
              break
            }
            case 5: {
              obj.encryption = GroupEncryption.codec().decode(reader)
              break
            }
            case 6: {
              obj.version = reader.uint64()
              break
            }
            case 7: {
              obj.author = reader.string()
              break
            }
            case 8: {
              obj.updatedAt = reader.uint64()
              break
            }
            case 9: {
              obj.signature = reader.bytes()
              break
            }
            case 10: {
              obj.topicSecret = reader.bytes()
              break
            }
            case 11: {
              obj.topicPublic = reader.bytes()
              break
            }
            case 12: {
              obj.topicOwner = reader.string()
              break
            }
            case 13: {
              obj.topicOwnerSignature = reader.bytes()
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
          members: 0,
          admins: 0
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
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              yield {
                field: `${prefix}.members[]`,
                index: obj.members,
                value: reader.string()
              }

              obj.members++

              break
            }
            case 4: {
              if (opts.limits?.admins != null && obj.admins === opts.limits.admins) {
                throw new MaxLengthError('Streaming decode error - repeated field "admins" had too many elements')
              }

              yield {
                field: `${prefix}.admins[]`,
                index: obj.admins,
                value: reader.string()
              }

              obj.admins++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.encryption`,
                value: GroupEncryption.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.author`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.updatedAt`,
                value: reader.uint64()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.topicSecret`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.topicPublic`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.topicOwner`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.topicOwnerSignature`,
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

  export interface GroupStateIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface GroupStateNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupStateMembersFieldEvent {
    field: '$.members[]'
    index: number
    value: string
  }

  export interface GroupStateAdminsFieldEvent {
    field: '$.admins[]'
    index: number
    value: string
  }

  export interface GroupStateEncryptionFieldEvent {
    field: '$.encryption'
    value: GroupEncryption
  }

  export interface GroupStateVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface GroupStateAuthorFieldEvent {
    field: '$.author'
    value: string
  }

  export interface GroupStateUpdatedAtFieldEvent {
    field: '$.updatedAt'
    value: bigint
  }

  export interface GroupStateSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateTopicSecretFieldEvent {
    field: '$.topicSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateTopicPublicFieldEvent {
    field: '$.topicPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateTopicOwnerFieldEvent {
    field: '$.topicOwner'
    value: string
  }

  export interface GroupStateTopicOwnerSignatureFieldEvent {
    field: '$.topicOwnerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupState>): GroupState {
    return decodeMessage(buf, GroupState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupState>): Generator<GroupStateIdFieldEvent | GroupStateNameFieldEvent | GroupStateMembersFieldEvent | GroupStateAdminsFieldEvent | GroupStateEncryptionFieldEvent | GroupStateVersionFieldEvent | GroupStateAuthorFieldEvent | GroupStateUpdatedAtFieldEvent | GroupStateSignatureFieldEvent | GroupStateTopicSecretFieldEvent | GroupStateTopicPublicFieldEvent | GroupStateTopicOwnerFieldEvent | GroupStateTopicOwnerSignatureFieldEvent> {
    return streamMessage(buf, GroupState.codec(), opts)
  }
}

export interface SenderKeyDistribution {
  groupId: string
  keyId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingPublic: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyDistribution {
  let _codec: Codec<SenderKeyDistribution>

  export const codec = (): Codec<SenderKeyDistribution> => {
    if (_codec == null) {
      _codec = message<SenderKeyDistribution>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if ((obj.keyId != null && obj.keyId !== 0)) {
          w.uint32(16)
          w.uint32(obj.keyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(24)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingPublic != null && obj.signingPublic.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signingPublic)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: '',
          keyId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingPublic: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.string()
              break
            }
            case 2: {
              obj.keyId = reader.uint32()
              break
            }
            case 3: {
              obj.iteration = reader.uint32()
              break
            }
            case 4: {
              obj.chainKey = reader.bytes()
              break
            }
            case 5: {
              obj.signingPublic = reader.bytes()
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
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.keyId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signingPublic`,
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

  export interface SenderKeyDistributionGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface SenderKeyDistributionKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SenderKeyDistributionIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyDistributionChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionSigningPublicFieldEvent {
    field: '$.signingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyDistribution>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyDistribution.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): SenderKeyDistribution {
    return decodeMessage(buf, SenderKeyDistribution.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): Generator<SenderKeyDistributionGroupIdFieldEvent | SenderKeyDistributionKeyIdFieldEvent | SenderKeyDistributionIterationFieldEvent | SenderKeyDistributionChainKeyFieldEvent | SenderKeyDistributionSigningPublicFieldEvent> {
    return streamMessage(buf, SenderKeyDistribution.codec(), opts)
  }
}

export interface GroupMessage {
  id: Uint8Array<ArrayBuffer>
  groupId: string
  sender: string
  sentAt: bigint
  encrypted: boolean
  keyId: number
  iteration: number
  nonce: Uint8Array<ArrayBuffer>
  payload: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  replyTo?: Uint8Array<ArrayBuffer>
  expiresAt: bigint
}

export namespace GroupMessage {
  let _codec: Codec<GroupMessage>

  export const codec = (): Codec<GroupMessage> => {
    if (_codec == null) {
      _codec = message<GroupMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(18)
          w.string(obj.groupId)
        }

        if ((obj.sender != null && obj.sender !== '')) {
          w.uint32(26)
          w.string(obj.sender)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.sentAt)
        }

        if ((obj.encrypted != null && obj.encrypted !== false)) {
          w.uint32(40)
          w.bool(obj.encrypted)
        }

        if ((obj.keyId != null && obj.keyId !== 0)) {
          w.uint32(48)
          w.uint32(obj.keyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(56)
          w.uint32(obj.iteration)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.nonce)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.payload)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.signature)
        }

        if (obj.replyTo != null) {
          w.uint32(90)
          w.bytes(obj.replyTo)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(96)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          groupId: '',
          sender: '',
          sentAt: 0n,
          encrypted: false,
          keyId: 0,
          iteration: 0,
          nonce: uint8ArrayAlloc(0),
          payload: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
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
              obj.groupId = reader.string()
              break
            }
            case 3: {
              obj.sender = reader.string()
              break
            }
            case 4: {
              obj.sentAt = reader.uint64()
              break
            }
            case 5: {
              obj.encrypted = reader.bool()
              break
            }
            case 6: {
              obj.keyId = reader.uint32()
              break
            }
            case 7: {
              obj.iteration = reader.uint32()
              break
            }
            case 8: {
              obj.nonce = reader.bytes()
              break
            }
            case 9: {
              obj.payload = reader.bytes()
              break
            }
            case 10: {
              obj.signature = reader.bytes()
              break
            }
            case 11: {
              obj.replyTo = reader.bytes()
              break
            }
            case 12: {
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
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sender`,
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
                field: `${prefix}.encrypted`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.keyId`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.replyTo`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
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

  export interface GroupMessageIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface GroupMessageSenderFieldEvent {
    field: '$.sender'
    value: string
  }

  export interface GroupMessageSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface GroupMessageEncryptedFieldEvent {
    field: '$.encrypted'
    value: boolean
  }

  export interface GroupMessageKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface GroupMessageIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface GroupMessageNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessagePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<GroupMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): GroupMessage {
    return decodeMessage(buf, GroupMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): Generator<GroupMessageIdFieldEvent | GroupMessageGroupIdFieldEvent | GroupMessageSenderFieldEvent | GroupMessageSentAtFieldEvent | GroupMessageEncryptedFieldEvent | GroupMessageKeyIdFieldEvent | GroupMessageIterationFieldEvent | GroupMessageNonceFieldEvent | GroupMessagePayloadFieldEvent | GroupMessageSignatureFieldEvent | GroupMessageReplyToFieldEvent | GroupMessageExpiresAtFieldEvent> {
    return streamMessage(buf, GroupMessage.codec(), opts)
  }
}

export interface SkippedKey {
  keyId: number
  iteration: number
  messageKey: Uint8Array<ArrayBuffer>
}

export namespace SkippedKey {
  let _codec: Codec<SkippedKey>

  export const codec = (): Codec<SkippedKey> => {
    if (_codec == null) {
      _codec = message<SkippedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.keyId != null && obj.keyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.keyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(16)
          w.uint32(obj.iteration)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyId: 0,
          iteration: 0,
          messageKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.keyId = reader.uint32()
              break
            }
            case 2: {
              obj.iteration = reader.uint32()
              break
            }
            case 3: {
              obj.messageKey = reader.bytes()
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
                field: `${prefix}.keyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageKey`,
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

  export interface SkippedKeyKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SkippedKeyIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SkippedKeyMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKey>): SkippedKey {
    return decodeMessage(buf, SkippedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKey>): Generator<SkippedKeyKeyIdFieldEvent | SkippedKeyIterationFieldEvent | SkippedKeyMessageKeyFieldEvent> {
    return streamMessage(buf, SkippedKey.codec(), opts)
  }
}

export interface SenderKeyRecord {
  groupId: string
  owner: string
  keyId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingPublic: Uint8Array<ArrayBuffer>
  signingSecret: Uint8Array<ArrayBuffer>
  skipped: SkippedKey[]
  initialChainKey: Uint8Array<ArrayBuffer>
  audience: string[]
  receivedAt: bigint
}

export namespace SenderKeyRecord {
  let _codec: Codec<SenderKeyRecord>

  export const codec = (): Codec<SenderKeyRecord> => {
    if (_codec == null) {
      _codec = message<SenderKeyRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if ((obj.owner != null && obj.owner !== '')) {
          w.uint32(18)
          w.string(obj.owner)
        }

        if ((obj.keyId != null && obj.keyId !== 0)) {
          w.uint32(24)
          w.uint32(obj.keyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(32)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingPublic != null && obj.signingPublic.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signingPublic)
        }

        if ((obj.signingSecret != null && obj.signingSecret.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signingSecret)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(66)
            SkippedKey.codec().encode(value, w)
          }
        }

        if ((obj.initialChainKey != null && obj.initialChainKey.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.initialChainKey)
        }

        if (obj.audience != null && obj.audience.length > 0) {
          for (const value of obj.audience) {
            w.uint32(82)
            w.string(value)
          }
        }

        if ((obj.receivedAt != null && obj.receivedAt !== 0n)) {
          w.uint32(88)
          w.uint64(obj.receivedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: '',
          owner: '',
          keyId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingPublic: uint8ArrayAlloc(0),
          signingSecret: uint8ArrayAlloc(0),
          skipped: [],
          initialChainKey: uint8ArrayAlloc(0),
          audience: [],
          receivedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.string()
              break
            }
            case 2: {
              obj.owner = reader.string()
              break
            }
            case 3: {
              obj.keyId = reader.uint32()
              break
            }
            case 4: {
              obj.iteration = reader.uint32()
              break
            }
            case 5: {
              obj.chainKey = reader.bytes()
              break
            }
            case 6: {
              obj.signingPublic = reader.bytes()
              break
            }
            case 7: {
              obj.signingSecret = reader.bytes()
              break
            }
            case 8: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
              }))
              break
            }
            case 9: {
              obj.initialChainKey = reader.bytes()
              break
            }
            case 10: {
              if (opts.limits?.audience != null && obj.audience.length === opts.limits.audience) {
                throw new MaxLengthError('Decode error - repeated field "audience" had too many elements')
              }

              obj.audience.push(reader.string())
              break
            }
            case 11: {
              obj.receivedAt = reader.uint64()
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
          skipped: 0,
          audience: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.owner`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.keyId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signingPublic`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signingSecret`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.initialChainKey`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              if (opts.limits?.audience != null && obj.audience === opts.limits.audience) {
                throw new MaxLengthError('Streaming decode error - repeated field "audience" had too many elements')
              }

              yield {
                field: `${prefix}.audience[]`,
                index: obj.audience,
                value: reader.string()
              }

              obj.audience++

              break
            }
            case 11: {
              yield {
                field: `${prefix}.receivedAt`,
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

  export interface SenderKeyRecordGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface SenderKeyRecordOwnerFieldEvent {
    field: '$.owner'
    value: string
  }

  export interface SenderKeyRecordKeyIdFieldEvent {
    field: '$.keyId'
    value: number
  }

  export interface SenderKeyRecordIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyRecordChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordSigningPublicFieldEvent {
    field: '$.signingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordSigningSecretFieldEvent {
    field: '$.signingSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordSkippedKeyIdFieldEvent {
    field: '$.skipped[].keyId'
    value: number
    index: number
  }

  export interface SenderKeyRecordSkippedIterationFieldEvent {
    field: '$.skipped[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyRecordSkippedMessageKeyFieldEvent {
    field: '$.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyRecordInitialChainKeyFieldEvent {
    field: '$.initialChainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordAudienceFieldEvent {
    field: '$.audience[]'
    index: number
    value: string
  }

  export interface SenderKeyRecordReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: bigint
  }

  export function encode (obj: Partial<SenderKeyRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecord>): SenderKeyRecord {
    return decodeMessage(buf, SenderKeyRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecord>): Generator<SenderKeyRecordGroupIdFieldEvent | SenderKeyRecordOwnerFieldEvent | SenderKeyRecordKeyIdFieldEvent | SenderKeyRecordIterationFieldEvent | SenderKeyRecordChainKeyFieldEvent | SenderKeyRecordSigningPublicFieldEvent | SenderKeyRecordSigningSecretFieldEvent | SenderKeyRecordSkippedKeyIdFieldEvent | SenderKeyRecordSkippedIterationFieldEvent | SenderKeyRecordSkippedMessageKeyFieldEvent | SenderKeyRecordInitialChainKeyFieldEvent | SenderKeyRecordAudienceFieldEvent | SenderKeyRecordReceivedAtFieldEvent> {
    return streamMessage(buf, SenderKeyRecord.codec(), opts)
  }
}

export interface TopicProof {
  topicPublic: Uint8Array<ArrayBuffer>
  topicOwner: string
  topicOwnerSignature: Uint8Array<ArrayBuffer>
  issuedAt: number
  signature: Uint8Array<ArrayBuffer>
}

export namespace TopicProof {
  let _codec: Codec<TopicProof>

  export const codec = (): Codec<TopicProof> => {
    if (_codec == null) {
      _codec = message<TopicProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topicPublic != null && obj.topicPublic.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.topicPublic)
        }

        if ((obj.topicOwner != null && obj.topicOwner !== '')) {
          w.uint32(18)
          w.string(obj.topicOwner)
        }

        if ((obj.topicOwnerSignature != null && obj.topicOwnerSignature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.topicOwnerSignature)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(33)
          w.double(obj.issuedAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topicPublic: uint8ArrayAlloc(0),
          topicOwner: '',
          topicOwnerSignature: uint8ArrayAlloc(0),
          issuedAt: 0,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topicPublic = reader.bytes()
              break
            }
            case 2: {
              obj.topicOwner = reader.string()
              break
            }
            case 3: {
              obj.topicOwnerSignature = reader.bytes()
              break
            }
            case 4: {
              obj.issuedAt = reader.double()
              break
            }
            case 5: {
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
                field: `${prefix}.topicPublic`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.topicOwner`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.topicOwnerSignature`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.double()
              }
              break
            }
            case 5: {
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

  export interface TopicProofTopicPublicFieldEvent {
    field: '$.topicPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TopicProofTopicOwnerFieldEvent {
    field: '$.topicOwner'
    value: string
  }

  export interface TopicProofTopicOwnerSignatureFieldEvent {
    field: '$.topicOwnerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TopicProofIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export interface TopicProofSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TopicProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TopicProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicProof>): TopicProof {
    return decodeMessage(buf, TopicProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicProof>): Generator<TopicProofTopicPublicFieldEvent | TopicProofTopicOwnerFieldEvent | TopicProofTopicOwnerSignatureFieldEvent | TopicProofIssuedAtFieldEvent | TopicProofSignatureFieldEvent> {
    return streamMessage(buf, TopicProof.codec(), opts)
  }
}

export interface RelayJoinRequest {
  proofs: TopicProof[]
}

export namespace RelayJoinRequest {
  let _codec: Codec<RelayJoinRequest>

  export const codec = (): Codec<RelayJoinRequest> => {
    if (_codec == null) {
      _codec = message<RelayJoinRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.proofs != null && obj.proofs.length > 0) {
          for (const value of obj.proofs) {
            w.uint32(10)
            TopicProof.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          proofs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.proofs != null && obj.proofs.length === opts.limits.proofs) {
                throw new MaxLengthError('Decode error - repeated field "proofs" had too many elements')
              }

              obj.proofs.push(TopicProof.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.proofs$
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
          proofs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.proofs != null && obj.proofs === opts.limits.proofs) {
                throw new MaxLengthError('Streaming decode error - repeated field "proofs" had too many elements')
              }

              for (const evt of TopicProof.codec().stream(reader, reader.uint32(), `${prefix}.proofs[]`, {
                limits: opts.limits?.proofs$
              })) {
                yield {
                  ...evt,
                  index: obj.proofs
                }
              }

              obj.proofs++

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

  export interface RelayJoinRequestProofsTopicPublicFieldEvent {
    field: '$.proofs[].topicPublic'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RelayJoinRequestProofsTopicOwnerFieldEvent {
    field: '$.proofs[].topicOwner'
    value: string
    index: number
  }

  export interface RelayJoinRequestProofsTopicOwnerSignatureFieldEvent {
    field: '$.proofs[].topicOwnerSignature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RelayJoinRequestProofsIssuedAtFieldEvent {
    field: '$.proofs[].issuedAt'
    value: number
    index: number
  }

  export interface RelayJoinRequestProofsSignatureFieldEvent {
    field: '$.proofs[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RelayJoinRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayJoinRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinRequest>): RelayJoinRequest {
    return decodeMessage(buf, RelayJoinRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinRequest>): Generator<RelayJoinRequestProofsTopicPublicFieldEvent | RelayJoinRequestProofsTopicOwnerFieldEvent | RelayJoinRequestProofsTopicOwnerSignatureFieldEvent | RelayJoinRequestProofsIssuedAtFieldEvent | RelayJoinRequestProofsSignatureFieldEvent> {
    return streamMessage(buf, RelayJoinRequest.codec(), opts)
  }
}

export enum RelayJoinStatus {
  ACCEPTED = 'ACCEPTED',
  BAD_PROOF = 'BAD_PROOF',
  EXPIRED = 'EXPIRED',
  GROUP_FULL = 'GROUP_FULL',
  PEER_LIMIT = 'PEER_LIMIT',
  NODE_LIMIT = 'NODE_LIMIT',
  REFUSED = 'REFUSED'
}

enum __RelayJoinStatusValues {
  ACCEPTED = 0,
  BAD_PROOF = 1,
  EXPIRED = 2,
  GROUP_FULL = 3,
  PEER_LIMIT = 4,
  NODE_LIMIT = 5,
  REFUSED = 6
}

export namespace RelayJoinStatus {
  export const codec = (): Codec<RelayJoinStatus> => {
    return enumeration<RelayJoinStatus>(__RelayJoinStatusValues)
  }
}

export interface RelayJoinResult {
  topic: string
  status: RelayJoinStatus
  message: string
}

export namespace RelayJoinResult {
  let _codec: Codec<RelayJoinResult>

  export const codec = (): Codec<RelayJoinResult> => {
    if (_codec == null) {
      _codec = message<RelayJoinResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(10)
          w.string(obj.topic)
        }

        if (obj.status != null && __RelayJoinStatusValues[obj.status] !== 0) {
          w.uint32(16)
          RelayJoinStatus.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topic: '',
          status: RelayJoinStatus.ACCEPTED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topic = reader.string()
              break
            }
            case 2: {
              obj.status = RelayJoinStatus.codec().decode(reader)
              break
            }
            case 3: {
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
                field: `${prefix}.topic`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: RelayJoinStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
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

  export interface RelayJoinResultTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface RelayJoinResultStatusFieldEvent {
    field: '$.status'
    value: RelayJoinStatus
  }

  export interface RelayJoinResultMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<RelayJoinResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayJoinResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinResult>): RelayJoinResult {
    return decodeMessage(buf, RelayJoinResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinResult>): Generator<RelayJoinResultTopicFieldEvent | RelayJoinResultStatusFieldEvent | RelayJoinResultMessageFieldEvent> {
    return streamMessage(buf, RelayJoinResult.codec(), opts)
  }
}

export interface RelayJoinResponse {
  results: RelayJoinResult[]
  error: RelayJoinStatus
  errorMessage: string
}

export namespace RelayJoinResponse {
  let _codec: Codec<RelayJoinResponse>

  export const codec = (): Codec<RelayJoinResponse> => {
    if (_codec == null) {
      _codec = message<RelayJoinResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.results != null && obj.results.length > 0) {
          for (const value of obj.results) {
            w.uint32(10)
            RelayJoinResult.codec().encode(value, w)
          }
        }

        if (obj.error != null && __RelayJoinStatusValues[obj.error] !== 0) {
          w.uint32(16)
          RelayJoinStatus.codec().encode(obj.error, w)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(26)
          w.string(obj.errorMessage)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          results: [],
          error: RelayJoinStatus.ACCEPTED,
          errorMessage: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                throw new MaxLengthError('Decode error - repeated field "results" had too many elements')
              }

              obj.results.push(RelayJoinResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.results$
              }))
              break
            }
            case 2: {
              obj.error = RelayJoinStatus.codec().decode(reader)
              break
            }
            case 3: {
              obj.errorMessage = reader.string()
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
          results: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.results != null && obj.results === opts.limits.results) {
                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements')
              }

              for (const evt of RelayJoinResult.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                limits: opts.limits?.results$
              })) {
                yield {
                  ...evt,
                  index: obj.results
                }
              }

              obj.results++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: RelayJoinStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.errorMessage`,
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

  export interface RelayJoinResponseResultsTopicFieldEvent {
    field: '$.results[].topic'
    value: string
    index: number
  }

  export interface RelayJoinResponseResultsStatusFieldEvent {
    field: '$.results[].status'
    value: RelayJoinStatus
    index: number
  }

  export interface RelayJoinResponseResultsMessageFieldEvent {
    field: '$.results[].message'
    value: string
    index: number
  }

  export interface RelayJoinResponseErrorFieldEvent {
    field: '$.error'
    value: RelayJoinStatus
  }

  export interface RelayJoinResponseErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export function encode (obj: Partial<RelayJoinResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayJoinResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinResponse>): RelayJoinResponse {
    return decodeMessage(buf, RelayJoinResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayJoinResponse>): Generator<RelayJoinResponseResultsTopicFieldEvent | RelayJoinResponseResultsStatusFieldEvent | RelayJoinResponseResultsMessageFieldEvent | RelayJoinResponseErrorFieldEvent | RelayJoinResponseErrorMessageFieldEvent> {
    return streamMessage(buf, RelayJoinResponse.codec(), opts)
  }
}

export interface AddDevicesRequest {
  groupId: string
  username: string
  devices: string[]
}

export namespace AddDevicesRequest {
  let _codec: Codec<AddDevicesRequest>

  export const codec = (): Codec<AddDevicesRequest> => {
    if (_codec == null) {
      _codec = message<AddDevicesRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: '',
          username: '',
          devices: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.string()
              break
            }
            case 2: {
              obj.username = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(reader.string())
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
                field: `${prefix}.groupId`,
                value: reader.string()
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
            case 3: {
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              yield {
                field: `${prefix}.devices[]`,
                index: obj.devices,
                value: reader.string()
              }

              obj.devices++

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

  export interface AddDevicesRequestGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export interface AddDevicesRequestUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface AddDevicesRequestDevicesFieldEvent {
    field: '$.devices[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<AddDevicesRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AddDevicesRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddDevicesRequest>): AddDevicesRequest {
    return decodeMessage(buf, AddDevicesRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddDevicesRequest>): Generator<AddDevicesRequestGroupIdFieldEvent | AddDevicesRequestUsernameFieldEvent | AddDevicesRequestDevicesFieldEvent> {
    return streamMessage(buf, AddDevicesRequest.codec(), opts)
  }
}

export interface OwnLeaveRequest {
  groupId: string
}

export namespace OwnLeaveRequest {
  let _codec: Codec<OwnLeaveRequest>

  export const codec = (): Codec<OwnLeaveRequest> => {
    if (_codec == null) {
      _codec = message<OwnLeaveRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId !== '')) {
          w.uint32(10)
          w.string(obj.groupId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.string()
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
                field: `${prefix}.groupId`,
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

  export interface OwnLeaveRequestGroupIdFieldEvent {
    field: '$.groupId'
    value: string
  }

  export function encode (obj: Partial<OwnLeaveRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OwnLeaveRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnLeaveRequest>): OwnLeaveRequest {
    return decodeMessage(buf, OwnLeaveRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OwnLeaveRequest>): Generator<OwnLeaveRequestGroupIdFieldEvent> {
    return streamMessage(buf, OwnLeaveRequest.codec(), opts)
  }
}
