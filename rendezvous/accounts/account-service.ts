// Accounts and the user's rights, as a plain domain service over injected stores. The account
// protocol handler and the CLI call into it; every method acts for an authenticated device PeerId.
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js'
import { checkAge, normalizeEmail, normalizePhone, validateUsername } from '../../protocol/account/identifiers.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { buildExport, decodeExportCursor, encodeExportCursor, pendingPage } from './account-export.ts'
import { IdentifierVerification, parseKind } from './identifier-verification.ts'
import { LinkCodes } from './link-codes.ts'
import type { AccountPatch, AccountRecord, AccountStore, DeviceRecord, VerifiedIdentifier } from './account-store.ts'
import type { CodeSenders } from './code-sender.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { PrekeyStore } from '../prekeys/prekey-store.ts'
import type { RendezvousStore } from '../storage/store.ts'
import type { BlobStore } from '../blobs/blob-store.ts'
import type { AccountExport, PendingEntry } from './account-export.ts'
import type { AccountBillingHooks } from './account-billing.ts'

export { LINK_CODE_TTL_MS } from './link-codes.ts'
export { VERIFY_CODE_TTL_MS } from './identifier-verification.ts'
export const LOG_RETENTION_MS = 90 * 86_400_000
const MAX_AVATAR_BYTES = 64 * 1024
const SALT_KEY = 'discovery-salt'

export interface ProfileInput {
  username?: string
  email?: string
  phone?: string
  displayName?: string
  avatar?: Uint8Array
  bio?: string
}

export interface DeviceInput {
  type: string
  os: string
  clientVersion: string
}

export interface AccountView {
  account: AccountRecord
  devices: DeviceRecord[]
  /** The identifiers its owner proved control of: only these are discoverable. */
  verified: VerifiedIdentifier[]
}

export interface PrivacyPolicy {
  version: number
  text: string
}

export type { AccountBillingHooks } from './account-billing.ts'

export interface AccountServiceInit {
  accounts: AccountStore
  mailbox: RendezvousStore
  /** Attachment blobs waiting for (or sent by) the account's devices. */
  blobs?: Pick<BlobStore, 'deleteFor'>
  /** Published prekeys of the account's devices (rendezvous/prekeys). */
  prekeys?: Pick<PrekeyStore, 'deleteOwner'>
  billing?: AccountBillingHooks
  /** The node's own cap on how long any waiting mail is kept (config `mailbox.retention`), ms. */
  mailRetentionMs?: number
  policy: PrivacyPolicy
  nodePeerId: string
  /** Who delivers verification codes, per identifier kind; a kind without one cannot be verified. */
  senders?: CodeSenders
  now?: () => number
  random?: (n: number) => Uint8Array
}

/** A chosen retention shorter than this would lose mail to an ordinary night offline. */
export const MIN_MAIL_RETENTION_MS = 3_600_000

function clip (value: string | undefined, field: string, max: number): string | undefined {
  if (value == null) return undefined
  const v = value.trim()
  if (v.length > max) throw new ProtocolError(ErrorCode.INVALID, `${field}: at most ${max} characters`)
  return v === '' ? undefined : v
}

const cleanDevice = (d: DeviceInput | undefined): DeviceInput => ({
  type: clip(d?.type, 'device type', 32) ?? 'unknown',
  os: clip(d?.os, 'device os', 64) ?? 'unknown',
  clientVersion: clip(d?.clientVersion, 'client version', 32) ?? 'unknown'
})

export class AccountService {
  readonly #init: AccountServiceInit
  readonly #now: () => number
  readonly #random: (n: number) => Uint8Array
  readonly #linkCodes: LinkCodes
  readonly #verification: IdentifierVerification

  constructor (init: AccountServiceInit) {
    this.#init = init
    this.#now = init.now ?? Date.now
    this.#random = init.random ?? randomBytes
    this.#linkCodes = new LinkCodes({ accounts: init.accounts, now: this.#now, random: this.#random })
    this.#verification = new IdentifierVerification({ accounts: init.accounts, senders: init.senders ?? {}, salt: async () => await this.discoverySalt(), now: this.#now, random: this.#random })
  }

