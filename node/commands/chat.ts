import { createInterface } from 'node:readline'
import { parsePeerId } from '../../protocol/identity.ts'
import { errorMessage } from '../../protocol/errors.ts'
import { timerLine } from '../../protocol/control/timer-text.ts'
import { defaultHome } from '../home.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { formatTime, print } from '../output.ts'
import { flushOutbox } from './send.ts'
import type { PeerId } from '@libp2p/interface'
import type { Command } from 'commander'

const HELP = 'commands: /to PEERID (choose who you write to), /history, /quit; any other line is sent'

export function registerChat (program: Command): void {
  program.command('chat')
    .description('interactive chat: type lines to send, incoming messages are shown as they arrive')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--redundancy <k>', "copies of each message on k of the recipient's homes when it is offline (default 1; k times the storage and upload; remembered)")
    .option('--to <peer>', 'PeerId to write to')
    .option('--json', 'print events as JSON lines')
    .action(async (opts: { home: string, rendezvous?: string[], redundancy?: string, to?: string, json?: boolean }) => {
      let to: PeerId | undefined = opts.to != null ? parsePeerId(opts.to) : undefined
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY })
      // Iterate from the start: piped lines that arrive while the peer connects are buffered, not lost.
      const lines = rl[Symbol.asyncIterator]()
      // A prompt is for a person at a terminal; piped or --json output carries only what happened.
      const interactive = process.stdin.isTTY && opts.json !== true
      const prompt = (): void => { if (interactive) rl.prompt(true) }
      const say = (value: unknown, text: string): void => { print(opts, value, text); prompt() }
      const session = await openPeer({
        home: opts.home,
        rendezvous: opts.rendezvous,
        redundancy: opts.redundancy,
        onMessage: ({ detail: m }) => {
          if (m.timer != null) say({ event: 'timer', id: m.id, from: m.peer, seconds: m.timer, sentAt: m.sentAt }, `${formatTime(m.sentAt)}  ${timerLine(m.peer, m.timer)}`)
          else say({ event: 'message', id: m.id, from: m.peer, text: m.text, sentAt: m.sentAt }, `${formatTime(m.sentAt)}  ${m.peer}  ${m.text}`)
        }
      })
      await flushOutbox(session.client, opts)
      say({ event: 'ready', peerId: session.client.peerId.toString() }, `you are ${session.client.peerId.toString()}. ${HELP}`)
      rl.setPrompt('> ')
      prompt()
      for await (const line of { [Symbol.asyncIterator]: () => lines }) {
        const text = line.trim()
        if (text === '') { prompt(); continue }
        if (text === '/quit') break
        try {
          if (text.startsWith('/to ')) {
            to = parsePeerId(text.slice(4))
            say({ event: 'to', peerId: to.toString() }, `writing to ${to.toString()}`)
          } else if (text === '/history') {
            for (const m of await session.client.store.listMessages({ peer: to?.toString(), limit: 50 })) {
              const who = m.direction === 'in' ? m.peer : 'you'
              say({ event: 'history', ...m }, `${formatTime(m.sentAt)}  ${m.timer != null ? timerLine(m.direction === 'in' ? m.peer : 'You', m.timer) : `${who}  ${m.text}`}`)
            }
          } else if (text.startsWith('/')) {
            say({ event: 'help' }, HELP)
          } else if (to == null) {
            say({ event: 'error', error: 'no recipient' }, 'choose a recipient first: /to PEERID')
          } else {
            const r = await session.client.send(to, text)
            say({ event: 'sent', id: r.id, status: r.status }, `  ${r.status}`)
          }
        } catch (err) {
          const queued = (err as { messageId?: string }).messageId
          if (queued != null) {
            say({ event: 'sent', id: queued, status: 'queued', error: errorMessage(err) }, '  queued')
            continue
          }
          say({ event: 'error', error: errorMessage(err) }, `error: ${errorMessage(err)}`)
        }
      }
      rl.close()
      await session.close()
    })
}
