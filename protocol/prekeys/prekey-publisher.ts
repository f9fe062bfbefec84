// Keeps this device's prekeys published and fresh on every home rendezvous: a full set on first
// start (or when a home lost them or is new), a new batch of one-time keys whenever the node reports them low, and the
// signed and last-resort ML-KEM prekeys replaced on a schedule, the old private halves deleted once
// their grace period ends. All times come from the injected clock.
import { PQ_PREKEY_BATCH, PQ_PREKEY_LOW_WATER, PREKEY_BATCH, PREKEY_LOW_WATER, PREKEY_ROTATION_MS, PREKEY_STATUS_INTERVAL_MS, RETIRED_PREKEY_GRACE_MS } from './constants.ts'
import type { LocalPrekeys } from './local-prekeys.ts'
import type { PrekeyClient, PrekeyStatus } from './prekey-client.ts'
import type { PrekeyBundle } from '../crypto/x3dh/pqxdh.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'

export interface PrekeyScheduleOptions {
  now?: () => number
  rotateEveryMs?: number
  graceMs?: number
  statusEveryMs?: number
}

export class PrekeyPublisher {
  readonly #local: LocalPrekeys
  /** One client per home rendezvous, the first home first. */
  readonly #clients: PrekeyClient[]
  readonly #now: () => number
  readonly #rotateEveryMs: number
  readonly #graceMs: number
  readonly #statusEveryMs: number
  #checkedAt?: number
  #running?: Promise<PrekeyStatus>

  /**
   * `client`: the home rendezvous, or every home (first home first). Each home gets the same signed
   * and last-resort keys and one-time keys of its own: a one-time key handed out by two nodes could
   * start only one session, since its private half is deleted at the first use.
   */
  constructor (local: LocalPrekeys, client: PrekeyClient | PrekeyClient[], options: PrekeyScheduleOptions = {}) {
    this.#local = local
    this.#clients = Array.isArray(client) ? client : [client]
    if (this.#clients.length === 0) throw new RangeError('prekeys need at least one home')
    this.#now = options.now ?? Date.now
    this.#rotateEveryMs = options.rotateEveryMs ?? PREKEY_ROTATION_MS
    this.#graceMs = options.graceMs ?? RETIRED_PREKEY_GRACE_MS
    this.#statusEveryMs = options.statusEveryMs ?? PREKEY_STATUS_INTERVAL_MS
  }

  /**
   * Publishes whatever is missing on every home; concurrent calls share one run. Resolves with the
   * counts of the first home that answered; throws only when no home did.
   */
  async ensure (options: AbortOptions = {}): Promise<PrekeyStatus> {
    this.#running ??= this.#ensure(options).finally(() => { this.#running = undefined })
    return await this.#running
  }

  /**
   * `ensure`, but only when something may be due: a rotation, a grace period's end, or the hourly
   * count check (one-time keys are taken without this device hearing of it). Cheap otherwise.
   */
  async maintain (options: AbortOptions = {}): Promise<PrekeyStatus | undefined> {
    const now = this.#now()
    const due = this.#checkedAt == null || now - this.#checkedAt >= this.#statusEveryMs || await this.#local.rotationDue(now, this.#rotateEveryMs)
    return due ? await this.ensure(options) : undefined
  }

  async #ensure (options: AbortOptions): Promise<PrekeyStatus> {
    const now = this.#now()
    this.#checkedAt = now
    if (await this.#local.hasKeys()) {
      await this.#local.purgeRetired(now)
      if (await this.#local.rotationDue(now, this.#rotateEveryMs)) await this.#local.rotate(now, this.#graceMs)
    }
    const reusable = await this.#local.hasUnpublished()
    let first: PrekeyStatus | undefined
    let failure: unknown
    // One home at a time: each batch takes key ids from the one local counter.
    for (const client of this.#clients) {
      try {
        const status = await this.#ensureAt(client, reusable, now, options)
        first ??= status
      } catch (err) {
        failure ??= err
      }
    }
    if (first == null) throw failure
    // A rotation is complete once every home has the current signed and last-resort keys; until
    // then each run offers them again (a home that missed them would hand out retired keys).
    if (failure == null) await this.#local.markPublished()
    return first
  }

  async #ensureAt (client: PrekeyClient, reusable: boolean, now: number, options: AbortOptions): Promise<PrekeyStatus> {
    if (!await this.#local.hasKeys()) {
      return await client.publish(await this.#local.createBatch({ oneTime: PREKEY_BATCH, pqOneTime: PQ_PREKEY_BATCH }, { now }), options)
    }
    const status = await client.status(options)
    if (!status.hasBundle) {
      // The node lost our keys (new data directory, the account was deleted) or never had them (a
      // home added later): start over there.
      return await client.publish(await this.#local.createBatch({ oneTime: PREKEY_BATCH, pqOneTime: PQ_PREKEY_BATCH }, { includeReusable: true, replaceOneTime: true }), options)
    }
    const oneTime = status.oneTimeRemaining < PREKEY_LOW_WATER ? PREKEY_BATCH - status.oneTimeRemaining : 0
    const pqOneTime = status.pqOneTimeRemaining < PQ_PREKEY_LOW_WATER ? PQ_PREKEY_BATCH - status.pqOneTimeRemaining : 0
    if (oneTime === 0 && pqOneTime === 0 && !reusable) return status
    return await client.publish(await this.#local.createBatch({ oneTime, pqOneTime }, { includeReusable: reusable }), options)
  }
}

/**
 * `peer`'s bundle from the first home that has one (the first home first): a home that is down, or
 * that says it holds none, is passed over for the next. Undefined when every home that answered said
 * NOT_FOUND; the first failure when none answered. Bundles are checked by the caller as always, so
 * a home can withhold a bundle but not forge one.
 */
export async function fetchFromHomes (clients: PrekeyClient[], peer: PeerId, options: AbortOptions = {}): Promise<PrekeyBundle | undefined> {
  let answered = false
  let failure: unknown
  for (const client of clients) {
    try {
      const bundle = await client.fetch(peer, options)
      if (bundle != null) return bundle
      answered = true
    } catch (err) {
      // A bundle that does not decode is that home's fault: try the next, report it if none helps.
      failure ??= err
      options.signal?.throwIfAborted()
    }
  }
  if (answered || failure == null) return undefined
  throw failure
}
