// What the durable outbox holds for one message or control message: the payload, and once sealed the
// envelope for each recipient device, so every retry sends the same envelope id and bytes.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { ErrorCode, ProtocolError } from '../errors.ts'

export interface OutboxEnvelope {
  /** The device's PeerId. */
  peer: string
  /** `Envelope.encode(...)`, sealed once. */
  envelope: Uint8Array
  /** Set once this device's copy was acked: by the device (`delivered`) or its node (`stored`). */
  done?: 'delivered' | 'stored'
}

export interface OutboxEntry {
  /** The envelope id (hex): the message's id for text, the control message's id otherwise. */
  id: string
  /** As the sender wrote it: a PeerId or `@username`. */
  to: string
  /** `Payload.encode(...)`: what gets sealed when the entry has no envelopes yet. */
  payload: Uint8Array
  /** Control messages have no history entry: nothing to update when they leave. */
  control: boolean
  /** The sender's clock when it was written; also the envelope's `sentAt`. */
  sentAt: number
  attempts: number
  /** Empty until sealed (sealing needs the recipient's prekeys, so the node must be up). */
  envelopes: OutboxEnvelope[]
  lastError?: string
}

interface Json {
  id: string
  to: string
  payload: string
  control: boolean
  sentAt: number
  attempts: number
  envelopes: Array<{ peer: string, envelope: string, done?: 'delivered' | 'stored' }>
  lastError?: string
}

/** For stores that keep bytes (SQLite): a small JSON form with hex bytes. */
export function encodeOutboxEntry (e: OutboxEntry): Uint8Array {
  const json: Json = {
    ...e,
    payload: bytesToHex(e.payload),
    envelopes: e.envelopes.map(v => ({ peer: v.peer, envelope: bytesToHex(v.envelope), ...(v.done != null ? { done: v.done } : {}) }))
  }
  return new TextEncoder().encode(JSON.stringify(json))
}

export function decodeOutboxEntry (bytes: Uint8Array): OutboxEntry {
  try {
    const j = JSON.parse(new TextDecoder().decode(bytes)) as Json
    return {
      ...j,
      payload: hexToBytes(j.payload),
      envelopes: j.envelopes.map(v => ({ peer: v.peer, envelope: hexToBytes(v.envelope), ...(v.done != null ? { done: v.done } : {}) }))
    }
  } catch (err) {
    throw new ProtocolError(ErrorCode.MALFORMED, `unreadable outbox entry: ${(err as Error).message}`)
  }
}

/** A deep copy, so a store never shares arrays with its caller. */
export function copyOutboxEntry (e: OutboxEntry): OutboxEntry {
  return { ...e, payload: Uint8Array.from(e.payload), envelopes: e.envelopes.map(v => ({ ...v, envelope: Uint8Array.from(v.envelope) })) }
}
