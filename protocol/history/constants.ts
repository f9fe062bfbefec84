// History transfer: protocol id, limits and the errors a client decides itself.

/** New device → another device of the same account: pull the local history. */
export const HISTORY_PROTOCOL = '/babacloud/history/1.0.0'

/** One frame: a batch of items (BATCH_BYTES) plus one item that did not fit, and framing. */
export const MAX_HISTORY_FRAME = 256 * 1024
/** A batch is closed once its items reach this size; one item stays under MAX_ITEM_BYTES. */
export const BATCH_BYTES = 64 * 1024
/** One message's JSON: text, up to MAX_EDITS earlier texts and reactions stay well below. */
export const MAX_ITEM_BYTES = 160 * 1024
/** The request is a 32-byte proof and a cursor (a value key at most). */
export const MAX_REQUEST_FRAME = 2048
/** Silence allowed between two frames: a stalled peer is dropped, a long history is not. */
export const HISTORY_IDLE_TIMEOUT_MS = 15_000
/** Connections tried per device in one transfer: each resumes where the last one broke. */
export const HISTORY_ATTEMPTS = 4
/** Inbound history streams served at once: a transfer reads the whole store, page by page. */
export const MAX_HISTORY_STREAMS = 2

/**
 * How long the device that made a link code serves history for it: long enough for a new device
 * that links now and comes online later, short enough that an old code is not a standing key.
 */
export const LINK_SECRET_TTL_MS = 24 * 60 * 60_000
/** Wrong proofs a link code survives on the device that made it; then it is forgotten. */
export const LINK_SECRET_ATTEMPTS = 5

/** The key-value records that belong to the person, not to this device (see history-items.ts). */
export const SHARED_VALUE_PREFIXES = ['trust/contact/', 'trust/device/', 'disappearing/timer/', 'groups/state/', 'groups/key/', 'groups/sender/', 'contacts/'] as const

/** Messages read from the store at a time while serving a history (a few hundred KiB at most). */
export const HISTORY_PAGE = 200
