// Session-layer records in the ChatStore's key-value space: ratchet sessions (one record per peer)
// and messages held back from a contact's pending device until the user trusts it.
import { toString as uint8ArrayToString, fromString as uint8ArrayFromString } from 'uint8arrays'
import { parsePeerId } from '../identity.ts'
import { Payload } from '../wire/generated/messages.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { SessionStore } from '../crypto/ratchet/session-cipher.ts'
import type { ChatStore } from '../store/chat-store.ts'

export const SESSION_PREFIX = 'sessions/'

/** A message from a pending device, kept until the user trusts it (or forever, unshown). */
export interface HeldMessage {
  header: EnvelopeHeader
  payload: Payload
  path: string
}

/** Ratchet records in the ChatStore: a new ChatClient on the same store continues each session. */
export class ChatStoreSessions implements SessionStore {
  readonly #store: ChatStore

  constructor (store: ChatStore) {
    this.#store = store
  }

  async loadSession (peer: string): Promise<Uint8Array | undefined> {
    return await this.#store.getValue(SESSION_PREFIX + peer)
  }

  async storeSession (peer: string, record: Uint8Array): Promise<void> {
    await this.#store.setValue(SESSION_PREFIX + peer, record)
  }

  async deleteSession (peer: string): Promise<void> {
    await this.#store.deleteValue(SESSION_PREFIX + peer)
  }
}

export function encodeHeld (held: HeldMessage): Uint8Array {
  const { header, payload, path } = held
  const json = { id: header.id, from: header.from.toString(), to: header.to.toString(), sentAt: header.sentAt, size: header.size, path, payload: uint8ArrayToString(Payload.encode(payload), 'base64') }
  return new TextEncoder().encode(JSON.stringify(json))
}

export function decodeHeld (bytes: Uint8Array): HeldMessage {
  const j = JSON.parse(new TextDecoder().decode(bytes)) as { id: string, from: string, to: string, sentAt: number, size: number, path: string, payload: string }
  return {
    header: { id: j.id, from: parsePeerId(j.from), to: parsePeerId(j.to), sentAt: j.sentAt, size: j.size },
    payload: Payload.decode(uint8ArrayFromString(j.payload, 'base64')),
    path: j.path
  }
}