  get policy (): PrivacyPolicy {
    return this.#init.policy
  }

  async signUp (peer: string, profile: ProfileInput, birthDate: string, device?: DeviceInput): Promise<AccountView> {
    const now = this.#now()
    checkAge(birthDate, now)
    const username = validateUsername(profile.username ?? '')
    if (await this.#init.accounts.getAccountByDevice(peer) != null) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'this device already belongs to an account')
    const account: AccountRecord = {
      id: bytesToHex(this.#random(16)),
      username,
      ...this.#validProfile(profile),
      createdAt: now,
      updatedAt: now,
      ageCheckedAt: now,
      restricted: false,
      marketingOptOut: false,
      policyVersionAccepted: this.#init.policy.version
    }
    // Email and phone are profile data until verified (verifyStart / verifyConfirm).
    await this.#init.accounts.createAccount(account, { peerId: peer, accountId: account.id, ...cleanDevice(device), linkedAt: now, lastSeenAt: now })
    return await this.#view(account)
  }

  #validProfile (p: ProfileInput): AccountPatch {
    if (p.avatar != null && p.avatar.length > MAX_AVATAR_BYTES) throw new ProtocolError(ErrorCode.INVALID, `avatar: at most ${MAX_AVATAR_BYTES} bytes`)
    return {
      email: p.email == null ? undefined : normalizeEmail(p.email),
      phone: p.phone == null ? undefined : normalizePhone(p.phone),
      displayName: clip(p.displayName, 'display name', 64),
      avatar: p.avatar,
      bio: clip(p.bio, 'bio', 500)
    }
  }

  async #require (peer: string): Promise<AccountRecord> {
    const account = await this.#init.accounts.getAccountByDevice(peer)
    if (account == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'this device has no account on this node')
    return account
  }

  async #view (account: AccountRecord): Promise<AccountView> {
    return { account, devices: await this.#init.accounts.listDevices(account.id), verified: await this.#init.accounts.listVerifiedIdentifiers(account.id) }
  }

