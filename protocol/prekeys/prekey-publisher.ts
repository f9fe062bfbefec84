// Keeps this device's prekeys published and fresh: a full set on first start (or when the
// rendezvous lost them), a new batch of one-time keys whenever the node reports them low, and the
// signed and last-resort ML-KEM prekeys replaced on a schedule, the old private halves deleted once
// their grace period ends. All times come from the injected clock.
import { PQ_PREKEY_BATCH, PQ_PREKEY_LOW_WATER, PREKEY_BATCH, PREKEY_LOW_WATER, PREKEY_ROTATION_MS, PREKEY_STATUS_INTERVAL_MS, RETIRED_PREKEY_GRACE_MS } from './constants.ts'
import type { LocalPrekeys } from './local-prekeys.ts'
import type { PrekeyClient, PrekeyStatus } from './prekey-client.ts'
import type { AbortOptions } from '@libp2p/interface'

export interface PrekeyScheduleOptions {
  now?: () => number
  rotateEveryMs?: number
  graceMs?: number
  statusEveryMs?: number
}

export class PrekeyPublisher {
  readonly #local: LocalPrekeys
  readonly #client: PrekeyClient
  readonly #now: () => number
  readonly #rotateEveryMs: number
  readonly #graceMs: number
  readonly #statusEveryMs: number
  #checkedAt?: number
  #running?: Promise<PrekeyStatus>

  constructor (local: LocalPrekeys, client: PrekeyClient, options: PrekeyScheduleOptions = {}) {
    this.#local = local
    this.#client = client
    this.#now = options.now ?? Date.now
    this.#rotateEveryMs = options.rotateEveryMs ?? PREKEY_ROTATION_MS
    this.#graceMs = options.graceMs ?? RETIRED_PREKEY_GRACE_MS
    this.#statusEveryMs = options.statusEveryMs ?? PREKEY_STATUS_INTERVAL_MS
  }

  /** Publishes whatever is missing; concurrent calls share one run. Resolves with the node's counts. */
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
    if (!await this.#local.hasKeys()) {
      return await this.#client.publish(await this.#local.createBatch({ oneTime: PREKEY_BATCH, pqOneTime: PQ_PREKEY_BATCH }, { now }), options)
    }
    await this.#local.purgeRetired(now)
    if (await this.#local.rotationDue(now, this.#rotateEveryMs)) await this.#local.rotate(now, this.#graceMs)
    const status = await this.#client.status(options)
    if (!status.hasBundle) {
      // The node lost our keys (new data directory, or the account was deleted): start over there.
      return await this.#published(this.#client.publish(await this.#local.createBatch({ oneTime: PREKEY_BATCH, pqOneTime: PQ_PREKEY_BATCH }, { includeReusable: true, replaceOneTime: true }), options))
    }
    const reusable = await this.#local.hasUnpublished()
    const oneTime = status.oneTimeRemaining < PREKEY_LOW_WATER ? PREKEY_BATCH - status.oneTimeRemaining : 0
    const pqOneTime = status.pqOneTimeRemaining < PQ_PREKEY_LOW_WATER ? PQ_PREKEY_BATCH - status.pqOneTimeRemaining : 0
    if (oneTime === 0 && pqOneTime === 0 && !reusable) return status
    return await this.#published(this.#client.publish(await this.#local.createBatch({ oneTime, pqOneTime }, { includeReusable: reusable }), options))
  }

  /** Once the node has the current signed and last-resort keys, a rotation is complete. */
  async #published (publish: Promise<PrekeyStatus>): Promise<PrekeyStatus> {
    const status = await publish
    await this.#local.markPublished()
    return status
  }
}
