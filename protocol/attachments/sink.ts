// Where received attachments go. The platform passes a sink in (a directory on Node, IndexedDB or
// a download in the browser); protocol code only streams verified plaintext into it.

export interface IncomingAttachment {
  /** Hex attachment id, unique per sender. */
  id: string
  from: string
  name: string
  mime: string
  size: number
  /** The group it was sent to, for an offer that named one. */
  group?: string
}

/**
 * Plaintext is written piece by piece as chunks are authenticated, but nothing may become visible
 * until `commit()`: a transfer that fails later (a dropped or tampered chunk, a digest mismatch)
 * calls `abort()`, which must remove everything written so far.
 */
export interface AttachmentWriter {
  write(bytes: Uint8Array): Promise<void>
  /** Makes the file visible; resolves to where it is (a path, a URL, a key). */
  commit(): Promise<string>
  abort(): Promise<void>
}

export interface AttachmentSink {
  open(attachment: IncomingAttachment): Promise<AttachmentWriter>
}

/** Keeps committed attachments in memory: tests, simulations, and browsers before saving. */
export class MemoryAttachmentSink implements AttachmentSink {
  readonly files = new Map<string, { attachment: IncomingAttachment, bytes: Uint8Array }>()
  /** Writers opened and not yet committed or aborted: lets tests prove nothing partial lingers. */
  pending = 0

  async open (attachment: IncomingAttachment): Promise<AttachmentWriter> {
    const parts: Uint8Array[] = []
    let open = true
    this.pending++
    const close = (): void => {
      if (open) this.pending--
      open = false
    }
    return {
      write: async bytes => { parts.push(bytes.slice()) },
      commit: async () => {
        close()
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
        let offset = 0
        for (const p of parts) {
          bytes.set(p, offset)
          offset += p.length
        }
        const location = `memory:${attachment.from}/${attachment.id}`
        this.files.set(location, { attachment, bytes })
        return location
      },
      abort: async () => {
        close()
        parts.length = 0
      }
    }
  }
}
