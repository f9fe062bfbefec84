// The key of a replay record, shared by every store adapter so a deployment can move between them.
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'

/**
 * Replay protection outlives delivery, so it keeps a digest of sender, recipient and id rather
 * than the id itself. The recipient is part of it because a message to an account goes to each of
 * its devices under one id. NUL separators keep fields from colliding by concatenation.
 */
export function replayDigest (sender: string, recipient: string, id: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes(sender), Uint8Array.of(0), utf8ToBytes(recipient), Uint8Array.of(0), id))
}
