/**
 * Per-peer encrypt/decrypt on top of PQXDH and the Double Ratchet. Operations on one peer run one
 * at a time (each reads, advances and writes the same record), and a record is written only after
 * the operation succeeded, so a failed or replayed message never changes what is stored. Recent
 * peers' records stay parsed in memory, behind the store: written through before they are used.
 *
 * A record keeps earlier sessions besides the current one (libsignal's scheme): when both devices
 * start a session at once, each accepts the other's and archives its own, and messages on either
 * still decrypt. A message that decrypts on an earlier session makes it current again, so the two
 * devices converge on whichever session a message last crossed on.
 */
import { equalBytes } from '@noble/ciphers/utils.js'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import { acceptSession, initiateSession } from '../x3dh/pqxdh.ts'
import type { InitialMessage, PrekeyBundle } from '../x3dh/pqxdh.ts'
import type { IdentityKeyPair, OneTimePrekeyRecord, PqPrekeyRecord, RandomBytes, SignedPrekeyRecord } from '../x3dh/keys.ts'
import { initReceiver, initSender, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.ts'
import type { RatchetHeader } from './state.ts'
import { deserializeSessionRecord, promoteSession, serializeSessionRecord, sessionsOf } from './session-record.ts'
import type { SessionRecord, SessionState } from './session-record.ts'
import { decodeRatchetMessage, encodeRatchetMessage } from './wire.ts'
import type { RatchetMessage } from './wire.ts'

/** Where session records live; the crypto core never touches storage itself. */
export interface SessionStore {
  loadSession: (peer: string) => Promise<Uint8Array | undefined>
  storeSession: (peer: string, record: Uint8Array) => Promise<void>
  /** Needed only for `SessionCipher.deleteSession`. */
  deleteSession?: (peer: string) => Promise<void>
}

/**
 * Parsed records of this many peers are kept in memory: a chat's messages then skip a store read
 * and a parse each. Every change is still written to the store before it is used.
 */
export const CACHED_SESSIONS = 256

/** The responder's private prekeys, looked up by the ids an initial message names. */
export interface PrekeyStore {
  loadSignedPrekey: (id: number) => Promise<SignedPrekeyRecord | undefined>
  loadOneTimePrekey: (id: number) => Promise<OneTimePrekeyRecord | undefined>
  loadPqPrekey: (id: number) => Promise<PqPrekeyRecord | undefined>
  removeOneTimePrekey: (id: number) => Promise<void>
  removePqPrekey: (id: number) => Promise<void>
}

export interface SessionCipherComponents {
  identity: IdentityKeyPair
  sessionStore: SessionStore
  /** Needed only to accept sessions other devices start. */
  prekeyStore?: PrekeyStore
  /**
   * Decides whether `identityKey` may speak for `peer` (for libp2p: the key inside the PeerId).
   * Without it: trust on first use, and refuse a key that differs from the current session's.
   */
  isTrustedIdentity?: (peer: string, identityKey: Uint8Array) => Promise<boolean>
  randomBytes?: RandomBytes
}

export interface CipherOptions {
  signal?: AbortSignal
}

/** A message decrypted in memory whose effect on the session is not stored yet. */
export interface DecryptedMessage {
  plaintext: Uint8Array
  /**
   * Stores the advanced session and deletes the prekeys the message used up. Call it once the
   * plaintext is kept: until then a redelivered copy decrypts again instead of being a duplicate
   * whose message was never kept. Calling it again, or after the message was committed some other
   * way, does nothing.
   */
  commit: (options?: CipherOptions) => Promise<void>
}

/** Prekey ids a message used up; deleted only once its session is stored. */
interface Consumed {
  oneTime?: number
  pq?: number
}

/** The outcome of decrypting one message against a record, before anything is stored. */
interface Opened {
  record: SessionRecord
  plaintext: Uint8Array
  consumed: Consumed
}

/** A promise chain per key: each task starts when the previous one for that key has settled. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    const tail = result.then(() => {}, () => {})
    this.tails.set(key, tail)
    // Forget idle peers so the map does not grow with every peer ever seen.
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key) })
    return result
  }
}

export class SessionCipher {
  private readonly lock = new KeyedLock()
  private readonly random: { randomBytes?: RandomBytes }
  /**
   * The stored record of recent peers, parsed (`null`: none stored), least recently used first.
   * Only read and replaced under the peer's lock, and replaced only once the store has the new
   * record: it never holds a state the store does not. Records are immutable (the ratchet builds
   * new states), so a decryption in progress cannot change a cached one.
   */
  private readonly records = new Map<string, SessionRecord | null>()

  constructor (private readonly components: SessionCipherComponents) {
    this.random = components.randomBytes !== undefined ? { randomBytes: components.randomBytes } : {}
  }

  async hasSession (peer: string, options: CipherOptions = {}): Promise<boolean> {
    return await this.withPeer(peer, options, async () => (await this.load(peer)) !== undefined)
  }

  /** The identity key the current session with `peer` was agreed with (for safety numbers). */
  async remoteIdentityKey (peer: string, options: CipherOptions = {}): Promise<Uint8Array | undefined> {
    return await this.withPeer(peer, options, async () => (await this.load(peer))?.remoteIdentityKey)
  }

  /** Starts (or restarts) a session from `peer`'s bundle; the next `encrypt` carries the PQXDH message. */
  async initSession (peer: string, bundle: PrekeyBundle, options: CipherOptions = {}): Promise<void> {
    await this.withPeer(peer, options, async () => {
      const existing = await this.load(peer)
      await this.checkTrust(peer, bundle.identityKey, existing)
      const { sharedSecret, associatedData, initialMessage } = initiateSession(this.components.identity, bundle, this.random)
      // The current session is archived, not dropped: the peer may have messages on it in flight.
      const record = promoteSession(existing, {
        state: await initSender(sharedSecret, bundle.signedPrekey.publicKey, associatedData, this.random),
        remoteIdentityKey: bundle.identityKey,
        baseKey: initialMessage.ephemeralKey
      }, { pendingInitialMessage: initialMessage })
      await this.persist(peer, record)
    })
  }

  /** Forgets the session with `peer` (its record is deleted from the store). */
  async deleteSession (peer: string, options: CipherOptions = {}): Promise<void> {
    const store = this.components.sessionStore
    if (store.deleteSession === undefined) throw new Error('this session store cannot delete')
    await this.withPeer(peer, options, async () => {
      this.records.delete(peer)
      await store.deleteSession?.(peer)
      this.remember(peer, null)
    })
  }

  async encrypt (peer: string, plaintext: Uint8Array, options: CipherOptions = {}): Promise<Uint8Array> {
    return await this.withPeer(peer, options, async () => {
      const record = await this.load(peer)
      if (record === undefined) throw new CryptoError(CryptoErrorCode.NoSession, `no session with ${peer}`)
      const { state, header, ciphertext } = await ratchetEncrypt(record.state, plaintext)
      const bytes = encodeRatchetMessage({
        ...(record.pendingInitialMessage !== undefined ? { initialMessage: record.pendingInitialMessage } : {}),
        header,
        ciphertext
      })
      // Stored before the message can leave: after a crash, the next message must not reuse this key.
      await this.persist(peer, { ...record, state })
      return bytes
    })
  }

  /** Decrypts and stores the advanced session in one step. */
  async decrypt (peer: string, message: Uint8Array, options: CipherOptions = {}): Promise<Uint8Array> {
    const parsed = decodeRatchetMessage(message)
    return await this.withPeer(peer, options, async () => {
      const opened = await this.open(peer, parsed, await this.load(peer))
      await this.save(peer, opened)
      return opened.plaintext
    })
  }

  /**
   * Decrypts without storing anything; `commit()` stores the result. Lets the caller keep the
   * message first, so a crash in between costs a redelivery rather than the message. Other
   * operations on `peer` may run before the commit: it then applies the message to the record as
   * it has become.
   */
  async decryptDeferred (peer: string, message: Uint8Array, options: CipherOptions = {}): Promise<DecryptedMessage> {
    const parsed = decodeRatchetMessage(message)
    return await this.withPeer(peer, options, async () => {
      const before = await this.load(peer)
      const opened = await this.open(peer, parsed, before)
      const commit = async (commitOptions: CipherOptions = {}): Promise<void> => {
        await this.withPeer(peer, commitOptions, async () => {
          // The same object unless something was stored since (or the record was read again).
          const now = await this.load(peer)
          let result = opened
          if (now !== before) {
            try {
              result = await this.open(peer, parsed, now)
            } catch (err) {
              // Committed already (this call repeated, or another copy of the message came first).
              if (CryptoError.is(err, CryptoErrorCode.DuplicateMessage)) return
              throw err
            }
          }
          await this.save(peer, result)
        })
      }
      return { plaintext: opened.plaintext, commit }
    })
  }

  /** Decrypts `message` against `existing` in memory; reads prekeys but writes nothing. */
  private async open (peer: string, message: RatchetMessage, existing: SessionRecord | undefined): Promise<Opened> {
    const { initialMessage, header, ciphertext } = message
    if (initialMessage === undefined) {
      if (existing === undefined) throw new CryptoError(CryptoErrorCode.NoSession, `no session with ${peer}`)
      return { ...await decryptWith(existing, sessionsOf(existing).keys(), header, ciphertext, this.random), consumed: {} }
    }
    // A prekey message names its session by base key: only that session may decrypt it. Trying the
    // others too would let a forged initial message wrapped around a genuine message still decrypt.
    const index = existing === undefined ? -1 : sessionsOf(existing).findIndex((s) => equalBytes(s.baseKey, initialMessage.ephemeralKey))
    if (existing !== undefined && index !== -1) return { ...await decryptWith(existing, [index], header, ciphertext, this.random), consumed: {} }
    if (existing?.previousBaseKeys.some((k) => equalBytes(k, initialMessage.ephemeralKey)) === true) {
      throw new CryptoError(CryptoErrorCode.DuplicateMessage, 'prekey message of a discarded session')
    }
    const { session, consumed } = await this.accept(peer, initialMessage, existing)
    const record = promoteSession(existing, session)
    return { ...await decryptWith(record, [0], header, ciphertext, this.random), consumed }
  }

  private async save (peer: string, opened: Opened): Promise<void> {
    await this.persist(peer, opened.record)
    // Only now is the initial message authenticated; deleting earlier would let a forgery burn prekeys.
    const prekeys = this.components.prekeyStore
    if (opened.consumed.oneTime !== undefined) await prekeys?.removeOneTimePrekey(opened.consumed.oneTime)
    if (opened.consumed.pq !== undefined) await prekeys?.removePqPrekey(opened.consumed.pq)
  }

  private async accept (
    peer: string,
    message: InitialMessage,
    existing: SessionRecord | undefined
  ): Promise<{ session: SessionState, consumed: Consumed }> {
    const prekeys = this.components.prekeyStore
    if (prekeys === undefined) throw new CryptoError(CryptoErrorCode.NoSession, 'prekey message, but no prekey store to accept it')
    await this.checkTrust(peer, message.identityKey, existing)
    const [signed, pq, oneTime] = await Promise.all([
      prekeys.loadSignedPrekey(message.signedPrekeyId),
      prekeys.loadPqPrekey(message.pqPrekeyId),
      message.oneTimePrekeyId !== undefined ? prekeys.loadOneTimePrekey(message.oneTimePrekeyId) : undefined
    ])
    const accepted = acceptSession({
      identity: this.components.identity,
      signedPrekeys: signed !== undefined ? [signed] : [],
      oneTimePrekeys: oneTime !== undefined ? [oneTime] : [],
      pqPrekeys: pq !== undefined ? [pq] : []
    }, message)
    return {
      session: {
        state: initReceiver(accepted.sharedSecret, accepted.signedPrekey.keyPair, accepted.associatedData),
        remoteIdentityKey: accepted.remoteIdentityKey,
        baseKey: message.ephemeralKey
      },
      consumed: {
        ...(accepted.consumedOneTimePrekeyId !== undefined ? { oneTime: accepted.consumedOneTimePrekeyId } : {}),
        ...(accepted.consumedPqPrekeyId !== undefined ? { pq: accepted.consumedPqPrekeyId } : {})
      }
    }
  }

  private async checkTrust (peer: string, identityKey: Uint8Array, existing: SessionRecord | undefined): Promise<void> {
    const hook = this.components.isTrustedIdentity
    const trusted = hook !== undefined
      ? await hook(peer, identityKey)
      : existing === undefined || equalBytes(existing.remoteIdentityKey, identityKey)
    if (!trusted) throw new CryptoError(CryptoErrorCode.UntrustedIdentity, `identity key of ${peer} is not trusted`)
  }

  /** The stored record of `peer`; call under its lock. */
  private async load (peer: string): Promise<SessionRecord | undefined> {
    const cached = this.records.get(peer)
    if (cached !== undefined) {
      this.remember(peer, cached)
      return cached ?? undefined
    }
    const record = parseRecord(await this.components.sessionStore.loadSession(peer))
    this.remember(peer, record ?? null)
    return record
  }

  /** Stores `record` for `peer`, then makes it the one in memory; call under its lock. */
  private async persist (peer: string, record: SessionRecord): Promise<void> {
    try {
      await this.components.sessionStore.storeSession(peer, serializeSessionRecord(record))
    } catch (err) {
      // The store may or may not have it now: the next operation reads what it holds.
      this.records.delete(peer)
      throw err
    }
    this.remember(peer, record)
  }

  private remember (peer: string, record: SessionRecord | null): void {
    this.records.delete(peer)
    this.records.set(peer, record)
    if (this.records.size > CACHED_SESSIONS) this.records.delete(this.records.keys().next().value as string)
  }

  private async withPeer<T>(peer: string, options: CipherOptions, task: () => Promise<T>): Promise<T> {
    options.signal?.throwIfAborted()
    return await this.lock.run(peer, async () => {
      // Waiting in the queue may outlast the caller's patience: re-check before touching state.
      options.signal?.throwIfAborted()
      return await task()
    })
  }
}