  async #reload (id: string): Promise<AccountView> {
    const account = await this.#init.accounts.getAccount(id)
    if (account == null) throw new ProtocolError(ErrorCode.NOT_FOUND, 'account no longer exists')
    return await this.#view(account)
  }

  async get (peer: string): Promise<AccountView> {
    return await this.#view(await this.#require(peer))
  }

  /** Correction: fields given replace the stored ones; fields named in `clear` are erased. */
  async update (peer: string, profile: ProfileInput, clear: string[] = []): Promise<AccountView> {
    const account = await this.#require(peer)
    if (profile.username != null && profile.username !== account.username) throw new ProtocolError(ErrorCode.INVALID, 'username cannot be changed')
    const valid = this.#validProfile(profile)
    const patch: AccountPatch = Object.fromEntries(Object.entries(valid).filter(([, v]) => v !== undefined))
    for (const field of clear) {
      if (!['email', 'phone', 'displayName', 'avatar', 'bio'].includes(field)) throw new ProtocolError(ErrorCode.INVALID, `cannot clear ${field}`)
      ;(patch as Record<string, unknown>)[field] = undefined
    }
    await this.#init.accounts.updateAccount(account.id, patch, this.#now())
    for (const kind of ['email', 'phone'] as const) {
      if (kind in patch && patch[kind] !== account[kind]) await this.#verification.forget(account.id, kind)
    }
    return await this.#reload(account.id)
  }

  /** Sends a one-time code to the profile's email or phone; returns when the code stops working. */
  async verifyStart (peer: string, kind: string, options: AbortOptions = {}): Promise<{ expiresAt: number }> {
    const account = await this.#require(peer)
    return { expiresAt: await this.#verification.start(account, parseKind(kind), options) }
  }

  /** With the code that was sent, the identifier becomes discoverable as this account's. */
  async verifyConfirm (peer: string, kind: string, code: string): Promise<AccountView> {
    const account = await this.#require(peer)
    await this.#verification.confirm(account, parseKind(kind), code)
    return await this.#view(account)
  }

  /** Erasure: the account, its devices, their mailboxes (in and out), codes, identifiers and logs. */
  async delete (peer: string): Promise<void> {
    const account = await this.#require(peer)
    await this.#init.billing?.beforeDelete(account.id)
    const devices = await this.#init.accounts.listDevices(account.id)
    for (const d of devices) {
      await this.#init.mailbox.deleteMailbox(d.peerId)
      await this.#init.blobs?.deleteFor(d.peerId)
      await this.#init.prekeys?.deleteOwner(d.peerId)
    }
    await this.#init.accounts.deleteAccount(account.id)
  }

  /**
   * Access and portability: everything this node holds about the account, as one document whose
   * `pendingMessages` holds the first page; `cursor` (while set) asks exportPending for the rest.
   */
  async export (peer: string): Promise<{ document: AccountExport, cursor?: string }> {
    const { account, devices, verified } = await this.get(peer)
    const peers = devices.map(d => d.peerId)
    const first = await pendingPage(this.#init.mailbox, peers, undefined, this.#now())
    const access = await this.#init.accounts.listAccess(peers)
    const billing = await this.#init.billing?.exportFor(account.id)
    const document = buildExport({ nodePeerId: this.#init.nodePeerId, exportedAt: this.#now(), account, devices, verified, pending: first.entries, access, billing })
    return { document, cursor: first.next == null ? undefined : encodeExportCursor(first.next) }
  }

  /** The next page of the export's pending messages, for the caller's own account only. */
  async exportPending (peer: string, cursor: string): Promise<{ entries: PendingEntry[], cursor?: string }> {
    const from = decodeExportCursor(cursor)
    const { devices } = await this.get(peer)
    const page = await pendingPage(this.#init.mailbox, devices.map(d => d.peerId), from, this.#now())
    return { entries: page.entries, cursor: page.next == null ? undefined : encodeExportCursor(page.next) }
  }

  async setRestricted (peer: string, restricted: boolean): Promise<AccountView> {
    const account = await this.#require(peer)
    await this.#init.accounts.updateAccount(account.id, { restricted }, this.#now())
    return await this.#reload(account.id)
  }

  async setMarketingOptOut (peer: string, optOut: boolean): Promise<AccountView> {
    const account = await this.#require(peer)
    await this.#init.accounts.updateAccount(account.id, { marketingOptOut: optOut }, this.#now())
    return await this.#reload(account.id)
  }

  /**
   * How long the node keeps mail waiting for the account's devices: `ms` at most, which may not
   * exceed the plan's retention (nor the node's); 0 goes back to the plan's. Mail already waiting
   * keeps the expiry it was deposited with.
   */
  async setMailRetention (peer: string, ms: number): Promise<AccountView> {
    const account = await this.#require(peer)
    if (!Number.isSafeInteger(ms) || ms < 0) throw new ProtocolError(ErrorCode.INVALID, 'retention: a whole number of milliseconds, or 0 for the plan\'s')
    if (ms !== 0 && ms < MIN_MAIL_RETENTION_MS) throw new ProtocolError(ErrorCode.INVALID, `retention: at least ${MIN_MAIL_RETENTION_MS / 3_600_000} h, so mail can wait out a night offline`)
    const cap = Math.min(await this.#init.billing?.mailRetentionCapMs(account.id) ?? Infinity, this.#init.mailRetentionMs ?? Infinity)
    if (ms > cap) throw new ProtocolError(ErrorCode.INVALID, `retention: at most ${Math.floor(cap / 3_600_000)} h (${Math.floor(cap / 86_400_000)} days) on this account's plan`)
    await this.#init.accounts.updateAccount(account.id, { mailRetentionMs: ms === 0 ? undefined : ms }, this.#now())
    return await this.#reload(account.id)
  }

  async acceptPolicy (peer: string, version: number): Promise<AccountView> {
    const account = await this.#require(peer)
    if (version !== this.#init.policy.version) throw new ProtocolError(ErrorCode.INVALID, `the current policy version is ${this.#init.policy.version}`)
    await this.#init.accounts.updateAccount(account.id, { policyVersionAccepted: version }, this.#now())
    return await this.#reload(account.id)
  }

  /** `@username` → the PeerIds of its devices; a message to an account goes to each of them. */
  async resolve (username: string): Promise<string[]> {
    const account = await this.#init.accounts.getAccountByUsername(validateUsername(username))
    if (account == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no account @${username.replace(/^@/, '')} on this node`)
    return (await this.#init.accounts.listDevices(account.id)).map(d => d.peerId)
  }

  async createLinkCode (peer: string): Promise<{ code: string, expiresAt: number }> {
    const account = await this.#require(peer)
    return await this.#linkCodes.create(account.id)
  }

  /** Links this device to `@username` with the code one of its devices made. */
  async linkDevice (peer: string, username: string, code: string, device?: DeviceInput): Promise<AccountView> {
    if (await this.#init.accounts.getAccountByDevice(peer) != null) throw new ProtocolError(ErrorCode.ALREADY_EXISTS, 'this device already belongs to an account')
    const account = await this.#init.accounts.getAccountByUsername(validateUsername(username))
    if (account == null) throw new ProtocolError(ErrorCode.NOT_FOUND, `no account @${username.replace(/^@/, '')} on this node`)
    await this.#linkCodes.redeem(account.id, code)
    const now = this.#now()
    await this.#init.accounts.addDevice({ peerId: peer, accountId: account.id, ...cleanDevice(device), linkedAt: now, lastSeenAt: now })
    return await this.#reload(account.id)
  }

  /** Revokes a device: it stops being an address of the account and loses what waits for it. */
  async unlinkDevice (peer: string, target: string): Promise<AccountView> {
    const account = await this.#require(peer)
    const devices = await this.#init.accounts.listDevices(account.id)
    if (!devices.some(d => d.peerId === target)) throw new ProtocolError(ErrorCode.NOT_FOUND, 'no such device on this account')
    if (devices.length === 1) throw new ProtocolError(ErrorCode.INVALID, 'cannot unlink the only device: delete the account instead')
    await this.#init.accounts.removeDevice(target)
    await this.#init.mailbox.deleteMailbox(target, { received: true, sent: false })
    await this.#init.prekeys?.deleteOwner(target)
    return await this.#reload(account.id)
  }

  async discoverySalt (): Promise<Uint8Array> {
    const salt = await this.#init.accounts.getSetting(SALT_KEY)
    if (salt != null) return salt
    await this.#init.accounts.setSetting(SALT_KEY, this.#random(32))
    // Another instance may have won the race; everyone uses the stored one.
    return await this.#init.accounts.getSetting(SALT_KEY) as Uint8Array
  }

  /** Which of the uploaded hashes are verified identifiers of accounts; the uploaded list itself is not kept. */
  async discover (peer: string, hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>> {
    await this.#require(peer)
    if (hashes.some(h => h.length !== 32)) throw new ProtocolError(ErrorCode.INVALID, 'discovery hashes must be 32 bytes')
    return await this.#init.accounts.findIdentifiers(hashes)
  }

  /** Log data for abuse prevention; a restricted account's devices are not logged. */
  async recordConnection (peer: string, ip: string): Promise<void> {
    const account = await this.#init.accounts.getAccountByDevice(peer)
    const now = this.#now()
    if (account != null) await this.#init.accounts.touchDevice(peer, now)
    if (account?.restricted === true) return
    await this.#init.accounts.logAccess({ peerId: peer, ip, at: now })
  }

  /** Log data past its 90 days, and one-time codes past their lifetime. */
  async purgeLogs (): Promise<number> {
    await this.#init.accounts.purgeCodes(this.#now())
    return await this.#init.accounts.purgeAccessBefore(this.#now() - LOG_RETENTION_MS)
  }

  /** Who may receive product news: has an email, did not opt out, did not restrict processing. */
  async marketingRecipients (): Promise<Array<{ username: string, email: string }>> {
    return (await this.#init.accounts.listAccounts())
      .filter(a => a.email != null && !a.marketingOptOut && !a.restricted)
      .map(a => ({ username: a.username, email: a.email as string }))
  }
}
