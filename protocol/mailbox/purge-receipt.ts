// Purge receipts: a rendezvous's signed statement that it deleted the envelopes a recipient acked.
// The node queues one per sender and ack request as a PURGE_RECEIPT envelope in the sender's
// mailbox; the sender checks it against the key of the rendezvous it deposited to (never a key the
// receipt names) before recording anything. What a receipt proves: docs/privacy.md.
import { MAX_ACK_IDS } from '../constants.ts'
import { ENVELOPE_ID_LENGTH, envelopeIdToString } from '../crypto/envelope.ts'
import { peerIdFromBytes, peerIdToBytes, verifySignature } from '../identity.ts'
import { Envelope, PurgeReceipt, SignedPurgeReceipt } from '../wire/generated/messages.ts'
import { readGroupReceipts } from '../control/group-receipts.ts'
import { readDeviceReceipts } from '../control/receipts.ts'
import { StoreWriteError } from '../store/chat-store.ts'
import type { ChatMessage, ChatStore } from '../store/chat-store.ts'
import type { PeerId } from '@libp2p/interface'

const CONTEXT = new TextEncoder().encode('babacloud/purge-receipt/v1\0')

export type PurgeReceiptErrorCode = 'malformed' | 'bad-signature' | 'wrong-node' | 'wrong-addressee'

/** A purge receipt that must not be believed: nothing of it is recorded. */
export class PurgeReceiptError extends Error {
  readonly code: PurgeReceiptErrorCode
  constructor (code: PurgeReceiptErrorCode, message: string) {
    super(message)
    this.name = 'PurgeReceiptError'
    this.code = code
  }
}

/**
 * Why the node deleted the copies: `acked`, the recipient device took them; `expired`, they waited
 * past their retention or expiry and were never delivered to that device (an expiry notice).
 */
export type PurgeReason = 'acked' | 'expired'

/** A receipt whose signature verified against the expected node. */
export interface VerifiedPurgeReceipt {
  node: PeerId
  /** The device that acked the envelopes, or whose copies expired (whose copies were deleted). */
  recipient: PeerId
  reason: PurgeReason
  deletedAt: number
  /** Envelope ids, 32 hex characters each (ChatMessage ids). */
  ids: string[]
}

export interface NewPurgeReceipt {
  node: PeerId
  sender: PeerId
  recipient: PeerId
  deletedAt: number
  ids: Uint8Array[]
  /** `acked` when left out. */
  reason?: PurgeReason
}

/** The bytes a node signs: a domain prefix, so no other signature of this key can pass as a receipt. */
export function purgeReceiptSigningBytes (receipt: Uint8Array): Uint8Array {
  const out = new Uint8Array(CONTEXT.length + receipt.length)
  out.set(CONTEXT)
  out.set(receipt, CONTEXT.length)
  return out
}

/** The PURGE_RECEIPT envelope a node queues for `receipt.sender`, signed by `sign` (the node's key). */
export async function createPurgeReceiptEnvelope (
  receipt: NewPurgeReceipt,
  sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>,
  envelopeId: Uint8Array
): Promise<Envelope> {
  const body = PurgeReceipt.encode({
    node: Uint8Array.from(peerIdToBytes(receipt.node)),
    sender: Uint8Array.from(peerIdToBytes(receipt.sender)),
    recipient: Uint8Array.from(peerIdToBytes(receipt.recipient)),
    deletedAt: BigInt(receipt.deletedAt),
    ids: receipt.ids.map(id => Uint8Array.from(id)),
    reason: receipt.reason === 'expired' ? PurgeReceipt.Reason.EXPIRED : PurgeReceipt.Reason.ACKED
  })
  const signature = await sign(purgeReceiptSigningBytes(body))
  return {
    id: Uint8Array.from(envelopeId),
    from: Uint8Array.from(peerIdToBytes(receipt.node)),
    to: Uint8Array.from(peerIdToBytes(receipt.sender)),
    sentAt: BigInt(receipt.deletedAt),
    kind: Envelope.Kind.PURGE_RECEIPT,
    ciphertext: SignedPurgeReceipt.encode({ receipt: body, signature: Uint8Array.from(signature) }),
    signature: new Uint8Array(0),
    scheme: Envelope.Scheme.SEALED,
    expiresAt: 0n
  }
}

function decode<T> (what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new PurgeReceiptError('malformed', `${what} does not decode: ${(err as Error).message}`)
  }
}

