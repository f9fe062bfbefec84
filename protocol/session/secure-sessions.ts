// 1:1 end-to-end sessions for ChatClient: PQXDH + Double Ratchet per device pair, set up from the
// recipient's prekey bundle on first send; the sealed box only for a first contact whose node
// answered that it has no bundle. A forged or unusable bundle is an error and a failed fetch is
// unreachability, never a quiet downgrade; a sealed envelope from a peer we have a session with is
// refused and reported. Every encrypt and decrypt for one peer goes through one SessionCipher, whose
// per-peer lock serialises live DMs and the mailbox drain alike.
import { equalBytes } from '@noble/ciphers/utils.js'
import { createEnvelope, createRatchetEnvelope, openEnvelope } from '../crypto/envelope.ts'
import { CryptoError, CryptoErrorCode } from '../crypto/x3dh/errors.ts'
import { identityFromSeed } from '../crypto/x3dh/keys.ts'
import { safetyNumber } from '../crypto/x3dh/safety-number.ts'
import { SessionCipher } from '../crypto/ratchet/session-cipher.ts'
import { decodeRatchetMessage, isPrekeyMessage } from '../crypto/ratchet/wire.ts'
import { DEFAULT_TIMEOUT_MS } from '../constants.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { CONTROL_MESSAGE } from '../groups/constants.ts'
import { ed25519PublicKeyOf, parsePeerId } from '../identity.ts'
import { LocalPrekeys } from '../prekeys/local-prekeys.ts'
import { PrekeyPublisher, fetchFromHomes } from '../prekeys/prekey-publisher.ts'
import { InvalidPrekeyBundleError } from '../prekeys/errors.ts'
import { Envelope, Payload } from '../wire/generated/messages.ts'
import { ContactTrust } from './contact-trust.ts'
import { ChatStoreSessions, decodeHeld, encodeHeld } from './session-records.ts'
import type { HeldMessage } from './session-records.ts'
import type { CreateEnvelopeOptions, EnvelopeHeader } from '../crypto/envelope.ts'
import type { PrekeyBundle } from '../crypto/x3dh/pqxdh.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { PrekeyClient, PrekeyStatus } from '../prekeys/prekey-client.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'

export { SESSION_PREFIX } from './session-records.ts'
export type { HeldMessage }

const HELD_PREFIX = 'held/'
/** Peers we have had a ratchet session with: never again a first contact, so never sealed to. */
const SESSION_SEEN_PREFIX = 'session-seen/'
/**
 * Per peer, the sender's `sentAt` of the first ratchet envelope received from it. Its client seals
 * only before it has a session, so a sealed envelope it signed later is a downgrade; one signed
 * earlier is a first contact that arrived late (the mailbox copy after a live ratchet message).
 */
const RATCHET_SINCE_PREFIX = 'ratchet-since/'

/**
 * Payload types sent as sealed envelopes by design even to peers with a session: a group message's
 * mailbox copy (its content is end-to-end encrypted and deduplicated by the group layer).
 */
const SEALED_BY_DESIGN = new Set([CONTROL_MESSAGE])
/** Refused envelope ids remembered, so a live refusal and the mailbox copy count once. */
const REFUSED_IDS = 1000

/** A sealed envelope refused because its sender has a ratchet session with us (downgrade or replay). */
export interface SealedRefusal {
  id: string
  from: string
  reason: 'sealed-with-session'
}

/** A contact's device set changed; `peers` are the devices waiting for `trustIdentity(contact)`. */
export interface IdentityChange {
  contact: string
  peers: string[]
}

