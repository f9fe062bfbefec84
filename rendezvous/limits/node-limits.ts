// The request limits of one rendezvous node, built from the `limits` section of its config: one
// RequestLimiter per kind of request, each keyed by PeerId, network and (where known) account.
import { requesterOf } from './requester.ts'
import { RequestLimiter } from './request-limiter.ts'
import type { Requester } from './request-limiter.ts'
import type { RendezvousConfig } from '../config.ts'
import type { Connection } from '@libp2p/interface'

export interface NodeLimits {
  /** Who a connection is, for the limits (loopback counted only with `limitLoopback`). */
  requester(connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): Requester
  /** Every mailbox request. */
  mailbox: RequestLimiter
  /** Every attachment blob request (an upload's chunks travel in its one request). */
  blobs: RequestLimiter
  /** Group relay requests (membership proofs): each may make the node join a topic. */
  groupRelay: RequestLimiter
  /** RESOLVE (`@username` → devices): what username enumeration needs. */
  resolves: RequestLimiter
  /** DISCOVER (contact hashes → usernames): what harvesting phone numbers and emails needs. */
  discoveries: RequestLimiter
  /** SIGN_UP and LINK_DEVICE: each makes an account or a device binding. */
  signUps: RequestLimiter
  /** VERIFY_START and VERIFY_CONFIRM: each start sends a mail or SMS; confirms are code guesses. */
  verifications: RequestLimiter
  /** CHECKOUT: each one is a call to the payment processor. */
  checkout: RequestLimiter
}

export interface NodeLimitsOptions {
  now?: () => number
  onLimit?: (limit: string) => void
}

/** Per-peer limits of the account protocol that were never worth a config key; per minute. */
const SIGN_UPS_PER_PEER = 5
const CHECKOUTS_PER_PEER = 5
const CHECKOUTS_PER_NETWORK = 20
/** Codes are also limited per account and per identifier where they are sent (AccountService). */
const VERIFICATIONS_PER_PEER = 10
const VERIFICATIONS_PER_NETWORK = 30

export function createNodeLimits (limits: RendezvousConfig['limits'], options: NodeLimitsOptions = {}): NodeLimits {
  // A whole minute's worth may come at once for the rare operations, as the sliding windows these
  // replace allowed; the mailbox keeps the token bucket's default burst (a tenth of a minute).
  const minute = (perMinute: number): { perMinute: number, burst: number } => ({ perMinute, burst: perMinute })
  return {
    requester: connection => requesterOf(connection, { countLoopback: limits.limitLoopback }),
    mailbox: new RequestLimiter('mailbox_requests_per_minute', {
      peer: { perMinute: limits.requestsPerMinute },
      network: { perMinute: limits.requestsPerMinutePerNetwork }
    }, options),
    blobs: new RequestLimiter('blob_requests_per_minute', {
      peer: { perMinute: limits.requestsPerMinute },
      network: { perMinute: limits.requestsPerMinutePerNetwork }
    }, options),
    groupRelay: new RequestLimiter('group_relay_requests_per_minute', {
      peer: { perMinute: limits.requestsPerMinute },
      network: { perMinute: limits.requestsPerMinutePerNetwork }
    }, options),
    resolves: new RequestLimiter('resolves_per_minute', {
      peer: minute(limits.resolvesPerMinute),
      network: minute(limits.resolvesPerMinutePerNetwork),
      account: minute(limits.resolvesPerMinutePerAccount)
    }, options),
    discoveries: new RequestLimiter('discoveries_per_minute', {
      peer: minute(limits.discoveriesPerMinute),
      network: minute(limits.discoveriesPerMinutePerNetwork),
      account: minute(limits.discoveriesPerMinutePerAccount)
    }, options),
    signUps: new RequestLimiter('sign_ups_per_minute', {
      peer: minute(SIGN_UPS_PER_PEER),
      network: minute(limits.signUpsPerMinutePerNetwork)
    }, options),
    verifications: new RequestLimiter('verifications_per_minute', {
      peer: minute(VERIFICATIONS_PER_PEER),
      network: minute(VERIFICATIONS_PER_NETWORK),
      account: minute(VERIFICATIONS_PER_PEER)
    }, options),
    checkout: new RequestLimiter('checkouts_per_minute', {
      peer: minute(CHECKOUTS_PER_PEER),
      network: minute(CHECKOUTS_PER_NETWORK),
      account: minute(CHECKOUTS_PER_PEER)
    }, options)
  }
}
