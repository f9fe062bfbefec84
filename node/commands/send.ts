import { knownOwnDevices } from '../../protocol/control/own-devices.ts'
import { errorMessage } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { note, print } from '../output.ts'
import { progressLine, readAttachment, startAttachments } from '../attachment-cli.ts'
import type { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import type { ChatClient, SendResult } from '../../protocol/chat-client.ts'
import type { UnreachableError } from '../../protocol/errors.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

export function registerSend (program: Command): void {
  program.command('send')
    .description('send a message: delivered live if the recipient is online, otherwise stored on the rendezvous; with the rendezvous down it waits in the outbox (status queued) and leaves with the next send, inbox or chat')
    .requiredOption('--to <peer>', 'recipient PeerId, or @username (every device of that account)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--redundancy <k>', "copies of each message on k of the recipient's homes when it is offline (default 1; k times the storage and upload; remembered)")
    .option('--json', 'print {id, status}')
    .option('--file <path>', 'send a file, end-to-end encrypted (the text, if any, is its caption)')
    .option('--reply-to <id>', 'id of a message of this conversation the new one answers (quoted)')
    .argument('[text...]', 'message text')
    .action(async (words: string[], opts: { to: string, home: string, rendezvous?: string[], redundancy?: string, json?: boolean, file?: string, replyTo?: string }) => {
      const to = opts.to.startsWith('@') ? opts.to : parsePeerId(opts.to)
      const text = words.join(' ')
      if (words.length === 0 && opts.file == null) throw new CliError("missing required argument 'text' (or send a file with --file PATH)")
      if (text.trim() === '' && opts.file == null) throw new CliError('message text is empty')
      if (opts.replyTo != null && opts.file != null) throw new CliError('--reply-to takes a text message, not --file')
      const reply = opts.replyTo != null ? { replyTo: opts.replyTo } : {}
      const file = opts.file == null ? undefined : readAttachment(opts.file, text)
      let attachments: AttachmentService | undefined
      // Send mode: nothing waiting for this device is taken (that is `inbox`'s job).
      const session = await openPeer({
        home: opts.home,
        rendezvous: opts.rendezvous,
        redundancy: opts.redundancy,
        mode: 'send',
        // A text can wait in the outbox while the node is down; a file needs it now.
        offline: file == null ? 'queue' : 'fail',
        beforeStart: async client => { if (file != null) attachments = await startAttachments(client, opts.home) }
      })
      try {
        if (!session.online) {
          const queued = await session.client.queue(to, text, reply)
          note(opts, 'babacloud: the rendezvous is unreachable; the message waits in the outbox and leaves with the next send, inbox or chat')
          print(opts, { id: queued.id, status: 'queued' }, `queued ${queued.id} in the outbox until the rendezvous is reachable`)
          return
        }
        await flushOutbox(session.client, opts)
        if (file != null && attachments != null) {
          const progress = progressLine(`sending ${file.name}`, opts)
          const result = await attachments.send(to, file, { onProgress: progress.update }).finally(progress.end)
          print(opts, { id: result.id, status: result.status, attachment: { name: file.name, size: file.bytes.length, mime: file.mime } },
            result.status === 'delivered'
              ? `delivered ${file.name} ${result.id} (${result.path})`
              : `stored ${file.name} ${result.id} on the rendezvous until ${opts.to} comes online`)
          return
        }
        try {
          const result = await session.client.send(to, text, reply)
          // The copy for the account's other devices leaves before the process does.
          if ((await knownOwnDevices(session.client.store)).length > 0) await session.client.flushOutbox()
          print(opts, { id: result.id, status: result.status }, describeResult(result, opts.to))
        } catch (err) {
          // Not reachable now: it waits in the outbox, which the next command flushes.
          const queued = (err as UnreachableError).messageId
          if (queued == null) throw err
          note(opts, `babacloud: ${errorMessage(err)}`)
          print(opts, { id: queued, status: 'queued' }, `queued ${queued} in the outbox until it can leave`)
        }
      } finally {
        await session.close()
      }
    })
}

function describeResult (result: SendResult, to: string): string {
  if (result.status === 'delivered') return `delivered ${result.id} (${result.path ?? 'direct'})`
  return `stored ${result.id} on the rendezvous until ${to} comes online`
}

/** Sends what earlier commands left in the outbox, before anything new; says so on stderr. */
export async function flushOutbox (client: ChatClient, opts: OutputOptions): Promise<void> {
  const waiting = (await client.store.listOutbox()).filter(e => !e.control).length
  if (waiting === 0) return
  await client.flushOutbox()
  const left = (await client.store.listOutbox()).filter(e => !e.control).length
  note(opts, `babacloud: sent ${waiting - left} message(s) from the outbox${left > 0 ? `, ${left} still waiting` : ''}`)
}
