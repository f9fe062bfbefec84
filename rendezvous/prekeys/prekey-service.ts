// The prekey directory as a plain domain service: checks every published key against the owner's
// PeerId, bounds what one device may store, and rations one-time prekeys per target across all
// requesters (and per requester within that): PeerIds are free, so requesters fetching in a loop
// could otherwise drain a device's one-time prekeys and force every later session onto the
// last-resort path (prekey exhaustion). Past the ration a fetch gets a last-resort bundle.
import { encodePrekeyBundle } from '../../protocol/crypto/x3dh/wire.ts'
import { encodeKem, encodeX25519, verifyPrekey } from '../../protocol/crypto/x3dh/keys.ts'
import { ML_KEM_768_PUBLIC_KEY_LENGTH, X25519_KEY_LENGTH } from '../../protocol/crypto/x3dh/constants.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { ed25519PublicKeyOf, parsePeerId } from '../../protocol/identity.ts'
import { RateLimiter } from '../limits/rate-limiter.ts'
import { RequestLimiter } from '../limits/request-limiter.ts'
import type { PrekeyCounts, PrekeyStore, PrekeyUpload, SignedKey } from './prekey-store.ts'
import type { PeerId } from '@libp2p/interface'

export interface PrekeyLimits {
  maxOneTime: number
  maxPqOneTime: number
  /** Per publish request; also bounds decoding (see prekey-protocol.ts). */
  maxOneTimePerPublish: number
  maxPqOneTimePerPublish: number
  /** One-time prekeys one requester may take from one target per window; after that, last resort only. */
  oneTimePerRequesterTarget: number
  /**
   * One-time prekeys handed out per target per hour, whoever asks (a bucket of this size, refilled
   * at this rate). Below the clients' top-up batch, so a device checking hourly is never emptied.
   */
  oneTimePerTargetPerHour: number
  /** Fetches of any kind one requester may make per window, before RATE_LIMITED. */
  fetchesPerRequester: number
  /** Fetches all requesters of one network (IPv4 /24, IPv6 /48) may make per window together. */
  fetchesPerNetwork: number
  windowMs: number
}

export const DEFAULT_PREKEY_LIMITS: PrekeyLimits = {
  maxOneTime: 500,
  maxPqOneTime: 50,
  maxOneTimePerPublish: 200,
  // ML-KEM-768 keys are 1184 bytes: 20 of them keep a publish well under MAX_REQUEST_BYTES.
  maxPqOneTimePerPublish: 20,
  // A device starts a session with another device rarely; 5 an hour covers reinstalls and retries.
  oneTimePerRequesterTarget: 5,
  // PREKEY_BATCH is 25 and clients top up below 10: an hour's ration never empties a device.
  oneTimePerTargetPerHour: 10,
  fetchesPerRequester: 120,
  fetchesPerNetwork: 600,
  windowMs: 3_600_000
}

/** Rate-limit keys remembered at most; the oldest are forgotten first. */
const MAX_TRACKED = 50_000

export interface PrekeyServiceInit {
  store: PrekeyStore
  limits?: Partial<PrekeyLimits>
  now?: () => number
  /** Called with the limit's name when a fetch is refused (for /metrics). */
  onLimit?: (limit: string) => void
}

export interface PublishInput extends Omit<PrekeyUpload, 'replaceOneTime'> {
  replaceOneTime?: boolean
}

export class PrekeyService {
  readonly limits: PrekeyLimits
  readonly #store: PrekeyStore
  readonly #now: () => number
  readonly #fetches: RequestLimiter
  /** Keyed `requester>target`: a bucket of `oneTimePerRequesterTarget` refilled over `windowMs`. */
  readonly #oneTime: RateLimiter
  /** Keyed by target, whoever asks: PeerIds are free, so a per-requester ration alone would not stop a drain. */
  readonly #perTarget: RateLimiter
  readonly #onLimit?: (limit: string) => void

