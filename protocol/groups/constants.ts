// Topic names, control message types and limits of groups.

/** Gossipsub topic of a group: `babacloud/group/<groupId>`; the rendezvous relays this prefix. */
export const GROUP_TOPIC_PREFIX = 'babacloud/group/'

export function groupTopic (groupId: string): string {
  return `${GROUP_TOPIC_PREFIX}${groupId}`
}

/** Control message types carried over the pairwise channel (`ChatClient.sendControl`). */
export const CONTROL_STATE = 'group/state'
export const CONTROL_SENDER_KEY = 'group/sender-key'
/** A group message's copy for one member, deposited in the mailbox in case it is offline. */
export const CONTROL_MESSAGE = 'group/message'

/** `ChatMessage.peer` of group messages in the history. */
export function historyPeer (groupId: string): string {
  return `group:${groupId}`
}

export const GROUP_ID_PATTERN = /^[0-9a-f]{32}$/
export const MAX_GROUP_NAME_BYTES = 200
/** Every message fans out one mailbox deposit and every rotation one key per member: keep it small. */
export const MAX_GROUP_MEMBERS = 100
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
