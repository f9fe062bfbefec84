// Server side of `/babacloud/account/1.0.0`: decodes requests, calls AccountService for the
// connection's PeerId, encodes answers. Discovery and device linking are rate limited per peer.
import { ACCOUNT_PROTOCOL, DEFAULT_TIMEOUT_MS, MAX_REQUEST_BYTES } from '../../protocol/constants.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { serve } from '../../protocol/rpc/rpc.ts'
import { AccountRequest, AccountResponse } from '../../protocol/wire/messages.ts'
import { toWirePlanStatus } from '../billing/billing-service.ts'
import type { AccountService, AccountView, ProfileInput } from './account-service.ts'
import type { BillingService } from '../billing/billing-service.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Account, Profile } from '../../protocol/wire/messages.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import type { AbortOptions, Logger } from '@libp2p/interface'

export const MAX_DISCOVERY_HASHES = 1000
/** Requests per peer per minute for the operations worth guessing at. */
const RATE_LIMITS: Partial<Record<AccountRequest.Type, number>> = {
  [AccountRequest.Type.DISCOVER]: 10,
  [AccountRequest.Type.LINK_DEVICE]: 5,
  [AccountRequest.Type.SIGN_UP]: 5,
  // Codes sent and checked are also limited per account and per identifier (AccountService).
  [AccountRequest.Type.VERIFY_START]: 5,
  [AccountRequest.Type.VERIFY_CONFIRM]: 10,
  // Each one is a call to the payment processor.
  [AccountRequest.Type.CHECKOUT]: 5
}

const requestCodec = {
  encode: AccountRequest.encode,
  decode: (bytes: Parameters<typeof AccountRequest.decode>[0]) => AccountRequest.decode(bytes, { limits: { hashes: MAX_DISCOVERY_HASHES, clear: 8 } })
}

export function toWireAccount (view: AccountView, currentPolicy: number): Account {
  const a = view.account
  return {
    id: a.id,
    profile: { username: a.username, email: a.email, phone: a.phone, displayName: a.displayName, avatar: a.avatar as Uint8Array<ArrayBuffer> | undefined, bio: a.bio },
    devices: view.devices.map(d => ({
      peerId: d.peerId, info: { type: d.type, os: d.os, clientVersion: d.clientVersion }, linkedAt: BigInt(d.linkedAt), lastSeenAt: BigInt(d.lastSeenAt)
    })),
    createdAt: BigInt(a.createdAt),
    restricted: a.restricted,
    marketingOptOut: a.marketingOptOut,
    policyVersionAccepted: a.policyVersionAccepted,
    policyVersionCurrent: currentPolicy,
    emailVerified: view.verified.some(v => v.kind === 'email'),
    phoneVerified: view.verified.some(v => v.kind === 'phone')
  }
}

const fromWireProfile = (p: Profile | undefined): ProfileInput => ({
  username: p?.username === '' ? undefined : p?.username,
  email: p?.email,
  phone: p?.phone,
  displayName: p?.displayName,
  avatar: p?.avatar,
  bio: p?.bio
})

const empty = (): AccountResponse => ({ peerIds: [], code: '', expiresAt: 0n, matches: [], salt: new Uint8Array(0), json: '', policyVersion: 0, policyText: '', checkoutUrl: '' })

export class AccountProtocol {
  readonly #node: ChatNode
  readonly #service: AccountService
  readonly #metrics?: RendezvousMetrics
  readonly #billing?: BillingService
  readonly #log: Logger
  readonly #recent = new Map<string, number[]>()

  constructor (node: ChatNode, service: AccountService, metrics?: RendezvousMetrics, billing?: BillingService) {
    this.#node = node
    this.#service = service
    this.#metrics = metrics
    this.#billing = billing
    this.#log = node.logger.forComponent('babacloud:account')
  }