/**
 * Verifies a PURGE_RECEIPT envelope: signed by `node` (the rendezvous this client deposits to and
 * fetches from) over the receipt's exact bytes, made by that node, and addressed to `self`. Throws
 * PurgeReceiptError otherwise.
 */
export function openPurgeReceipt (env: Envelope, expected: { node: PeerId, self: PeerId }): VerifiedPurgeReceipt {
  if (env.kind !== Envelope.Kind.PURGE_RECEIPT) throw new PurgeReceiptError('malformed', 'not a purge receipt envelope')
  const signed = decode('signed purge receipt', () => SignedPurgeReceipt.decode(env.ciphertext))
  // The key comes from the caller, never from the receipt: a receipt cannot vouch for itself.
  if (!verifySignature(expected.node, purgeReceiptSigningBytes(signed.receipt), signed.signature)) {
    throw new PurgeReceiptError('bad-signature', `purge receipt is not signed by ${expected.node.toString()}`)
  }
  const receipt = decode('purge receipt', () => PurgeReceipt.decode(signed.receipt, { limits: { ids: MAX_ACK_IDS } }))
  const node = decode('purge receipt node', () => peerIdFromBytes(receipt.node))
  if (!node.equals(expected.node)) throw new PurgeReceiptError('wrong-node', `purge receipt names node ${node.toString()}, not ${expected.node.toString()}`)
  const sender = decode('purge receipt sender', () => peerIdFromBytes(receipt.sender))
  if (!sender.equals(expected.self)) throw new PurgeReceiptError('wrong-addressee', `purge receipt is for ${sender.toString()}, not this device`)
  const recipient = decode('purge receipt recipient', () => peerIdFromBytes(receipt.recipient))
  if (receipt.ids.some(id => id.length !== ENVELOPE_ID_LENGTH)) throw new PurgeReceiptError('malformed', 'purge receipt ids must be 16 bytes')
  const deletedAt = Number(receipt.deletedAt)
  if (!Number.isSafeInteger(deletedAt)) throw new PurgeReceiptError('malformed', 'purge receipt time is out of range')
  // An unknown reason from a newer node is not guessed at: nothing is recorded.
  if (receipt.reason !== PurgeReceipt.Reason.ACKED && receipt.reason !== PurgeReceipt.Reason.EXPIRED) throw new PurgeReceiptError('malformed', 'purge receipt has an unknown reason')
  const reason: PurgeReason = receipt.reason === PurgeReceipt.Reason.EXPIRED ? 'expired' : 'acked'
  return { node, recipient, reason, deletedAt, ids: receipt.ids.map(envelopeIdToString) }
}

/** Whether `device` is known to have `message`: its receipt, or the only recipient's delivered status. */
async function deliveredTo (store: Pick<ChatStore, 'getValue'>, message: ChatMessage, device: string): Promise<boolean> {
  const receipts = message.group != null ? await readGroupReceipts(store as ChatStore, message.id) : await readDeviceReceipts(store, message.id)
  if (receipts.delivered.includes(device) || receipts.read.includes(device)) return true
  return message.group == null && message.peer === device && (message.status === 'delivered' || message.status === 'read')
}

/**
 * Records a verified receipt (or expiry notice) on the outgoing messages it names (one record per recipient device);
 * ids of messages this device did not send to that device are ignored. The changed messages.
 */
export async function recordPurgeReceipt (store: Pick<ChatStore, 'getMessage' | 'updateMessage' | 'getValue'>, receipt: VerifiedPurgeReceipt): Promise<ChatMessage[]> {
  const device = receipt.recipient.toString()
  const purge = { device, node: receipt.node.toString(), at: receipt.deletedAt, ...(receipt.reason === 'expired' ? { reason: 'expired' as const } : {}) }
  const changed: ChatMessage[] = []
  try {
    for (const id of receipt.ids) {
      const message = await store.getMessage(id)
      if (message?.direction !== 'out') continue
      // A 1:1 message to one device: only that device's copy (an @username or group has several).
      if (message.group == null && !message.peer.startsWith('@') && message.peer !== device) continue
      // A copy that expired on one node while the device took another (several homes): it was delivered.
      if (receipt.reason === 'expired' && await deliveredTo(store, message, device)) continue
      const next = await store.updateMessage(id, { purge })
      if (next != null) changed.push(next)
    }
  } catch (err) {
    // Not recorded: the drain must not ack the receipt, so it comes again.
    throw new StoreWriteError(`could not record a purge receipt: ${(err as Error).message}`, { cause: err })
  }
  return changed
}
