// Attachment protocol ids, limits and typed errors, shared by peers and the rendezvous.

/** Peer → peer: the sender pushes an attachment's ciphertext after the offer was delivered live. */
export const ATTACHMENT_PROTOCOL = '/babacloud/attachment/1.0.0'
/** Peer → rendezvous: store ciphertext for an offline recipient; the recipient downloads and deletes it. */
export const BLOB_PROTOCOL = '/babacloud/blob/1.0.0'
/** The control message type carrying an AttachmentOffer. */
export const ATTACHMENT_CONTROL_TYPE = 'attachment'

/** Plaintext bytes per chunk: small enough to stream with little memory, large enough to keep the per-chunk overhead (tag, frame) under 0.1 %. */
export const CHUNK_SIZE = 64 * 1024
/** Poly1305 tag appended to every chunk. */
export const TAG_BYTES = 16
export const CIPHERTEXT_CHUNK_SIZE = CHUNK_SIZE + TAG_BYTES
/** One Chunk frame: the ciphertext plus protobuf framing (index, flag, lengths). */
export const MAX_CHUNK_FRAME = CIPHERTEXT_CHUNK_SIZE + 64
/** Requests, responses and headers are a few dozen bytes. */
export const MAX_CONTROL_FRAME = 1024

export const ID_BYTES = 16
export const KEY_BYTES = 32
export const DIGEST_BYTES = 32

/** What a client sends or accepts unless told otherwise; the rendezvous has its own limit in its config. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
/** File names travel inside the E2EE offer; long ones are cut so a sink can always store them. */
export const MAX_NAME_CHARS = 200
export const MAX_MIME_CHARS = 128
/** A caption travels in the offer, one control message: checked before any upload, with room left for the rest of the offer. */
export const MAX_CAPTION_BYTES = 16 * 1024

/** Silence allowed between two frames of a transfer: a stalled peer is dropped, a slow one is not. */
export const IDLE_TIMEOUT_MS = 10_000
/** How long a DIRECT offer waits for its push before the recipient forgets it. */
export const DIRECT_OFFER_TTL_MS = 60_000
/** An upload the rendezvous has not seen finished within this time is discarded. */
export const STALE_UPLOAD_MS = 10 * 60_000

// Remote refusals arrive as ProtocolError (with the wire ErrorCode); these cover what a client
// itself decides. Compare with AttachmentError.is, not instanceof.

export enum AttachmentErrorCode {
  /** A chunk failed authentication, chunks were reordered, dropped or truncated, or the digest differs. */
  INTEGRITY = 'INTEGRITY',
  /** Over the sender's or the recipient's limit. */
  TOO_LARGE = 'TOO_LARGE',
  /** The offer or a frame does not make sense (sizes, counts, lengths). */
  MALFORMED = 'MALFORMED',
  /** The peer stopped sending within the idle timeout. */
  TIMEOUT = 'TIMEOUT',
  /** The attachment id already belongs to another sender or message here: it never replaces that one. */
  CONFLICT = 'CONFLICT',
  /** A person cancelled the transfer on this device. */
  CANCELLED = 'CANCELLED'
}

export class AttachmentError extends Error {
  readonly code: AttachmentErrorCode

  constructor (code: AttachmentErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'AttachmentError'
    this.code = code
  }

  static is (err: unknown, code?: AttachmentErrorCode): err is AttachmentError {
    return err instanceof Error && err.name === 'AttachmentError' &&
      (code == null || (err as AttachmentError).code === code)
  }
}
