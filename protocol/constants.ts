// Protocol ids and limits shared by peers and rendezvous nodes.

export const DM_PROTOCOL = '/babacloud/dm/1.0.0'
export const MAILBOX_PROTOCOL = '/babacloud/mailbox/1.0.0'
export const PREKEYS_PROTOCOL = '/babacloud/prekeys/1.0.0'
export const ACCOUNT_PROTOCOL = '/babacloud/account/1.0.0'
/** A project-specific DHT keeps our routing tables free of unrelated IPFS peers. */
export const DHT_PROTOCOL = '/babacloud/kad/1.0.0'

/** Requests carry at most one envelope (64 KiB) plus a little framing. */
export const MAX_REQUEST_BYTES = 80 * 1024
/** A mailbox page holds up to MAX_PAGE envelopes. */
export const MAX_PAGE = 50
export const MAX_RESPONSE_BYTES = MAX_PAGE * 80 * 1024
/** Ids acknowledged in one request. */
export const MAX_ACK_IDS = 500
/** Default bound on one request/response exchange, and on silence between requests. */
export const DEFAULT_TIMEOUT_MS = 10_000
/** Rendezvous → peer: "your mailbox has something new"; carries no data, the peer then syncs. */
export const MAILBOX_NOTIFY_PROTOCOL = '/babacloud/mailbox-notify/1.0.0'
/** Text messages stay well below the envelope limit. */
export const MAX_TEXT_BYTES = 32 * 1024
/** How long a live delivery may take before the mailbox is used instead. */
export const LIVE_DELIVERY_TIMEOUT_MS = 5_000
/** Attachments: peer-to-peer push and rendezvous blob storage (limits in ./attachments/constants.ts). */
export { ATTACHMENT_PROTOCOL, BLOB_PROTOCOL } from './attachments/constants.ts'