function parseRecord (bytes: Uint8Array | undefined): SessionRecord | undefined {
  return bytes === undefined ? undefined : deserializeSessionRecord(bytes)
}

/**
 * Tries the sessions at `indices` (0 = current, then `previousSessions`) in order. A duplicate ends
 * the search: ratchet keys are random per session, so the message belongs to that one and no
 * other. The session that decrypts becomes current; if it was an earlier one, the peer is using it,
 * and following it is how two devices whose first messages crossed end up on one session.
 */
async function decryptWith (
  record: SessionRecord,
  indices: Iterable<number>,
  header: RatchetHeader,
  ciphertext: Uint8Array,
  random: { randomBytes?: RandomBytes }
): Promise<{ record: SessionRecord, plaintext: Uint8Array }> {
  const sessions = sessionsOf(record)
  let firstError: unknown
  for (const i of indices) {
    let result
    try {
      result = await ratchetDecrypt(sessions[i].state, header, ciphertext, random)
    } catch (err) {
      if (!CryptoError.is(err) || err.code === CryptoErrorCode.DuplicateMessage) throw err
      firstError ??= err
      continue
    }
    // Anything decrypted from the peer proves it holds the session: stop resending the PQXDH message.
    const { pendingInitialMessage: _, ...rest } = record
    if (i === 0) return { record: { ...rest, state: result.state }, plaintext: result.plaintext }
    return { record: promoteSession(rest, { ...sessions[i], state: result.state }, { from: i - 1 }), plaintext: result.plaintext }
  }
  throw firstError ?? new CryptoError(CryptoErrorCode.NoSession, 'no session to decrypt with')
}
