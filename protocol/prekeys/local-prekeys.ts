// This device's private prekeys, kept in the ChatStore's key-value space, and the batches it
// publishes. Implements the PrekeyStore SessionCipher reads when another device starts a session.
// The signed prekey and the last-resort ML-KEM prekey are rotated on a schedule (PQXDH: "at some
// interval"); a replaced pair stays usable for a grace period, for first messages in flight, and
// is then deleted, so a later theft of this store cannot open sessions started long ago.
import { ByteReader, ByteWriter } from '../crypto/x3dh/binary.ts'
import { ML_KEM_768_PUBLIC_KEY_LENGTH, ML_KEM_768_SECRET_KEY_LENGTH, X25519_KEY_LENGTH, ED25519_SIGNATURE_LENGTH } from '../crypto/x3dh/constants.ts'
import { generateOneTimePrekeys, generatePqPrekey, generateSignedPrekey } from '../crypto/x3dh/keys.ts'
import type { PrekeyStore } from '../crypto/ratchet/session-cipher.ts'
import type { IdentityKeyPair, OneTimePrekeyRecord, PqPrekeyRecord, SignedPrekeyRecord } from '../crypto/x3dh/keys.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { PrekeyUploadWire } from './prekey-client.ts'

const PREFIX = 'prekeys/'
const STATE_KEY = `${PREFIX}state`
const RECORD_VERSION = 1

interface PrekeyState {
  /** Next id for any new key; one counter for all kinds keeps ids unique per device. */
  nextId: number
  signedId: number
  lastResortId: number
  /** When the current signed and last-resort pair was made (clock ms); absent in older states. */
  rotatedAt?: number
  /** The current pair is not known to be published yet (made by a rotation whose publish failed). */
  unpublished?: boolean
  /** Replaced pairs, kept until `until` (clock ms), then deleted. */
  retired?: Array<{ signedId: number, lastResortId: number, until: number }>
}

const signedKey = (id: number): string => `${PREFIX}signed/${id}`
const oneTimeKey = (id: number): string => `${PREFIX}one-time/${id}`
const pqKey = (id: number): string => `${PREFIX}pq/${id}`

function encodeSigned (r: SignedPrekeyRecord): Uint8Array {
  return new ByteWriter().u8(RECORD_VERSION).u32(r.id).bytes(r.keyPair.publicKey).bytes(r.keyPair.secretKey).bytes(r.signature).finish()
}

function decodeSigned (bytes: Uint8Array): SignedPrekeyRecord {
  const r = new ByteReader(bytes, 'signed prekey record')
  r.expectVersion(RECORD_VERSION)
  const record = { id: r.u32(), keyPair: { publicKey: r.bytes(X25519_KEY_LENGTH), secretKey: r.bytes(X25519_KEY_LENGTH) }, signature: r.bytes(ED25519_SIGNATURE_LENGTH) }
  r.end()
  return record
}

function encodeOneTime (r: OneTimePrekeyRecord): Uint8Array {
  return new ByteWriter().u8(RECORD_VERSION).u32(r.id).bytes(r.keyPair.publicKey).bytes(r.keyPair.secretKey).finish()
}

function decodeOneTime (bytes: Uint8Array): OneTimePrekeyRecord {
  const r = new ByteReader(bytes, 'one-time prekey record')
  r.expectVersion(RECORD_VERSION)
  const record = { id: r.u32(), keyPair: { publicKey: r.bytes(X25519_KEY_LENGTH), secretKey: r.bytes(X25519_KEY_LENGTH) } }
  r.end()
  return record
}

function encodePq (r: PqPrekeyRecord): Uint8Array {
  return new ByteWriter().u8(RECORD_VERSION).u32(r.id).bytes(r.keyPair.publicKey).bytes(r.keyPair.secretKey).bytes(r.signature).u8(r.lastResort ? 1 : 0).finish()
}

