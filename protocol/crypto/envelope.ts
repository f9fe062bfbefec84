// Envelopes: signed by the sender's identity key; the payload is a Double Ratchet message, or sealed
// to the recipient when no session can be set up (`scheme` says which). Only the header (id, from,
// to, sentAt, kind, scheme, expiresAt, size) is readable by relays and rendezvous nodes.
import { randomBytes } from '@noble/hashes/utils.js'
import { toString as uint8ArrayToString, fromString as uint8ArrayFromString } from 'uint8arrays'
import { ErrorCode, IntegrityError, ProtocolError } from '../errors.ts'
import { ed25519PublicKeyOf, peerIdFromBytes, peerIdToBytes, verifySignature } from '../identity.ts'
import { Envelope, Payload } from '../wire/generated/messages.ts'
import { open, seal } from './sealed-box.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { PeerId } from '@libp2p/interface'

export { Envelope }

export const ENVELOPE_ID_LENGTH = 16
/** Largest envelope any protocol accepts; text messages are far below it. */
export const MAX_ENVELOPE_BYTES = 64 * 1024
const SIGNATURE_CONTEXT = new TextEncoder().encode('babacloud/envelope/v1\0')
/** Field 7 of a 64-byte signature on the wire: one tag byte, one length byte, the signature. */
const SIGNATURE_FIELD_BYTES = 1 + 1 + 64

export function envelopeIdToString (id: Uint8Array): string {
  return uint8ArrayToString(id, 'base16')
}

export function envelopeIdFromString (id: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new ProtocolError(ErrorCode.MALFORMED, `not a message id: ${id}`)
  return uint8ArrayFromString(id, 'base16')
}

/** The header fields every protocol may read; also bound into the seal as associated data. */
function headerBytes (env: Envelope): Uint8Array {
  return Envelope.encode({ id: env.id, from: env.from, to: env.to, sentAt: env.sentAt, kind: env.kind, expiresAt: env.expiresAt ?? 0n })
}

function signingBytes (env: Envelope): Uint8Array {
  const body = Envelope.encode({ ...env, signature: new Uint8Array(0) })
  const out = new Uint8Array(SIGNATURE_CONTEXT.length + body.length)
  out.set(SIGNATURE_CONTEXT)
  out.set(body, SIGNATURE_CONTEXT.length)
  return out
}

export interface CreateEnvelopeOptions {
  kind?: Envelope.Kind
  sentAt?: number
  /** Disappearing messages: when every copy goes (ms since epoch); unset: no timer. */
  expiresAt?: number
  id?: Uint8Array
  random?: (n: number) => Uint8Array
}

function unsignedHeader (sender: DeviceIdentity, to: PeerId, scheme: Envelope.Scheme, options: CreateEnvelopeOptions): Envelope {
  const random = options.random ?? randomBytes
  return {
    id: Uint8Array.from(options.id ?? random(ENVELOPE_ID_LENGTH)),
    from: Uint8Array.from(peerIdToBytes(sender.peerId)),
    to: Uint8Array.from(peerIdToBytes(to)),
    sentAt: BigInt(options.sentAt ?? Date.now()),
    kind: options.kind ?? Envelope.Kind.MESSAGE,
    ciphertext: new Uint8Array(0),
    signature: new Uint8Array(0),
    scheme,
    expiresAt: BigInt(options.expiresAt ?? 0)
  }
}

/** The sealed-box envelope: for recipients without a prekey bundle (no ratchet session possible). */
/** `payload` may come encoded already (the outbox keeps it so). */
export function createEnvelope (sender: DeviceIdentity, to: PeerId, payload: Partial<Payload> | Uint8Array, options: CreateEnvelopeOptions = {}): Envelope {
  const header = unsignedHeader(sender, to, Envelope.Scheme.SEALED, options)
  const ciphertext = seal(payload instanceof Uint8Array ? payload : Payload.encode(payload), ed25519PublicKeyOf(to), { associatedData: headerBytes(header), random: options.random })
  const env = { ...header, ciphertext: Uint8Array.from(ciphertext) }
  return { ...env, signature: Uint8Array.from(sender.sign(signingBytes(env))) }
}

