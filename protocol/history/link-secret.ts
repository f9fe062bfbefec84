// The link code's device-only part, and the proof a new device gives for it. The node makes the
// code's digits and so knows them; the part after them is made on the device and never sent to the
// node, so only someone who read the whole code off the old device can pull its history — not the
// node, not a device the node slips into the account.
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { LINK_SECRET_ATTEMPTS, LINK_SECRET_TTL_MS } from './constants.ts'
import type { ChatStore } from '../store/chat-store.ts'

/** Letters and digits that read out unambiguously (no 0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
/** 8 characters of 31: about 40 bits, against LINK_SECRET_ATTEMPTS guesses. */
const SECRET_CHARS = 8
const RECORD_KEY = 'history/link-secret'

export interface LinkCodeParts {
  /** What the node checks (its 8 digits, as typed). */
  nodeCode: string
  /** The device-only part; '' when the code was typed without it. */
  secret: string
}

/** `1234-5678-abcdefgh` → its parts; INVALID for anything else. */
export function splitLinkCode (typed: string): LinkCodeParts {
  const m = /^(\d{4}-?\d{4})(?:-([a-z2-9]{8}))?$/.exec(typed.trim().toLowerCase().replace(/\s+/g, ''))
  if (m == null) throw new ProtocolError(ErrorCode.INVALID, 'link code: expected 8 digits and 8 letters, as `account link-code` prints it (1234-5678-abcdefgh)')
  return { nodeCode: m[1], secret: m[2] ?? '' }
}

export function newLinkSecret (random: (n: number) => Uint8Array = randomBytes): string {
  let out = ''
  // Rejection sampling: 248 is the largest multiple of 31 under 256, so no letter is likelier.
  while (out.length < SECRET_CHARS) {
    for (const b of random(SECRET_CHARS)) if (b < 248 && out.length < SECRET_CHARS) out += ALPHABET[b % ALPHABET.length]
  }
  return out
}

function canonical (parts: LinkCodeParts): string {
  return `${parts.nodeCode.replace('-', '')}:${parts.secret}`
}

/** What the requester sends: bound to both devices, so it is worth nothing to anyone else. */
export function historyProof (code: LinkCodeParts, requester: string, server: string): Uint8Array {
  const key = sha256(utf8ToBytes(`babacloud/history-link/v1\0${canonical(code)}`))
  return hmac(sha256, key, utf8ToBytes(`babacloud/history/v1\0${requester}\0${server}`))
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

interface SecretRecord { nodeCode: string, secret: string, expiresAt: number, attempts: number }

/** The link code this device made last, kept in its own store (never sent anywhere). */
export class LinkSecrets {
  readonly #store: ChatStore
  readonly #now: () => number

  constructor (store: ChatStore, now: () => number = Date.now) {
    this.#store = store
    this.#now = now
  }

  /** Remembers a code the node just made, with a new device-only part; returns the whole code to show. */
  async remember (nodeCode: string, random?: (n: number) => Uint8Array): Promise<string> {
    const secret = newLinkSecret(random)
    const record: SecretRecord = { nodeCode: nodeCode.replace('-', ''), secret, expiresAt: this.#now() + LINK_SECRET_TTL_MS, attempts: LINK_SECRET_ATTEMPTS }
    await this.#store.setValue(RECORD_KEY, utf8ToBytes(JSON.stringify(record)))
    return `${nodeCode}-${secret}`
  }

  /**
   * Checks a requester's proof against the code this device made. UNAUTHORIZED (and nothing else
   * said) when there is none, it expired, or the proof is wrong; a wrong proof costs an attempt.
   */
  async check (proof: Uint8Array, requester: string, server: string): Promise<void> {
    const raw = await this.#store.getValue(RECORD_KEY)
    const refuse = new ProtocolError(ErrorCode.UNAUTHORIZED, 'this device made no link code for you, or it expired')
    if (raw == null) throw refuse
    let record: SecretRecord
    try {
      record = JSON.parse(new TextDecoder().decode(raw)) as SecretRecord
    } catch {
      await this.#store.deleteValue(RECORD_KEY)
      throw refuse
    }
    if (record.expiresAt <= this.#now()) {
      await this.#store.deleteValue(RECORD_KEY)
      throw refuse
    }
    if (equalBytes(proof, historyProof(record, requester, server))) return
    if (record.attempts <= 1) await this.#store.deleteValue(RECORD_KEY)
    else await this.#store.setValue(RECORD_KEY, utf8ToBytes(JSON.stringify({ ...record, attempts: record.attempts - 1 })))
    throw refuse
  }
}