  constructor (init: PrekeyServiceInit) {
    this.#store = init.store
    this.limits = { ...DEFAULT_PREKEY_LIMITS, ...init.limits }
    this.#now = init.now ?? Date.now
    const perWindow = (n: number): { perMinute: number, burst: number } => ({ perMinute: n * 60_000 / this.limits.windowMs, burst: n })
    const options = { now: this.#now, maxKeys: MAX_TRACKED, onLimit: init.onLimit }
    this.#fetches = new RequestLimiter('prekey_fetches', { peer: perWindow(this.limits.fetchesPerRequester), network: perWindow(this.limits.fetchesPerNetwork) }, options)
    this.#oneTime = new RateLimiter(perWindow(this.limits.oneTimePerRequesterTarget), options)
    this.#onLimit = init.onLimit
    const perHour = this.limits.oneTimePerTargetPerHour
    this.#perTarget = new RateLimiter({ perMinute: perHour / 60, burst: perHour }, { now: this.#now, maxKeys: MAX_TRACKED })
  }

  /** Stores `owner`'s own prekeys; refuses the whole upload if any signature fails. */
  async publish (owner: PeerId, upload: PublishInput): Promise<PrekeyCounts> {
    const identityKey = ed25519PublicKeyOf(owner)
    if (upload.oneTime.length > this.limits.maxOneTimePerPublish) throw new ProtocolError(ErrorCode.TOO_LARGE, `at most ${this.limits.maxOneTimePerPublish} one-time prekeys per publish`)
    if (upload.pqOneTime.length > this.limits.maxPqOneTimePerPublish) throw new ProtocolError(ErrorCode.TOO_LARGE, `at most ${this.limits.maxPqOneTimePerPublish} one-time ML-KEM prekeys per publish`)
    if (upload.signedPrekey != null) checkSigned(identityKey, upload.signedPrekey, 'signed prekey', X25519_KEY_LENGTH, encodeX25519)
    if (upload.pqLastResort != null) checkSigned(identityKey, upload.pqLastResort, 'last-resort ML-KEM prekey', ML_KEM_768_PUBLIC_KEY_LENGTH, encodeKem)
    for (const k of upload.pqOneTime) checkSigned(identityKey, k, 'one-time ML-KEM prekey', ML_KEM_768_PUBLIC_KEY_LENGTH, encodeKem)
    for (const k of upload.oneTime) {
      checkId(k.id)
      if (k.publicKey.length !== X25519_KEY_LENGTH) throw new ProtocolError(ErrorCode.INVALID, `one-time prekey ${k.id}: must be ${X25519_KEY_LENGTH} bytes`)
    }
    return await this.#store.publish(owner.toString(), { ...upload, replaceOneTime: upload.replaceOneTime ?? false }, this.limits, this.#now())
  }

  /**
   * A bundle for `target` (encoded with encodePrekeyBundle); NOT_FOUND when it published none.
   * `network`: the requester's network (rendezvous/limits/requester.ts), limited as a whole.
   */
  async fetch (requester: PeerId, target: string, network?: string): Promise<Uint8Array> {
    let targetPeer: PeerId
    try {
      targetPeer = parsePeerId(target)
    } catch {
      throw new ProtocolError(ErrorCode.MALFORMED, 'peer_id is not an Ed25519 peer id')
    }
    const now = this.#now()
    if (this.#fetches.take({ peer: requester.toString(), network }) != null) {
      throw new ProtocolError(ErrorCode.RATE_LIMITED, 'too many prekey fetches; try again later')
    }
    // Past either ration a requester still gets a working bundle, just not another one-time key.
    const rationKey = `${requester.toString()}>${target}`
    let oneTime = this.#oneTime.has(rationKey, now)
    if (oneTime && !this.#perTarget.take(targetPeer.toString(), now)) {
      oneTime = false
      this.#onLimit?.('prekeys_one_time_per_target')
    }
    const taken = await this.#store.take(targetPeer.toString(), { oneTime })
    if (taken == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `${target} has published no prekey bundle here`)
    if (oneTime && taken.oneTimePrekey != null) this.#oneTime.take(rationKey, now)
    return encodePrekeyBundle({
      identityKey: ed25519PublicKeyOf(targetPeer),
      signedPrekey: taken.signedPrekey,
      ...(taken.oneTimePrekey != null ? { oneTimePrekey: taken.oneTimePrekey } : {}),
      pqPrekey: taken.pqPrekey
    })
  }

  async status (owner: PeerId): Promise<PrekeyCounts> {
    return await this.#store.counts(owner.toString())
  }

  /** Account deletion and unlinking: the device's published keys go with it. */
  async deleteDevice (peer: string): Promise<void> {
    await this.#store.deleteOwner(peer)
  }
}

function checkId (id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new ProtocolError(ErrorCode.INVALID, `prekey id ${id} is not a u32`)
}

function checkSigned (identityKey: Uint8Array, key: SignedKey, what: string, length: number, encode: (k: Uint8Array) => Uint8Array): void {
  checkId(key.id)
  if (key.publicKey.length !== length) throw new ProtocolError(ErrorCode.INVALID, `${what} ${key.id}: must be ${length} bytes`)
  if (!verifyPrekey(identityKey, encode(key.publicKey), key.signature)) {
    throw new ProtocolError(ErrorCode.BAD_SIGNATURE, `${what} ${key.id}: signature does not verify against the publishing peer's key`)
  }
}
