/**
 * Per-peer encrypt/decrypt on top of PQXDH and the Double Ratchet. Operations on one peer run one
 * at a time (each reads, advances and writes the same record), and a record is written only after
 * the operation succeeded, so a failed or replayed message never changes what is stored.
 */
import { equalBytes } from '@noble/ciphers/utils.js'
import { CryptoError, CryptoErrorCode } from '../x3dh/errors.ts'
import { acceptSession, initiateSession } from '../x3dh/pqxdh.ts'
import type { InitialMessage, PrekeyBundle } from '../x3dh/pqxdh.ts'
import type { IdentityKeyPair, OneTimePrekeyRecord, PqPrekeyRecord, RandomBytes, SignedPrekeyRecord } from '../x3dh/keys.ts'
import { initReceiver, initSender, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.ts'
import { MAX_PREVIOUS_BASE_KEYS, deserializeSessionRecord, serializeSessionRecord } from './session-record.ts'
import type { SessionRecord } from './session-record.ts'
import { decodeRatchetMessage, encodeRatchetMessage } from './wire.ts'

/** Where session records live; the crypto core never touches storage itself. */
export interface SessionStore {
  loadSession: (peer: string) => Promise<Uint8Array | undefined>
  storeSession: (peer: string, record: Uint8Array) => Promise<void>
}

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
      const record: SessionRecord = {
        state: initSender(sharedSecret, bundle.signedPrekey.publicKey, associatedData, this.random),
        remoteIdentityKey: bundle.identityKey,
        baseKey: initialMessage.ephemeralKey,
        pendingInitialMessage: initialMessage,
        previousBaseKeys: retire(existing)
      }
      await this.components.sessionStore.storeSession(peer, serializeSessionRecord(record))
    })
  }

  async encrypt (peer: string, plaintext: Uint8Array, options: CipherOptions = {}): Promise<Uint8Array> {
    return await this.withPeer(peer, options, async () => {
      const record = await this.load(peer)
      if (record === undefined) throw new CryptoError(CryptoErrorCode.NoSession, `no session with ${peer}`)
      const { state, header, ciphertext } = ratchetEncrypt(record.state, plaintext)
      const bytes = encodeRatchetMessage({
        ...(record.pendingInitialMessage !== undefined ? { initialMessage: record.pendingInitialMessage } : {}),
        header,
        ciphertext
      })
      await this.components.sessionStore.storeSession(peer, serializeSessionRecord({ ...record, state }))
      return bytes
    })
  }

  async decrypt (peer: string, message: Uint8Array, options: CipherOptions = {}): Promise<Uint8Array> {
    const { initialMessage, header, ciphertext } = decodeRatchetMessage(message)
    return await this.withPeer(peer, options, async () => {
      const existing = await this.load(peer)
      let record = existing
      let consumed: { oneTime?: number, pq?: number } = {}
      if (initialMessage !== undefined && (existing === undefined || !equalBytes(existing.baseKey, initialMessage.ephemeralKey))) {
        if (existing?.previousBaseKeys.some((k) => equalBytes(k, initialMessage.ephemeralKey)) === true) {
          throw new CryptoError(CryptoErrorCode.DuplicateMessage, 'prekey message of an earlier session')
        }
        ({ record, consumed } = await this.accept(peer, initialMessage, existing))
      }
      if (record === undefined) throw new CryptoError(CryptoErrorCode.NoSession, `no session with ${peer}`)

      const { state, plaintext } = ratchetDecrypt(record.state, header, ciphertext, this.random)
      // Anything decrypted from the peer proves it holds the session: stop resending the PQXDH message.
      const { pendingInitialMessage: _, ...rest } = record
      await this.components.sessionStore.storeSession(peer, serializeSessionRecord({ ...rest, state }))
      // Only now is the initial message authenticated; deleting earlier would let a forgery burn prekeys.
      const prekeys = this.components.prekeyStore
      if (consumed.oneTime !== undefined) await prekeys?.removeOneTimePrekey(consumed.oneTime)
      if (consumed.pq !== undefined) await prekeys?.removePqPrekey(consumed.pq)
      return plaintext
    })
  }

  private async accept (
    peer: string,
    message: InitialMessage,
    existing: SessionRecord | undefined
  ): Promise<{ record: SessionRecord, consumed: { oneTime?: number, pq?: number } }> {
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
      record: {
        state: initReceiver(accepted.sharedSecret, accepted.signedPrekey.keyPair, accepted.associatedData),
        remoteIdentityKey: accepted.remoteIdentityKey,
        baseKey: message.ephemeralKey,
        previousBaseKeys: retire(existing)
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

  private async load (peer: string): Promise<SessionRecord | undefined> {
    const bytes = await this.components.sessionStore.loadSession(peer)
    return bytes === undefined ? undefined : deserializeSessionRecord(bytes)
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

/** The replaced session's base key joins the list of those whose prekey messages are now replays. */
function retire (existing: SessionRecord | undefined): Uint8Array[] {
  if (existing === undefined) return []
  return [existing.baseKey, ...existing.previousBaseKeys].slice(0, MAX_PREVIOUS_BASE_KEYS)
}
