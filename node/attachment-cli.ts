// Attachments in the CLI: the service wired to a file sink under the home, MIME types from file
// names, and a progress line on a terminal.
import { readFileSync, statSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import { AttachmentService } from '../protocol/attachments/attachment-service.ts'
import { DEFAULT_MAX_ATTACHMENT_BYTES } from '../protocol/attachments/constants.ts'
import { errorMessage } from '../protocol/errors.ts'
import { GroupStore } from '../protocol/groups/group-store.ts'
import { FileAttachmentSink } from './attachment-sink.ts'
import { CliError } from './cli-error.ts'
import type { OutgoingAttachment } from '../protocol/attachments/attachment-sender.ts'
import type { ChatClient } from '../protocol/chat-client.ts'

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.zip': 'application/zip',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4'
}

export function mimeFor (path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

export function attachmentsDir (home: string): string {
  return join(resolve(home), 'attachments')
}

/** Registers the attachment service on a client before it starts (see openPeer's beforeStart). */
export async function startAttachments (client: ChatClient, home: string): Promise<AttachmentService> {
  const groups = new GroupStore(client.store)
  const service = new AttachmentService({
    client,
    sink: new FileAttachmentSink(attachmentsDir(home)),
    // A file sent to a group is taken only from a member of that group as this device knows it.
    isGroupMember: async (group, peer) => (await groups.getState(group))?.members.includes(peer) === true
  })
  await service.start()
  return service
}

/** Reads a file to send, with one-line errors for the usual mistakes. */
export function readAttachment (path: string, caption: string): OutgoingAttachment {
  let size: number
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new CliError(`--file ${path} is not a regular file`)
    size = stat.size
  } catch (err) {
    if ((err as Error).name === 'CliError') throw err
    throw new CliError(`cannot read --file ${path}: ${errorMessage(err)}`)
  }
  if (size > DEFAULT_MAX_ATTACHMENT_BYTES) throw new CliError(`--file ${path} is ${size} bytes, over the limit of ${DEFAULT_MAX_ATTACHMENT_BYTES}`, 'TOO_LARGE')
  return { name: basename(path), mime: mimeFor(path), bytes: new Uint8Array(readFileSync(path)), caption }
}

/** A progress line on stderr when it is a terminal and the output is for people; otherwise nothing. */
export function progressLine (label: string, options: { json?: boolean }): { update(done: number, total: number): void, end(): void } {
  const tty = process.stderr.isTTY && options.json !== true
  let shown = -1
  return {
    update: (done, total) => {
      if (!tty) return
      const percent = total === 0 ? 100 : Math.floor(done * 100 / total)
      if (percent === shown) return
      shown = percent
      process.stderr.write(`\r${label}: ${percent}% (${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB)`)
    },
    end: () => { if (tty && shown >= 0) process.stderr.write('\n') }
  }
}