function decodePq (bytes: Uint8Array): PqPrekeyRecord {
  const r = new ByteReader(bytes, 'ML-KEM prekey record')
  r.expectVersion(RECORD_VERSION)
  const record = {
    id: r.u32(),
    keyPair: { publicKey: r.bytes(ML_KEM_768_PUBLIC_KEY_LENGTH), secretKey: r.bytes(ML_KEM_768_SECRET_KEY_LENGTH) },
    signature: r.bytes(ED25519_SIGNATURE_LENGTH),
    lastResort: r.flag()
  }
  r.end()
  return record
}

async function yieldToEventLoop (): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0))
}

export interface BatchOptions {
  oneTime: number
  pqOneTime: number
}

export interface CreateBatchOptions {
  /** Include the current signed and last-resort keys (to publish them again). */
  includeReusable?: boolean
  /** Ask the node to drop the one-time keys it holds (their private halves are gone here). */
  replaceOneTime?: boolean
  /** Clock time, recorded as the reusable keys' age when they are first made. */
  now?: number
}

export class LocalPrekeys implements PrekeyStore {
  readonly #store: ChatStore
  readonly #identity: IdentityKeyPair

  constructor (store: ChatStore, identity: IdentityKeyPair) {
    this.#store = store
    this.#identity = identity
  }