/**
 * Wraps a Double Ratchet message (made by the session layer) in a signed envelope. The ratchet does
 * not bind the header as associated data; the signature does, and only the session's peer can sign.
 */
export function createRatchetEnvelope (sender: DeviceIdentity, to: PeerId, ciphertext: Uint8Array, options: CreateEnvelopeOptions = {}): Envelope {
  const env = { ...unsignedHeader(sender, to, Envelope.Scheme.RATCHET, options), ciphertext: Uint8Array.from(ciphertext) }
  return { ...env, signature: Uint8Array.from(sender.sign(signingBytes(env))) }
}

export interface EnvelopeHeader {
  id: string
  from: PeerId
  to: PeerId
  sentAt: number
  /** Disappearing messages: when every copy goes; unset without a timer. */
  expiresAt?: number
  size: number
}

/**
 * Checks shape and signature; every receiver (peer or rendezvous) runs this before anything else.
 * Throws ProtocolError MALFORMED or BAD_SIGNATURE.
 */
export function verifyEnvelope (env: Envelope): EnvelopeHeader {
  const { from, signed, header } = prepareEnvelope(env)
  if (!verifySignature(from, signed, env.signature)) throw badSignature()
  return header
}

/** Everything `verifyEnvelope` checks but the signature: the sender, the signed bytes, the header. */
export function prepareEnvelope (env: Envelope): { from: PeerId, signed: Uint8Array, header: EnvelopeHeader } {
  if (env.id.length !== ENVELOPE_ID_LENGTH) throw new ProtocolError(ErrorCode.MALFORMED, 'envelope id must be 16 bytes')
  if (env.ciphertext.length === 0) throw new ProtocolError(ErrorCode.MALFORMED, 'envelope has no ciphertext')
  if (env.signature.length !== 64) throw new ProtocolError(ErrorCode.MALFORMED, 'envelope signature must be 64 bytes')
  let from: PeerId, to: PeerId
  try {
    from = peerIdFromBytes(env.from)
    to = peerIdFromBytes(env.to)
  } catch (err) {
    throw new ProtocolError(ErrorCode.MALFORMED, `envelope address: ${(err as Error).message}`)
  }
  const signed = signingBytes(env)
  const sentAt = Number(env.sentAt)
  // The canonical encoding is the signed body plus the 64-byte signature field (tag, length,
  // bytes): its size without encoding the envelope a second time.
  const size = signed.length - SIGNATURE_CONTEXT.length + SIGNATURE_FIELD_BYTES
  const expiresAt = Number(env.expiresAt ?? 0n)
  return { from, signed, header: { id: envelopeIdToString(env.id), from, to, sentAt, ...(expiresAt > 0 ? { expiresAt } : {}), size } }
}

export function badSignature (): ProtocolError {
  return new ProtocolError(ErrorCode.BAD_SIGNATURE, 'envelope signature does not verify')
}

/** The sealed box of a sealed-scheme envelope addressed to `recipient`, with the header it is bound to. */
export function sealedBoxOf (recipient: DeviceIdentity, env: Envelope): { sealed: Uint8Array, associatedData: Uint8Array } {
  if (!recipient.peerId.equals(peerIdFromBytes(env.to))) throw new IntegrityError('envelope is addressed to another device')
  if (env.scheme !== Envelope.Scheme.SEALED) throw new IntegrityError('envelope is not sealed-box: open it through its session')
  return { sealed: env.ciphertext, associatedData: headerBytes(env) }
}

/** A sealed envelope's opened plaintext as a Payload; throws IntegrityError when it is not one. */
export function decodeSealedPayload (plaintext: Uint8Array): Payload {
  try {
    return Payload.decode(plaintext)
  } catch {
    throw new IntegrityError('envelope payload is malformed')
  }
}

/** Opens an envelope addressed to `recipient`; throws IntegrityError if it was not sealed to it. */
export function openEnvelope (recipient: DeviceIdentity, env: Envelope): Payload {
  const { sealed, associatedData } = sealedBoxOf(recipient, env)
  return decodeSealedPayload(open(sealed, recipient.x25519Secret(), associatedData))
}
