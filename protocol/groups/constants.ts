// Topic names, control message types and limits of groups.

/**
 * Prefix of group topics: `babacloud/group/<64 hex>`, a hash of a key only members can derive
 * (topic-key.ts), never the group id, so an announced topic names no group.
 */
export const GROUP_TOPIC_PREFIX = 'babacloud/group/'

/** Members prove to their rendezvous that they hold a group's topic secret on this protocol. */
export const GROUP_RELAY_PROTOCOL = '/babacloud/group-relay/1.0.0'
/** A relay proof is accepted this far from the node's clock either way (clock skew, then replays). */
export const PROOF_MAX_SKEW_MS = 10 * 60_000
/** Proofs in one relay request: a device in more groups sends several requests. */
export const MAX_PROOFS_PER_REQUEST = 64
export const MAX_RELAY_REQUEST_BYTES = 64 * 1024

/** Control message types carried over the pairwise channel (`sendControl`). */
export const CONTROL_STATE = 'group/state'
export const CONTROL_SENDER_KEY = 'group/sender-key'
/** A group message's copy for one member, deposited in the mailbox in case it is offline. */
export const CONTROL_MESSAGE = 'group/message'
/** A member asks an admin to add other devices of its own account (group-devices.ts). */
export const CONTROL_ADD_DEVICES = 'group/add-devices'
/** A device tells the other devices of its account that it left a group: they leave too. */
export const CONTROL_OWN_LEAVE = 'group/own-leave'
/** Devices one add request names at most: an account links no more. */
export const MAX_ADD_DEVICES = 16

export const GROUP_ID_PATTERN = /^[0-9a-f]{32}$/
export const MAX_GROUP_NAME_BYTES = 200
/**
 * The protocol's ceiling: the largest plan's `groupMaxMembers` (premium, 1000). Each plan's own limit
 * applies below it at the rendezvous (docs/groups.md); every message fans out one mailbox deposit
 * per member, which the sender's deposit rate bounds.
 */
export const MAX_GROUP_MEMBERS = 1000
/**
 * Sender keys of groups this device does not know (a key may come before its invitation) are kept
 * at most this many in all; the oldest go first. Anyone can send them, so they must not pile up.
 */
export const MAX_EARLY_SENDER_KEYS = 64
/**
 * Message keys derived ahead for out-of-order arrivals (gossipsub and the mailbox race each other).
 * Signal uses 2000 for sender keys; a group message burst larger than this is refused.
 */
export const MAX_SKIPPED_KEYS = 2000
/** Older sender keys kept per member, so messages sent just before a rotation still open. */
export const OLD_SENDER_KEYS_KEPT = 2
/** Messages waiting for a sender key that has not arrived yet (per group). */
export const MAX_PENDING_MESSAGES = 500
/** A group message stays well below the envelope limit once wrapped for the mailbox. */
export const MAX_GROUP_MESSAGE_BYTES = 40 * 1024
