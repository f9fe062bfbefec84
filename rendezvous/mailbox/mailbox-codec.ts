// Mailbox frames on the node without needless work: a deposit's envelope is decoded once and its
// received bytes are kept for storage, and fetched envelopes go out as the bytes stored, never
// decoded and encoded again. The wire format is the generated MailboxRequest/MailboxResponse.
import { reader, writer } from 'protons-runtime'
import { MAX_ACK_IDS } from '../../protocol/constants.ts'
import { MailboxRequest, MailboxResponse } from '../../protocol/wire/generated/messages.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/** A decoded request, with the envelope's bytes exactly as received (DEPOSIT). */
export interface ReceivedMailboxRequest extends MailboxRequest {
  envelopeBytes?: Uint8Array
}

/** A response whose envelopes are already-encoded stored bytes. */
export interface StoredMailboxResponse extends MailboxResponse {
  storedEnvelopes?: Uint8Array[]
}

const ENVELOPE_FIELD = 2
const LENGTH_DELIMITED = 2
/** Tag of `repeated Envelope envelopes = 2` in MailboxResponse. */
const RESPONSE_ENVELOPE_TAG = (2 << 3) | LENGTH_DELIMITED

/**
 * The bytes of the last `envelope` field of a MailboxRequest frame (the one protons keeps), or
 * undefined. Only called on frames MailboxRequest.decode accepted, so the scan cannot run off.
 */
function envelopeField (frame: Uint8Array): Uint8Array | undefined {
  const r = reader(frame)
  let found: Uint8Array | undefined
  while (r.pos < r.len) {
    const tag = r.uint32()
    if (tag >>> 3 === ENVELOPE_FIELD && (tag & 7) === LENGTH_DELIMITED) {
      const length = r.uint32()
      found = frame.subarray(r.pos, r.pos + length)
      r.skip(length)
    } else {
      r.skipType(tag & 7)
    }
  }
  return found
}

export const mailboxRequestCodec = {
  encode: MailboxRequest.encode,
  decode (bytes: Uint8Array | Uint8ArrayList): ReceivedMailboxRequest {
    const frame = bytes instanceof Uint8Array ? bytes : bytes.subarray()
    // Bounds repeated fields while decoding, before any allocation proportional to the count.
    const req: ReceivedMailboxRequest = MailboxRequest.decode(frame, { limits: { ids: MAX_ACK_IDS } })
    if (req.envelope != null) req.envelopeBytes = envelopeField(frame)
    return req
  }
}

export const mailboxResponseCodec = {
  /** Protobuf fields may come in any order: stored envelopes are appended as field 2 as they are. */
  encode (res: StoredMailboxResponse): Uint8Array {
    const { storedEnvelopes, ...rest } = res
    const head = MailboxResponse.encode(rest)
    if (storedEnvelopes == null || storedEnvelopes.length === 0) return head
    const w = writer()
    for (const envelope of storedEnvelopes) {
      w.uint32(RESPONSE_ENVELOPE_TAG)
      w.bytes(envelope)
    }
    const tail = w.finish()
    const out = new Uint8Array(head.length + tail.length)
    out.set(head)
    out.set(tail, head.length)
    return out
  },
  decode: MailboxResponse.decode
}