export interface SecureSessionsInit {
  identity: DeviceIdentity
  store: ChatStore
  /** Without a rendezvous there are no bundles: everything is sealed. */
  prekeys?: PrekeyClient
  /**
   * The further homes' prekey services: this device's prekeys are published on every home, and a
   * contact's bundle is fetched from the next home when the first is down or has none.
   */
  morePrekeys?: PrekeyClient[]
  log: Logger
  onIdentityChanged: (change: IdentityChange) => void
  /** Publish this device's prekeys (default true); without, senders fall back to the sealed box. */
  publish?: boolean
  /** Told about each sealed envelope refused from a peer we have a session with. */
  onRefused?: (refusal: SealedRefusal) => void
  /** The clock for prekey rotation and reset pacing (default Date.now). */
  now?: () => number
  /**
   * Sends `peer` a SESSION_RESET control (through `seal`, so it starts a new session): called when
   * its ratchet messages no longer decrypt here, e.g. after this device lost or restored its store.
   */
  sendReset?: (peer: PeerId) => Promise<unknown>
  /** Bound on a shared session setup (prekey fetch and key agreement); default DEFAULT_TIMEOUT_MS. */
  setupTimeoutMs?: number
}

/** Waits for `task` until `signal` ends; the task itself runs on. Throws the signal's reason. */
async function untilAborted<T> (task: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return await task
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([task, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}

/** Control type that only exists to carry a new session's prekey message to a peer out of step. */
export const SESSION_RESET = 'session/reset'
/** At most one reset per peer in this time, so two devices out of step cannot ping-pong. */
const RESET_INTERVAL_MS = 60_000
const BROKEN_SESSION = new Set<string>([CryptoErrorCode.NoSession, CryptoErrorCode.DecryptFailed, CryptoErrorCode.UnknownPrekey, CryptoErrorCode.InvalidState])

export class SecureSessions {
  readonly cipher: SessionCipher
  readonly trust: ContactTrust
  readonly #init: SecureSessionsInit
  readonly #publisher?: PrekeyPublisher
  readonly #local: LocalPrekeys
  readonly #background = new Set<Promise<void>>()
  readonly #sessions: ChatStoreSessions
  readonly #resets = new Map<string, number>()
  /** Session setup per peer in flight: two sends racing must not start two sessions. */
  readonly #setups = new Map<string, Promise<boolean>>()
  readonly #refusedIds = new Set<string>()
  readonly #now: () => number
  #refusedSealed = 0
  /** The prekeys were withdrawn from every home: nothing is published again. */
  #withdrawn = false

  constructor (init: SecureSessionsInit) {
    this.#init = init
    this.#now = init.now ?? Date.now
    const identity = identityFromSeed(init.identity.toSeed())
    const local = new LocalPrekeys(init.store, identity)
    this.#local = local
    this.#sessions = new ChatStoreSessions(init.store)
    this.cipher = new SessionCipher({
      identity,
      sessionStore: this.#sessions,
      prekeyStore: local,
      // A PeerId is its identity key: any other key claiming to be this peer is a forgery.
      isTrustedIdentity: async (peer, key) => equalBytes(key, ed25519PublicKeyOf(parsePeerId(peer)))
    })
    this.trust = new ContactTrust(init.store)
    if (init.prekeys != null && init.publish !== false) this.#publisher = new PrekeyPublisher(local, [init.prekeys, ...init.morePrekeys ?? []], { now: this.#now })
  }

  /** Publishes this device's prekeys if the rendezvous has none or reports them low. */
  async ensurePrekeys (options: AbortOptions = {}): Promise<PrekeyStatus | undefined> {
    if (this.#withdrawn) return undefined
    return await this.#publisher?.ensure(options)
  }

  /**
   * Deletes this device's prekeys on every home (first home = 0), as when the account is deleted:
   * the account's node drops them itself, but the other homes hold no account and only learn it
   * here. Publishing stops for this client. Returns the homes that did not answer.
   */
  async withdrawPrekeys (options: AbortOptions = {}): Promise<{ withdrawn: number, failures: Array<{ home: number, error: Error }> }> {
    this.#withdrawn = true
    // A publish already on its way must not land after the withdrawal.
    await Promise.allSettled([...this.#background])
    const homes = this.#init.prekeys != null ? [this.#init.prekeys, ...this.#init.morePrekeys ?? []] : []
    const results = await Promise.allSettled(homes.map(async home => await home.withdraw(options)))
    const failures = results.flatMap((r, home) => r.status === 'rejected' ? [{ home, error: r.reason instanceof Error ? r.reason : new Error(String(r.reason)) }] : [])
    return { withdrawn: homes.length - failures.length, failures }
  }

  /** `ensurePrekeys` in the background; failures are logged (the sealed box still works). */
  publishPrekeys (): void {
    this.#inBackground(this.ensurePrekeys(), 'could not publish prekeys')
  }

  /** In the background: rotates, tops up or deletes expired prekeys when any of it is due. */
  maintainPrekeys (): void {
    if (this.#publisher != null && !this.#withdrawn) this.#inBackground(this.#publisher.maintain(), 'could not maintain prekeys')
  }

  #inBackground (task: Promise<unknown>, failure: string): void {
    const run = task.then(() => {}, err => { this.#init.log.error(`${failure} - %e`, err) })
    this.#background.add(run)
    void run.finally(() => this.#background.delete(run))
  }

  /**
   * `peer`'s messages no longer decrypt: drop what we hold for it and start a new session with a
   * reset message. What it sent meanwhile is lost, but the conversation heals.
   */
  #requestReset (peer: PeerId): void {
    const key = peer.toString()
    const now = this.#now()
    if (this.#init.sendReset == null || now - (this.#resets.get(key) ?? 0) < RESET_INTERVAL_MS) return
    this.#resets.set(key, now)
    const sendReset = this.#init.sendReset
    this.#inBackground((async () => {
      await this.#markSession(key)
      await this.cipher.deleteSession(key)
      await sendReset(peer)
    })(), `could not reset the session with ${key}`)
  }

  /** Resolves when background prekey work has finished (before the node goes away). */
  async idle (): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background)
  }

  /** How many sealed envelopes were refused from peers with a session (see `SealedRefusal`). */
  get refusedSealed (): number {
    return this.#refusedSealed
  }

  /**
   * An envelope for `to`: a ratchet message when a session exists or can be set up; sealed only for
   * a first contact whose node answered NOT_FOUND. Throws InvalidPrekeyBundleError for a forged or
   * unusable bundle, UnreachableError when the bundle could not be fetched (send again later).
   * `payload` may come encoded already.
   */
  async seal (to: PeerId, payload: Partial<Payload> | Uint8Array, options: CreateEnvelopeOptions & AbortOptions = {}): Promise<Envelope> {
    const peer = to.toString()
    if (!await this.#ensureSession(to, options)) return createEnvelope(this.#init.identity, to, payload, options)
    const ciphertext = await this.cipher.encrypt(peer, payload instanceof Uint8Array ? payload : Payload.encode(payload), options)
    return createRatchetEnvelope(this.#init.identity, to, ciphertext, options)
  }

  async #ensureSession (to: PeerId, options: AbortOptions): Promise<boolean> {
    const peer = to.toString()
    if (await this.cipher.hasSession(peer, options)) return true
    if (this.#init.prekeys == null) return false
    let setup = this.#setups.get(peer)
    if (setup == null) {
      // Shared by every send racing to this peer: it runs on its own timeout, not on the signal of
      // whichever caller came first (that caller giving up must not fail the others).
      setup = this.#setUp(to, { signal: AbortSignal.timeout(this.#init.setupTimeoutMs ?? DEFAULT_TIMEOUT_MS) }).finally(() => this.#setups.delete(peer))
      this.#setups.set(peer, setup)
    }
    return await untilAborted(setup, options.signal)
  }

  async #setUp (to: PeerId, options: AbortOptions): Promise<boolean> {
    const prekeys = this.#init.prekeys
    if (prekeys == null) return false
    const peer = to.toString()
    let bundle: PrekeyBundle | undefined
    try {
      bundle = await fetchFromHomes([prekeys, ...this.#init.morePrekeys ?? []], to, options)
    } catch (err) {
      throw fetchFailure(peer, err)
    }
    if (bundle == null) {
      // Absent, says the node. A peer we had a session with published a bundle once: believing
      // the node would let it strip forward secrecy from the conversation.
      if (await this.#init.store.getValue(SESSION_SEEN_PREFIX + peer) != null) {
        throw new InvalidPrekeyBundleError('withdrawn', peer, 'the node says it has no bundle, but this peer had a session with us')
      }
      return false
    }
    // The rendezvous could hand out keys of its own: they must be signed by the PeerId's key.
    if (!equalBytes(bundle.identityKey, ed25519PublicKeyOf(to))) throw new InvalidPrekeyBundleError('wrong-identity', peer, 'its identity key is not the PeerId\'s key')
    try {
      await this.cipher.initSession(peer, bundle, options)
    } catch (err) {
      if (CryptoError.is(err, CryptoErrorCode.BadSignature)) throw new InvalidPrekeyBundleError('bad-signature', peer, err.message, { cause: err })
      if (CryptoError.is(err, CryptoErrorCode.Malformed) || CryptoError.is(err, CryptoErrorCode.InvalidKey)) throw new InvalidPrekeyBundleError('malformed', peer, err.message, { cause: err })
      throw err
    }
    await this.#markSession(peer)
    return true
  }

  async #markSession (peer: string): Promise<void> {
    if (await this.#init.store.getValue(SESSION_SEEN_PREFIX + peer) == null) await this.#init.store.setValue(SESSION_SEEN_PREFIX + peer, Uint8Array.of(1))
  }

  /**
   * Opens an envelope addressed to us: undefined when it was already received (a ratchet replay)
   * or is held because its sender is a pending device of a contact. Throws ProtocolError MALFORMED
   * when it cannot be opened. The session is advanced as soon as it returns: callers that store
   * the payload use `receive`.
   */
  async open (env: Envelope, header: EnvelopeHeader, path: string): Promise<Payload | undefined> {
    return await this.receive(env, header, path, async payload => payload)
  }

  /**
   * Opens an envelope like `open` and hands the payload to `keep`, which stores (or handles) it.
   * Only once `keep` resolves is the advanced ratchet state saved and a used one-time prekey
   * deleted: after a crash in between, the redelivered copy decrypts again with the old state and
   * the store's dedupe by id keeps it from showing twice. Saving first would make that copy a
   * duplicate of a message that was never kept. When `keep` throws nothing is saved. `opened`: a
   * sealed envelope's payload opened already by `checkEnvelopes`.
   */
  async receive<T> (env: Envelope, header: EnvelopeHeader, path: string, keep: (payload: Payload) => Promise<T>, opened?: Payload): Promise<T | undefined> {
    let payload: Payload
    let commit = async (): Promise<void> => {}
    const from = header.from.toString()
    try {
      if (env.scheme === Envelope.Scheme.RATCHET) {
        const starts = isPrekeyMessage(env.ciphertext)
        const consumes = await this.#consumesOneTimePrekey(env.ciphertext)
        const decrypted = await this.cipher.decryptDeferred(from, env.ciphertext)
        payload = Payload.decode(decrypted.plaintext)
        commit = async () => {
          await decrypted.commit()
          if (starts) await this.#markSession(from)
          await this.#markRatchetSince(from, header.sentAt)
          // This message used up one of our one-time prekeys: ask the node whether to top them up.
          if (consumes) this.publishPrekeys()
        }
      } else {
        // Opened already when a pool checked the page (`checkEnvelopes`: the same checks).
        payload = opened ?? openEnvelope(this.#init.identity, env)
      }
    } catch (err) {
      if (CryptoError.is(err, CryptoErrorCode.DuplicateMessage)) return undefined
      if (env.scheme === Envelope.Scheme.RATCHET && CryptoError.is(err) && BROKEN_SESSION.has(err.code)) this.#requestReset(header.from)
      throw new ProtocolError(ErrorCode.MALFORMED, `payload could not be opened: ${errorMessage(err)}`)
    }
    if (env.scheme !== Envelope.Scheme.RATCHET && !SEALED_BY_DESIGN.has(payload.type) && await this.#sealedAfterRatchet(from, header.sentAt)) {
      // Once the peer's client has a session it never seals: a sender tricked into a downgrade.
      this.#refuse({ id: header.id, from, reason: 'sealed-with-session' })
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'sealed envelope refused: sender and recipient have a ratchet session')
    }
    const trust = await this.trust.device(from)
    if (trust?.state !== 'pending') {
      const kept = await keep(payload)
      await commit()
      return kept
    }
    await this.#init.store.setValue(`${HELD_PREFIX}${header.from.toString()}/${header.id}`, encodeHeld({ header, payload, path }))
    await commit()
    this.#init.onIdentityChanged({ contact: trust.contact, peers: [header.from.toString()] })
    return undefined
  }

  async #markRatchetSince (peer: string, sentAt: number): Promise<void> {
    const since = await this.#ratchetSince(peer)
    if (since == null || sentAt < since) await this.#init.store.setValue(RATCHET_SINCE_PREFIX + peer, new TextEncoder().encode(String(sentAt)))
  }

  async #ratchetSince (peer: string): Promise<number | undefined> {
    const bytes = await this.#init.store.getValue(RATCHET_SINCE_PREFIX + peer)
    return bytes == null ? undefined : Number(new TextDecoder().decode(bytes))
  }

  /** Signed by the peer after it sent us its first ratchet message (both times are its own clock). */
  async #sealedAfterRatchet (peer: string, sentAt: number): Promise<boolean> {
    const since = await this.#ratchetSince(peer)
    return since != null && sentAt > since
  }

  #refuse (refusal: SealedRefusal): void {
    const key = `${refusal.from}/${refusal.id}`
    if (this.#refusedIds.has(key)) return
    this.#refusedIds.add(key)
    if (this.#refusedIds.size > REFUSED_IDS) this.#refusedIds.delete(this.#refusedIds.values().next().value as string)
    this.#refusedSealed++
    this.#init.log.error('refused a sealed envelope %s from %s: we have a ratchet session with it', refusal.id, refusal.from)
    this.#init.onRefused?.(refusal)
  }

  /** Whether a message starts a session on a one-time prekey we still hold (only the first such does). */
  async #consumesOneTimePrekey (ciphertext: Uint8Array): Promise<boolean> {
    if (!isPrekeyMessage(ciphertext)) return false
    const id = decodeRatchetMessage(ciphertext).initialMessage?.oneTimePrekeyId
    return id !== undefined && await this.#local.loadOneTimePrekey(id) !== undefined
  }

  /** Compares a username's devices with the trusted ones; throws UNTRUSTED_IDENTITY on a change. */
  async checkContact (contact: string, devices: string[]): Promise<void> {
    const pending = await this.trust.check(contact, devices)
    if (pending.length === 0) return
    this.#init.onIdentityChanged({ contact, peers: pending })
    throw new ProtocolError(ErrorCode.UNTRUSTED_IDENTITY, `${contact} has ${pending.length} new device(s); compare safety numbers, then trust them`)
  }

  /** Trusts a contact's pending devices; returns what they sent meanwhile, for the client to deliver. */
  async trustContact (contact: string): Promise<HeldMessage[]> {
    const released: HeldMessage[] = []
    for (const peer of await this.trust.trust(contact)) {
      for (const [key, value] of await this.#init.store.listValues(`${HELD_PREFIX}${peer}/`)) {
        released.push(decodeHeld(value))
        await this.#init.store.deleteValue(key)
      }
    }
    return released
  }

  /** The 60-digit number both ends compute from their two identity keys (each PeerId's key). */
  safetyNumber (peer: PeerId): string {
    const ours = this.#init.identity
    return safetyNumber(ours.publicKey, ours.peerId.toString(), ed25519PublicKeyOf(peer), peer.toString())
  }
}

/**
 * A fetch that failed without a usable answer: the message waits and is sent again later
 * (UnreachableError), never sealed instead. A forged bundle and a definite refusal stay as they are.
 */
function fetchFailure (peer: string, err: unknown): Error {
  if (InvalidPrekeyBundleError.is(err)) return err
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return new UnreachableError(`prekey bundle of ${peer} could not be fetched in time`, { cause: err })
  if (ProtocolError.is(err) && err.code !== ErrorCode.INTERNAL && err.code !== ErrorCode.RATE_LIMITED) return err
  return new UnreachableError(`prekey bundle of ${peer} could not be fetched: ${errorMessage(err)}`, { cause: err })
}
