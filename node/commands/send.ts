import { parsePeerId } from '../../protocol/identity.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { openPeer } from '../peer.ts'
import { print } from '../output.ts'
import type { Command } from 'commander'

export function registerSend (program: Command): void {
  program.command('send')
    .description('send a message: delivered live if the recipient is online, otherwise stored on the rendezvous')
    .requiredOption('--to <peer>', 'recipient PeerId, or @username (every device of that account)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use)')
    .option('--json', 'print {id, status}')
    .argument('<text...>', 'message text')
    .action(async (words: string[], opts: { to: string, home: string, rendezvous?: string, json?: boolean }) => {
      const to = opts.to.startsWith('@') ? opts.to : parsePeerId(opts.to)
      const text = words.join(' ')
      if (text.trim() === '') throw new CliError('message text is empty')
      const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous })
      try {
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