  async #state (): Promise<PrekeyState | undefined> {
    const bytes = await this.#store.getValue(STATE_KEY)
    return bytes == null ? undefined : JSON.parse(new TextDecoder().decode(bytes)) as PrekeyState
  }

  async #saveState (state: PrekeyState): Promise<void> {
    await this.#store.setValue(STATE_KEY, new TextEncoder().encode(JSON.stringify(state)))
  }

  async hasKeys (): Promise<boolean> {
    return await this.#state() != null
  }

  /**
   * Creates the reusable keys (signed prekey, last-resort ML-KEM prekey) on first use, plus a batch
   * of one-time keys; returns what to publish. Private halves are stored before anything is
   * published, so a key the rendezvous hands out always has its private half here.
   */
  async createBatch (batch: BatchOptions, options: CreateBatchOptions = {}): Promise<PrekeyUploadWire> {
    let state = await this.#state()
    const fresh = state == null
    let nextId = state?.nextId ?? 1
    let signed: SignedPrekeyRecord | undefined
    let lastResort: PqPrekeyRecord | undefined
    if (state == null) {
      signed = generateSignedPrekey(this.#identity, { id: nextId++ })
      lastResort = generatePqPrekey(this.#identity, { id: nextId++, lastResort: true })
      await this.#store.setValue(signedKey(signed.id), encodeSigned(signed))
      await this.#store.setValue(pqKey(lastResort.id), encodePq(lastResort))
      state = { nextId, signedId: signed.id, lastResortId: lastResort.id, ...(options.now != null ? { rotatedAt: options.now } : {}) }
    } else if (options.includeReusable === true) {
      signed = await this.loadSignedPrekey(state.signedId)
      lastResort = await this.loadPqPrekey(state.lastResortId)
    }
    // One key at a time with a yield in between: the event loop keeps serving the network meanwhile.
    const oneTime: OneTimePrekeyRecord[] = []
    for (let i = 0; i < batch.oneTime; i++) {
      oneTime.push(...generateOneTimePrekeys(1, { firstId: nextId++ }))
      await yieldToEventLoop()
    }
    const pqOneTime: PqPrekeyRecord[] = []
    for (let i = 0; i < batch.pqOneTime; i++) {
      pqOneTime.push(generatePqPrekey(this.#identity, { id: nextId++, lastResort: false }))
      await yieldToEventLoop()
    }
    for (const k of oneTime) await this.#store.setValue(oneTimeKey(k.id), encodeOneTime(k))
    for (const k of pqOneTime) await this.#store.setValue(pqKey(k.id), encodePq(k))
    await this.#saveState({ ...state, nextId })
    return {
      ...(signed != null ? { signedPrekey: { id: signed.id, publicKey: signed.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: signed.signature as Uint8Array<ArrayBuffer> } } : {}),
      ...(lastResort != null ? { pqLastResort: { id: lastResort.id, publicKey: lastResort.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: lastResort.signature as Uint8Array<ArrayBuffer> } } : {}),
      oneTimePrekeys: oneTime.map(k => ({ id: k.id, publicKey: k.keyPair.publicKey as Uint8Array<ArrayBuffer> })),
      pqOneTimePrekeys: pqOneTime.map(k => ({ id: k.id, publicKey: k.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: k.signature as Uint8Array<ArrayBuffer> })),
      // New keys here mean the rendezvous's old one-time keys (if any) have no private half here.
      replaceOneTime: fresh || options.replaceOneTime === true
    }
  }

  /** Whether the signed and last-resort pair is older than `everyMs` (or of unknown age). */
  async rotationDue (now: number, everyMs: number): Promise<boolean> {
    const state = await this.#state()
    return state != null && (state.rotatedAt == null || now - state.rotatedAt >= everyMs)
  }

  /**
   * Replaces the signed and last-resort prekeys with new ones and keeps the old private halves
   * until `now + graceMs`. The new pair is marked unpublished until `markPublished()`.
   */
  async rotate (now: number, graceMs: number): Promise<void> {
    const state = await this.#state()
    if (state == null) return
    let nextId = state.nextId
    const signed = generateSignedPrekey(this.#identity, { id: nextId++ })
    const lastResort = generatePqPrekey(this.#identity, { id: nextId++, lastResort: true })
    await this.#store.setValue(signedKey(signed.id), encodeSigned(signed))
    await this.#store.setValue(pqKey(lastResort.id), encodePq(lastResort))
    const retired = [...state.retired ?? [], { signedId: state.signedId, lastResortId: state.lastResortId, until: now + graceMs }]
    await this.#saveState({ ...state, nextId, signedId: signed.id, lastResortId: lastResort.id, rotatedAt: now, unpublished: true, retired })
  }

  /** True while a rotated pair still has to be published. */
  async hasUnpublished (): Promise<boolean> {
    return (await this.#state())?.unpublished === true
  }

  async markPublished (): Promise<void> {
    const state = await this.#state()
    if (state?.unpublished === true) await this.#saveState({ ...state, unpublished: false })
  }

  /** Deletes the private halves of replaced pairs whose grace period has ended; how many pairs. */
  async purgeRetired (now: number): Promise<number> {
    const state = await this.#state()
    const expired = state?.retired?.filter(r => r.until <= now) ?? []
    if (state == null || expired.length === 0) return 0
    for (const r of expired) {
      await this.#store.deleteValue(signedKey(r.signedId))
      await this.#store.deleteValue(pqKey(r.lastResortId))
    }
    await this.#saveState({ ...state, retired: state.retired?.filter(r => r.until > now) })
    return expired.length
  }

  /** The ids of the current signed and last-resort prekeys (undefined before the first batch). */
  async current (): Promise<{ signedId: number, lastResortId: number } | undefined> {
    const state = await this.#state()
    return state == null ? undefined : { signedId: state.signedId, lastResortId: state.lastResortId }
  }

  async loadSignedPrekey (id: number): Promise<SignedPrekeyRecord | undefined> {
    const bytes = await this.#store.getValue(signedKey(id))
    return bytes == null ? undefined : decodeSigned(bytes)
  }

  async loadOneTimePrekey (id: number): Promise<OneTimePrekeyRecord | undefined> {
    const bytes = await this.#store.getValue(oneTimeKey(id))
    return bytes == null ? undefined : decodeOneTime(bytes)
  }

  async loadPqPrekey (id: number): Promise<PqPrekeyRecord | undefined> {
    const bytes = await this.#store.getValue(pqKey(id))
    return bytes == null ? undefined : decodePq(bytes)
  }

  async removeOneTimePrekey (id: number): Promise<void> {
    await this.#store.deleteValue(oneTimeKey(id))
  }

  async removePqPrekey (id: number): Promise<void> {
    // The last-resort key stays: every bundle without a one-time ML-KEM key falls back to it.
    const record = await this.loadPqPrekey(id)
    if (record != null && !record.lastResort) await this.#store.deleteValue(pqKey(id))
  }
}
