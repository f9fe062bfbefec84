// `babacloud account blobs`: attachment ciphertext waiting on the rendezvous for this device; list
// it, delete some, or clear what one sender (or everyone) uploaded.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { BlobClient } from '../../protocol/attachments/blob-client.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { CliError } from '../cli-error.ts'
import { formatTime, print } from '../output.ts'
import { openPeer } from '../peer.ts'
import type { WaitingBlob } from '../../protocol/attachments/blob-client.ts'
import type { Command } from 'commander'

interface BlobOpts { home: string, rendezvous?: string[], json?: boolean, delete?: string[], clear?: boolean, from?: string }

function blobId (text: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/i.test(text)) throw new CliError(`not an attachment id (32 hex characters): ${text}`)
  return hexToBytes(text.toLowerCase())
}

function blobJson (b: WaitingBlob): Record<string, unknown> {
  return { id: bytesToHex(b.id), from: b.sender, size: b.size, createdAt: formatTime(b.createdAt), expiresAt: formatTime(b.expiresAt) }
}

async function run (o: BlobOpts): Promise<void> {
  const ids = (o.delete ?? []).map(blobId)
  if (o.from != null) {
    try {
      parsePeerId(o.from)
    } catch {
      throw new CliError(`--from: not a PeerId: ${o.from}`)
    }
    if (o.clear !== true) throw new CliError('--from goes with --clear')
  }
  if (ids.length > 0 && o.clear === true) throw new CliError('use either --delete or --clear')
  const session = await openPeer({ home: o.home, rendezvous: o.rendezvous, mode: 'connect' })
  try {
    const rendezvous = session.client.rendezvous
    if (rendezvous == null) throw new CliError('no rendezvous configured')
    const blobs = new BlobClient(session.client.node, rendezvous)
    if (o.clear === true) {
      const deleted = await blobs.clear({ sender: o.from })
      print(o, { deleted }, `deleted ${deleted} waiting attachment${deleted === 1 ? '' : 's'}`)
    } else if (ids.length > 0) {
      let deleted = 0
      for (const id of ids) if (await blobs.delete(id)) deleted++
      print(o, { deleted }, `deleted ${deleted} of ${ids.length}`)
    } else {
      const list = await blobs.list()
      const lines = list.map(b => `${bytesToHex(b.id)}  ${b.size} bytes from ${b.sender}, expires ${formatTime(b.expiresAt)}`)
      print(o, { blobs: list.map(blobJson) }, list.length === 0 ? 'no attachments waiting' : lines.join('\n'))
    }
  } finally {
    await session.close()
  }
}

/** `common` adds --home, --rendezvous and --json like every account command. */
export function registerAccountBlobs (account: Command, common: (cmd: Command) => Command): void {
  common(account.command('blobs').description('attachments waiting for this device on the rendezvous: list, delete, clear'))
    .option('--delete <id...>', 'delete these waiting attachments (ids as listed)')
    .option('--clear', 'delete everything waiting for this device')
    .option('--from <peerId>', 'with --clear: only what this sender uploaded')
    .action(async (o: BlobOpts) => { await run(o) })
}
