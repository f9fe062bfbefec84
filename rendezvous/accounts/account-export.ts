// The account export document (right of access and portability). Versioned: consumers check
// `schema` and `version`; docs/account-export.md describes every field.
import { toString as uint8ArrayToString } from 'uint8arrays'
import { MAX_PAGE } from '../../protocol/constants.ts'
import { envelopeIdToString } from '../../protocol/crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { AccessRecord, AccountRecord, DeviceRecord, VerifiedIdentifier } from './account-store.ts'
import type { RendezvousStore, StoredEnvelope } from '../storage/store.ts'
import type { BillingExport } from './account-billing.ts'

export const EXPORT_SCHEMA = 'babacloud.account-export'
export const EXPORT_VERSION = 1
/**
 * Pending-message entries per export response. An entry is about 400 bytes of JSON, so a page stays
 * near 200 KB, far below MAX_RESPONSE_BYTES, however many messages wait.
 */
export const EXPORT_PAGE = 500
/** Envelopes read from the store at once while exporting (their bytes are read only to be measured). */
export const EXPORT_STORE_PAGE = MAX_PAGE

const iso = (ms: number): string => new Date(ms).toISOString()

export interface AccountExport {
  schema: typeof EXPORT_SCHEMA
  version: typeof EXPORT_VERSION
  exportedAt: string
  node: string
  account: {
    id: string
    username: string
    email: string | null
    /** When the owner proved control of the email (it is discoverable since); null if not verified. */
    emailVerifiedAt: string | null
    phone: string | null
    phoneVerifiedAt: string | null
    displayName: string | null
    avatar: string | null
    bio: string | null
    createdAt: string
    updatedAt: string
    ageCheckPassedAt: string
  }
  consents: {
    processingRestricted: boolean
    marketingOptOut: boolean
    policyVersionAccepted: number
    /** How long waiting mail is kept, hours, when the owner chose less than the plan's; else null. */
    mailRetentionHours: number | null
  }
  devices: Array<{ peerId: string, type: string, os: string, clientVersion: string, linkedAt: string, lastSeenAt: string }>
  /** Envelopes waiting for this account's devices: metadata only, the contents are end-to-end encrypted. */
  pendingMessages: PendingEntry[]
  accessLog: Array<{ device: string, ip: string, at: string }>
  /** Plan, payment processor ids and invoice summaries (docs/billing.md); null where billing is off. */
  billing: BillingExport | null
}

export interface PendingEntry { id: string, device: string, from: string, sentAt: string, receivedAt: string, expiresAt: string, bytes: number }

export interface ExportInput {
  nodePeerId: string
  exportedAt: number
  account: AccountRecord
  devices: DeviceRecord[]
  verified: VerifiedIdentifier[]
  /** The first page of pending messages (pendingPage); later pages travel on their own. */
  pending: PendingEntry[]
  access: AccessRecord[]
  billing?: BillingExport
}

function verifiedAt (verified: VerifiedIdentifier[], kind: VerifiedIdentifier['kind']): string | null {
  const v = verified.find(x => x.kind === kind)
  return v == null ? null : iso(v.verifiedAt)
}

export function buildExport (input: ExportInput): AccountExport {
  const a = input.account
  return {
    schema: EXPORT_SCHEMA,
    version: EXPORT_VERSION,
    exportedAt: iso(input.exportedAt),
    node: input.nodePeerId,
    account: {
      id: a.id,
      username: a.username,
      email: a.email ?? null,
      emailVerifiedAt: verifiedAt(input.verified, 'email'),
      phone: a.phone ?? null,
      phoneVerifiedAt: verifiedAt(input.verified, 'phone'),
      displayName: a.displayName ?? null,
      avatar: a.avatar == null ? null : uint8ArrayToString(a.avatar, 'base64'),
      bio: a.bio ?? null,
      createdAt: iso(a.createdAt),
      updatedAt: iso(a.updatedAt),
      ageCheckPassedAt: iso(a.ageCheckedAt)
    },
    consents: {
      processingRestricted: a.restricted,
      marketingOptOut: a.marketingOptOut,
      policyVersionAccepted: a.policyVersionAccepted,
      mailRetentionHours: a.mailRetentionMs == null ? null : a.mailRetentionMs / 3_600_000
    },
    devices: input.devices.map(d => ({
      peerId: d.peerId, type: d.type, os: d.os, clientVersion: d.clientVersion, linkedAt: iso(d.linkedAt), lastSeenAt: iso(d.lastSeenAt)
    })),
    pendingMessages: input.pending,
    accessLog: input.access.map(r => ({ device: r.peerId, ip: r.ip, at: iso(r.at) })),
    billing: input.billing ?? null
  }
}

const pendingEntry = (e: StoredEnvelope): PendingEntry => ({
  id: envelopeIdToString(e.id),
  device: e.recipient,
  from: e.sender,
  sentAt: iso(e.sentAt),
  receivedAt: iso(e.receivedAt),
  expiresAt: iso(e.expiresAt),
  bytes: e.bytes.length
})

/** Where the next page starts: one of the account's devices and the last seq exported for it. */
export interface ExportCursor { device: string, after: bigint }

export function encodeExportCursor (c: ExportCursor): string {
  return `${c.device}/${c.after}`
}

export function decodeExportCursor (text: string): ExportCursor {
  const m = /^([1-9A-HJ-NP-Za-km-z]{32,128})\/(\d{1,20})$/.exec(text)
  if (m == null) throw new ProtocolError(ErrorCode.INVALID, 'malformed export cursor')
  return { device: m[1], after: BigInt(m[2]) }
}

export interface PendingPage {
  entries: PendingEntry[]
  /** Set while more may follow. */
  next?: ExportCursor
}

/**
 * One page of the messages waiting for `devices`, from `from` on: read from the store
 * EXPORT_STORE_PAGE envelopes at a time and kept as metadata only, so an export holds at most one
 * store page of envelopes and one export page of entries in memory, whatever the mailbox holds.
 * A cursor naming a device that is not (or no longer) in `devices` is refused: a caller only ever
 * pages through its own account's mailboxes.
 */
export async function pendingPage (mailbox: Pick<RendezvousStore, 'fetch'>, devices: string[], from: ExportCursor | undefined, now: number, limit = EXPORT_PAGE): Promise<PendingPage> {
  let i = from == null ? 0 : devices.indexOf(from.device)
  if (i < 0) throw new ProtocolError(ErrorCode.INVALID, 'the export cursor names no device of this account: start the export again')
  let after = from?.after ?? 0n
  const entries: PendingEntry[] = []
  while (i < devices.length && entries.length < limit) {
    const page = await mailbox.fetch(devices[i], after, Math.min(EXPORT_STORE_PAGE, limit - entries.length), now)
    for (const e of page.envelopes) entries.push(pendingEntry(e))
    if (page.envelopes.length > 0) after = page.envelopes[page.envelopes.length - 1].seq
    if (!page.more) {
      i++
      after = 0n
    }
  }
  return { entries, next: i < devices.length ? { device: devices[i], after } : undefined }
}
