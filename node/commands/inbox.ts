import { defaultHome, Home } from '../home.ts'
import { openPeer } from '../peer.ts'
import { formatTime, note, print } from '../output.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { untilStopped } from '../signals.ts'
import { CliError } from '../cli-error.ts'
import type { ChatMessage } from '../../protocol/store/chat-store.ts'
import type { Command } from 'commander'

function show (opts: { json?: boolean }, m: ChatMessage): void {
  const who = m.direction === 'in' ? m.peer : `to ${m.peer}`
  print(opts, { id: m.id, from: m.direction === 'in' ? m.peer : undefined, to: m.direction === 'out' ? m.peer : undefined, text: m.text, sentAt: m.sentAt },
    `${formatTime(m.sentAt)}  ${who}  ${m.text}`)
}

export function registerInbox (program: Command): void {
  program.command('inbox')
    .description('take pending messages (mailbox and live) and print those new in this run')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use)')
    .option('--wait <seconds>', 'stay online this long for live messages', '0')
    .option('--all', 'print the local history instead, without connecting')
    .option('--json', 'one JSON object a line: id, from, text, sentAt')
    .action(async (opts: { home: string, rendezvous?: string, wait: string, all?: boolean, json?: boolean }) => {
      const wait = Number(opts.wait)
      if (!Number.isFinite(wait) || wait < 0) throw new CliError(`--wait expects a number of seconds, got ${opts.wait}`)
      if (opts.all === true) {
        const home = new Home(opts.home)
        await home.identity()
        const store = new SqliteChatStore(home.storeFile)
        try {
          for (const m of await store.listMessages()) show(opts, m)
        } finally {
          await store.close()
        }
        return
      }
      const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, onMessage: evt => { show(opts, evt.detail) } })
      try {
        if (wait > 0) {
          await session.client.waitUntilReachable().catch(() => {})
          note(opts, `online for ${wait} s, waiting for messages…`)
          await untilStopped(wait * 1000)
        }
      } finally {
        await session.close()
      }
    })
}
