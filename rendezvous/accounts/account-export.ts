// The account export document (right of access and portability). Versioned: consumers check
// `schema` and `version`; docs/account-export.md describes every field.
import { toString as uint8ArrayToString } from 'uint8arrays'
import { envelopeIdToString } from '../../protocol/crypto/envelope.ts'
import type { AccessRecord, AccountRecord, DeviceRecord, VerifiedIdentifier } from './account-store.ts'
import type { StoredEnvelope } from '../storage/store.ts'
import type { BillingExport } from '../billing/billing-service.ts'

export const EXPORT_SCHEMA = 'babacloud.account-export'
export const EXPORT_VERSION = 1

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
  }
  devices: Array<{ peerId: string, type: string, os: string, clientVersion: string, linkedAt: string, lastSeenAt: string }>
  /** Envelopes waiting for this account's devices: metadata only, the contents are end-to-end encrypted. */
  pendingMessages: Array<{ id: string, device: string, from: string, sentAt: string, receivedAt: string, expiresAt: string, bytes: number }>
  accessLog: Array<{ device: string, ip: string, at: string }>
  /** Plan, payment processor ids and invoice summaries (docs/billing.md); null where billing is off. */
  billing: BillingExport | null
}

export interface ExportInput {
  nodePeerId: string
  exportedAt: number
  account: AccountRecord
  devices: DeviceRecord[]
  verified: VerifiedIdentifier[]
  pending: StoredEnvelope[]
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
      policyVersionAccepted: a.policyVersionAccepted
    },
    devices: input.devices.map(d => ({
      peerId: d.peerId, type: d.type, os: d.os, clientVersion: d.clientVersion, linkedAt: iso(d.linkedAt), lastSeenAt: iso(d.lastSeenAt)
    })),
    pendingMessages: input.pending.map(e => ({
      id: envelopeIdToString(e.id),
      device: e.recipient,
      from: e.sender,
      sentAt: iso(e.sentAt),
      receivedAt: iso(e.receivedAt),
      expiresAt: iso(e.expiresAt),
      bytes: e.bytes.length
    })),
    accessLog: input.access.map(r => ({ device: r.peerId, ip: r.ip, at: iso(r.at) })),
    billing: input.billing ?? null
  }
}
