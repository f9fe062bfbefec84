import { defaultHome, Home } from '../home.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { formatTime, note, print } from '../output.ts'
import { showAction, showExpired, showMessage } from '../message-lines.ts'
import { showContactChange } from './contact.ts'
import { showProfile } from './profile.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { untilStopped } from '../signals.ts'
import { CliError } from '../cli-error.ts'
import { openGroups } from './group.ts'
import { flushOutbox } from './send.ts'
import type { GroupClient } from '../../protocol/groups/group-client.ts'
import { progressLine, startAttachments } from '../attachment-cli.ts'
import type { ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { Command } from 'commander'

function showAttachment (opts: { json?: boolean }, a: ReceivedAttachment): void {
  print(opts, { kind: 'message', id: a.id, from: a.from, ...(a.group != null ? { group: a.group } : {}), text: a.caption, sentAt: a.sentAt, attachment: { name: a.name, size: a.size, mime: a.mime, path: a.location } },
    `${formatTime(a.sentAt)}  ${a.group != null ? `group ${a.group}  ` : ''}${a.from}  [file] ${a.name} (${a.size} bytes, ${a.mime}) saved to ${a.location}${a.caption === '' ? '' : `  ${a.caption}`}`)
}

export function registerInbox (program: Command): void {
  program.command('inbox')
    .description('take pending messages (mailbox and live) and print those new in this run')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--wait <seconds>', 'stay online this long for live messages', '0')
    .option('--all', 'print the local history instead, without connecting')
    .option('--json', 'one JSON object a line: kind (message, reaction, edit, delete, timer: seconds; expired: a sent message the node deleted unread; profile: a contact\'s new name; contact: a contact added, changed or removed on another device of the account: peer, nickname, username, verifiedAt, removed), id, from, text, sentAt; replyTo, and for the history edited/edits/reactions/deleted; attachment: name, size, mime, path')
    .action(async (opts: { home: string, rendezvous?: string[], wait: string, all?: boolean, json?: boolean }) => {
      const wait = Number(opts.wait)
      if (!Number.isFinite(wait) || wait < 0) throw new CliError(`--wait expects a number of seconds, got ${opts.wait}`)
      if (opts.all === true) {
        const home = new Home(opts.home)
        await home.identity()
        const store = new SqliteChatStore(home.storeFile)
        try {
          for (const m of await store.listMessages()) showMessage(opts, m)
        } finally {
          await store.close()
        }
        return
      }
      let groups: GroupClient | undefined
      const session = await openPeer({
        home: opts.home,
        rendezvous: opts.rendezvous,
        onMessage: evt => { showMessage(opts, evt.detail) },
        onProfile: (peer, p) => { showProfile(opts, peer, p) },
        beforeStart: async client => {
          client.addEventListener('message:action', evt => { showAction(opts, evt.detail) })
          client.addEventListener('contact', evt => { if (evt.detail.from === 'device') showContactChange(opts, evt.detail) })
          // Expiry notices taken in this run: each sent message and device once.
          const told = new Set<string>()
          client.addEventListener('message:changed', evt => {
            const m = evt.detail
            if (m.direction !== 'out') return
            for (const p of m.purged ?? []) {
              const key = `${m.id}\0${p.device}`
              if (p.reason !== 'expired' || told.has(key)) continue
              told.add(key)
              showExpired(opts, m, p)
            }
          })
          groups = openGroups(client, opts)
          const attachments = await startAttachments(client, opts.home)
          const progress = new Map<string, ReturnType<typeof progressLine>>()
          attachments.addEventListener('progress', evt => {
            const { id, name, received, size } = evt.detail
            if (size < 1024 * 1024) return
            const line = progress.get(id) ?? progressLine(`receiving ${name}`, opts)
            progress.set(id, line)
            line.update(received, size)
            if (received === size) line.end()
          })
          attachments.addEventListener('attachment', evt => { showAttachment(opts, evt.detail) })
          // Errors go to stderr in every mode: stdout stays one message a line.
          attachments.addEventListener('failed', evt => { process.stderr.write(`babacloud: attachment ${evt.detail.name} from ${evt.detail.from} could not be received: ${evt.detail.error.message}\n`) })
        }
      })
      try {
        // What earlier commands queued leaves first.
        await flushOutbox(session.client, opts)
        await groups?.start()
        if (wait > 0) {
          await session.client.waitUntilReachable().catch(() => {})
          note(opts, `online for ${wait} s, waiting for messages (and sending the history to a newly linked device of the account)…`)
          await untilStopped(wait * 1000)
        }
      } finally {
        // Keys handed out in reaction to what arrived must leave before the process does.
        await groups?.stop()
        await session.close()
      }
    })
}
