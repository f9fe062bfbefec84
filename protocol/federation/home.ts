// Federation: which rendezvous is a recipient's home. A node announces itself in the DHT as a
// provider of a key derived from each recipient's PeerId; senders on other nodes look it up.
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { PeerId } from '@libp2p/interface'

const RAW_CODEC = 0x55
const SHA2_256 = 0x12
const CONTEXT = utf8ToBytes('babacloud/home/v1:')

/** The DHT key under which a recipient's home rendezvous is a provider. */
export function homeKey (recipient: PeerId): CID {
  return CID.createV1(RAW_CODEC, Digest.create(SHA2_256, sha256(concatBytes(CONTEXT, recipient.toMultihash().bytes))))
}