  async start (): Promise<void> {
    await this.#node.handle(ACCOUNT_PROTOCOL, (stream, connection) => {
      void serve<AccountRequest, AccountResponse>(stream, {
        request: requestCodec,
        response: AccountResponse,
        maxRequestBytes: MAX_REQUEST_BYTES,
        timeoutMs: DEFAULT_TIMEOUT_MS,
        log: this.#log,
        errorResponse: error => {
          this.#metrics?.requests.inc({ protocol: 'account', type: 'any', outcome: error.code })
          return { ...empty(), error }
        },
        handle: async (req, options) => {
          const res = await this.#handle(req, connection.remotePeer.toString(), options)
          this.#metrics?.requests.inc({ protocol: 'account', type: req.type, outcome: 'ok' })
          return res
        }
      })
    }, { maxInboundStreams: 16 })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(ACCOUNT_PROTOCOL)
  }

  #rateLimit (peer: string, type: AccountRequest.Type): void {
    const limit = RATE_LIMITS[type]
    if (limit == null) return
    const key = `${type}:${peer}`
    const now = Date.now()
    const times = (this.#recent.get(key) ?? []).filter(t => t > now - 60_000)
    if (times.length >= limit) throw new ProtocolError(ErrorCode.RATE_LIMITED, `too many ${type} requests; try again in a minute`)
    times.push(now)
    this.#recent.set(key, times)
    if (this.#recent.size > 10_000) this.#recent.delete(this.#recent.keys().next().value as string)
  }

  #billingService (): BillingService {
    if (this.#billing == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'this node has no plans')
    return this.#billing
  }

  async #handle (req: AccountRequest, peer: string, options: AbortOptions): Promise<AccountResponse> {
    this.#rateLimit(peer, req.type)
    const s = this.#service
    const withAccount = (view: AccountView): AccountResponse => ({ ...empty(), account: toWireAccount(view, s.policy.version) })
    const T = AccountRequest.Type
    switch (req.type) {
      case T.SIGN_UP: return withAccount(await s.signUp(peer, fromWireProfile(req.profile), req.birthDate, req.device))
      case T.GET: return withAccount(await s.get(peer))
      case T.UPDATE: return withAccount(await s.update(peer, fromWireProfile(req.profile), req.clear))
      case T.DELETE: await s.delete(peer); return empty()
      case T.EXPORT: return { ...empty(), json: JSON.stringify(await s.export(peer), null, 2) }
      case T.SET_RESTRICTED: return withAccount(await s.setRestricted(peer, req.flag))
      case T.SET_MARKETING_OPT_OUT: return withAccount(await s.setMarketingOptOut(peer, req.flag))
      case T.RESOLVE: return { ...empty(), peerIds: await s.resolve(req.username) }
      case T.CREATE_LINK_CODE: {
        const { code, expiresAt } = await s.createLinkCode(peer)
        return { ...empty(), code, expiresAt: BigInt(expiresAt) }
      }
      case T.LINK_DEVICE: return withAccount(await s.linkDevice(peer, req.username, req.code, req.device))
      case T.UNLINK_DEVICE: return withAccount(await s.unlinkDevice(peer, req.peerId))
      case T.DISCOVER: {
        if (req.hashes.length === 0) return { ...empty(), salt: await s.discoverySalt() as Uint8Array<ArrayBuffer> }
        const matches = await s.discover(peer, req.hashes)
        return { ...empty(), matches: matches.map(m => ({ hash: m.hash as Uint8Array<ArrayBuffer>, username: m.username })) }
      }
      case T.VERIFY_START: return { ...empty(), expiresAt: BigInt((await s.verifyStart(peer, req.kind, options)).expiresAt) }
      case T.VERIFY_CONFIRM: return withAccount(await s.verifyConfirm(peer, req.kind, req.code))
      case T.GET_POLICY: return { ...empty(), policyVersion: s.policy.version, policyText: s.policy.text }
      case T.ACCEPT_POLICY: return withAccount(await s.acceptPolicy(peer, req.policyVersion))
      case T.GET_PLAN: return { ...empty(), plan: toWirePlanStatus(await this.#billingService().view(peer)) }
      case T.CHECKOUT: return { ...empty(), checkoutUrl: (await this.#billingService().checkout(peer, req.plan)).url }
      default: throw new ProtocolError(ErrorCode.MALFORMED, 'unknown account request type')
    }
  }
}
