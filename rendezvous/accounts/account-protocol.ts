// Server side of `/babacloud/account/1.0.0`: decodes requests, calls AccountService for the
// connection's PeerId, encodes answers. Lookups, sign-ups, device linking and checkout are rate
// limited per peer, network and account (rendezvous/limits/node-limits.ts).
import { ACCOUNT_PROTOCOL, DEFAULT_TIMEOUT_MS, MAX_REQUEST_BYTES } from '../../protocol/constants.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { AccountRequest, AccountResponse } from '../../protocol/wire/generated/messages.ts'
import type { AccountService, AccountView, ProfileInput } from './account-service.ts'
import type { AccountPlans } from './account-billing.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { Account, Profile } from '../../protocol/wire/generated/messages.ts'
import type { RendezvousMetrics } from '../metrics.ts'
import { createNodeLimits } from '../limits/node-limits.ts'
import { DEFAULT_CONFIG } from '../config.ts'
import type { NodeLimits } from '../limits/node-limits.ts'
import { rpcServer } from '../protocol-server.ts'
import type { ProtocolServer } from '../protocol-server.ts'
import type { Requester, RequestLimiter } from '../limits/request-limiter.ts'
import type { AbortOptions, Connection } from '@libp2p/interface'

export const MAX_DISCOVERY_HASHES = 1000
/** The operations worth guessing at or enumerating, and the limit each one counts against. */
const RATE_LIMITED: Partial<Record<AccountRequest.Type, 'resolves' | 'discoveries' | 'signUps' | 'verifications' | 'checkout'>> = {
  [AccountRequest.Type.RESOLVE]: 'resolves',
  [AccountRequest.Type.DISCOVER]: 'discoveries',
  [AccountRequest.Type.LINK_DEVICE]: 'signUps',
  [AccountRequest.Type.SIGN_UP]: 'signUps',
  // Codes sent and checked are also limited per account and per identifier (AccountService).
  [AccountRequest.Type.VERIFY_START]: 'verifications',
  [AccountRequest.Type.VERIFY_CONFIRM]: 'verifications',
  [AccountRequest.Type.CHECKOUT]: 'checkout'
}

/** Rate limits and how to tell who asks; the config's defaults when not given. */
export interface AccountProtocolLimits {
  limits: NodeLimits
  /** The requesting device's account id, if it has one. */
  accountOf(peer: string): Promise<string | undefined>
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
    phoneVerified: view.verified.some(v => v.kind === 'phone'),
    mailRetentionMs: BigInt(a.mailRetentionMs ?? 0)
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

const empty = (): AccountResponse => ({ peerIds: [], code: '', expiresAt: 0n, matches: [], salt: new Uint8Array(0), json: '', policyVersion: 0, policyText: '', checkoutUrl: '', exportCursor: '' })

export class AccountProtocol {
  readonly #service: AccountService
  readonly #billing?: AccountPlans
  readonly #limits: AccountProtocolLimits
  readonly #server: ProtocolServer

  constructor (node: ChatNode, service: AccountService, metrics?: RendezvousMetrics, billing?: AccountPlans, limits?: AccountProtocolLimits) {
    this.#service = service
    this.#billing = billing
    this.#limits = limits ?? { limits: createNodeLimits(DEFAULT_CONFIG.limits), accountOf: async () => undefined }
    this.#server = rpcServer<AccountRequest, AccountResponse>({
      node,
      protocol: ACCOUNT_PROTOCOL,
      label: 'account',
      log: node.logger.forComponent('babacloud:account'),
      maxInboundStreams: 16,
      metrics,
      request: requestCodec,
      response: AccountResponse,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      errorType: 'any',
      typeOf: req => req.type,
      errorResponse: error => ({ ...empty(), error }),
      // Limits differ per request type and may depend on the asker's account: decided after decoding.
      handle: async (req, connection, options) => {
        await this.#rateLimit(connection, req.type)
        return await this.#handle(req, connection.remotePeer.toString(), options)
      }
    })
  }

  async start (): Promise<void> {
    await this.#server.start()
  }

  async stop (): Promise<void> {
    await this.#server.stop()
  }

  async #rateLimit (connection: Connection, type: AccountRequest.Type): Promise<void> {
    const kind = RATE_LIMITED[type]
    if (kind == null) return
    const limiter: RequestLimiter = this.#limits.limits[kind]
    const who: Requester = this.#limits.limits.requester(connection)
    const account = await this.#limits.accountOf(who.peer)
    limiter.admit(account == null ? who : { ...who, account }, `${type} requests`)
  }

  #billingService (): AccountPlans {
    if (this.#billing == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'this node has no plans')
    return this.#billing
  }

  async #handle (req: AccountRequest, peer: string, options: AbortOptions): Promise<AccountResponse> {
    const s = this.#service
    const withAccount = (view: AccountView): AccountResponse => ({ ...empty(), account: toWireAccount(view, s.policy.version) })
    const T = AccountRequest.Type
    switch (req.type) {
      case T.SIGN_UP: return withAccount(await s.signUp(peer, fromWireProfile(req.profile), req.birthDate, req.device))
      case T.GET: return withAccount(await s.get(peer))
      case T.UPDATE: return withAccount(await s.update(peer, fromWireProfile(req.profile), req.clear))
      case T.DELETE: await s.delete(peer); return empty()
      case T.EXPORT: {
        // Paged: the document with the first page of pending messages, then a JSON array a page.
        if (req.exportCursor === '') {
          const { document, cursor } = await s.export(peer)
          return { ...empty(), json: JSON.stringify(document, null, 2), exportCursor: cursor ?? '' }
        }
        const { entries, cursor } = await s.exportPending(peer, req.exportCursor)
        return { ...empty(), json: JSON.stringify(entries), exportCursor: cursor ?? '' }
      }
      case T.SET_RESTRICTED: return withAccount(await s.setRestricted(peer, req.flag))
      case T.SET_MARKETING_OPT_OUT: return withAccount(await s.setMarketingOptOut(peer, req.flag))
      case T.SET_MAIL_RETENTION: return withAccount(await s.setMailRetention(peer, Number(req.retentionMs)))
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
      case T.GET_PLAN: return { ...empty(), plan: await this.#billingService().planStatus(peer) }
      case T.CHECKOUT: return { ...empty(), checkoutUrl: (await this.#billingService().checkout(peer, req.plan)).url }
      default: throw new ProtocolError(ErrorCode.MALFORMED, 'unknown account request type')
    }
  }
}
