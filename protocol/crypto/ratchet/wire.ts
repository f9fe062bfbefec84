/**
 * Wire format of one encrypted message between two devices:
 *
 *   u8 version | u8 kind (1 = message, 2 = prekey message)
 *   [kind 2: u16 length | PQXDH initial message]
 *   header: 32-byte ratchet key | u32 pn | u32 n
 *   AEAD ciphertext (at least the 16-byte tag)
 *
 * The initiator sends kind 2 until the first reply shows the responder has the session, so any of
 * its early messages can be the one that arrives first.
 */
import { ByteReader, ByteWriter } from '../x3dh/binary.ts'
import { decodeInitialMessage, encodeInitialMessage } from '../x3dh/wire.ts'
import type { InitialMessage } from '../x3dh/pqxdh.ts'
import { AEAD_TAG_LENGTH, HEADER_LENGTH, MESSAGE_VERSION } from './constants.ts'
import { decodeHeader, encodeHeader } from './state.ts'
import type { RatchetHeader } from './state.ts'

export const MessageKind = {
  Message: 1,
  PrekeyMessage: 2
} as const

export type MessageKind = typeof MessageKind[keyof typeof MessageKind]

export interface RatchetMessage {
  /** Present on prekey messages only. */
  initialMessage?: InitialMessage
  header: RatchetHeader
  ciphertext: Uint8Array
}

export function encodeRatchetMessage (message: RatchetMessage): Uint8Array {
  const initial = message.initialMessage === undefined ? undefined : encodeInitialMessage(message.initialMessage)
  const w = new ByteWriter(2 + (initial === undefined ? 0 : 2 + initial.length) + HEADER_LENGTH + message.ciphertext.length).u8(MESSAGE_VERSION)
  if (initial === undefined) w.u8(MessageKind.Message)
  else w.u8(MessageKind.PrekeyMessage).bytes16(initial)
  return w.bytes(encodeHeader(message.header)).bytes(message.ciphertext).finish()
}

export function decodeRatchetMessage (bytes: Uint8Array): RatchetMessage {
  const r = new ByteReader(bytes, 'ratchet message')
  r.expectVersion(MESSAGE_VERSION)
  const kind = r.u8()
  if (kind !== MessageKind.Message && kind !== MessageKind.PrekeyMessage) r.fail(`unknown message kind ${kind}`)
  const initialMessage = kind === MessageKind.PrekeyMessage ? decodeInitialMessage(r.bytes16()) : undefined
  const header = decodeHeader(r.bytes(HEADER_LENGTH))
  if (r.remaining < AEAD_TAG_LENGTH) r.fail('ciphertext shorter than the authentication tag')
  const ciphertext = r.rest()
  return { ...(initialMessage !== undefined ? { initialMessage } : {}), header, ciphertext }
}

/** Cheap peek for routing, without parsing the rest. */
export function isPrekeyMessage (bytes: Uint8Array): boolean {
  return bytes.length > 1 && bytes[0] === MESSAGE_VERSION && bytes[1] === MessageKind.PrekeyMessage
}
