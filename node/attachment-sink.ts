// Saves received attachments as files under the device home: HOME/attachments/<id>-<name>. Bytes
// go to a hidden partial file first and are linked into place only once the whole attachment
// verified, so a failed or tampered transfer leaves nothing behind, and never over an existing file.
import { mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { link, open, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { AttachmentError, AttachmentErrorCode } from '../protocol/attachments/constants.ts'
import type { AttachmentSink, AttachmentWriter, IncomingAttachment } from '../protocol/attachments/sink.ts'

/** A name from another device must not leave the directory, hide itself or confuse a shell. */
export function safeFileName (name: string): string {
  const cleaned = basename(name.replaceAll('\\', '/'))
    .replace(/[\p{Cc}/:*?"<>|]/gu, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120)
  return cleaned === '' ? 'attachment' : cleaned
}

export class FileAttachmentSink implements AttachmentSink {
  readonly dir: string

  constructor (dir: string) {
    this.dir = dir
  }

  async open (attachment: IncomingAttachment): Promise<AttachmentWriter> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const partial = join(this.dir, `.${attachment.id}.${randomBytes(6).toString('hex')}.partial`)
    const final = join(this.dir, `${attachment.id}-${safeFileName(attachment.name)}`)
    const file = await open(partial, 'w', 0o600)
    let closed = false
    const close = async (): Promise<void> => {
      if (closed) return
      closed = true
      await file.close()
    }
    return {
      write: async bytes => { await file.write(bytes) },
      commit: async () => {
        // Durable before it becomes visible: a crash never shows a short file under the real name.
        await file.sync()
        await close()
        // A link, unlike a rename, refuses to replace: an id and name that are taken stay with their file.
        try {
          await link(partial, final)
        } catch (err) {
          await rm(partial, { force: true })
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AttachmentError(AttachmentErrorCode.CONFLICT, `${final} already exists`)
          throw err
        }
        await rm(partial, { force: true })
        return final
      },
      abort: async () => {
        await close().catch(() => {})
        await rm(partial, { force: true })
      }
    }
  }
}
