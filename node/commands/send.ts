import { parsePeerId } from '../../protocol/identity.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { openPeer } from '../peer.ts'
import { print } from '../output.ts'
import { progressLine, readAttachment, startAttachments } from '../attachment-cli.ts'
import type { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import type { Command } from 'commander'

export function registerSend (program: Command): void {
  program.command('send')
    .description('send a message: delivered live if the recipient is online, otherwise stored on the rendezvous')
    .requiredOption('--to <peer>', 'recipient PeerId, or @username (every device of that account)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use)')
    .option('--json', 'print {id, status}')
    .option('--file <path>', 'send a file, end-to-end encrypted (the text, if any, is its caption)')
    .argument('[text...]', 'message text')
    .action(async (words: string[], opts: { to: string, home: string, rendezvous?: string, json?: boolean, file?: string }) => {
      const to = opts.to.startsWith('@') ? opts.to : parsePeerId(opts.to)
      const text = words.join(' ')
      if (words.length === 0 && opts.file == null) throw new CliError("missing required argument 'text' (or send a file with --file PATH)")
      if (text.trim() === '' && opts.file == null) throw new CliError('message text is empty')
      const file = opts.file == null ? undefined : readAttachment(opts.file, text)
      let attachments: AttachmentService | undefined
      // Also registered without --file: offers taken from the mailbox during this run are saved, not dropped.
      const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, beforeStart: async client => { attachments = await startAttachments(client, opts.home) } })
      try {
        if (file != null && attachments != null) {
          const progress = progressLine(`sending ${file.name}`, opts)
          const result = await attachments.send(to, file, { onProgress: progress.update }).finally(progress.end)
          print(opts, { id: result.id, status: result.status, attachment: { name: file.name, size: file.bytes.length, mime: file.mime } },
            result.status === 'delivered'
              ? `delivered ${file.name} ${result.id} (${result.path})`
              : `stored ${file.name} ${result.id} on the rendezvous until ${opts.to} comes online`)
          return
        }
        const result = await session.client.send(to, text)
        print(opts, { id: result.id, status: result.status },
          result.status === 'delivered'
            ? `delivered ${result.id} (${result.path})`
            : `stored ${result.id} on the rendezvous until ${opts.to} comes online`)
      } finally {
        await session.close()
      }
    })
}
