// `babacloud timer`: sets the disappearing-message timer of a 1:1 conversation or a group. Every
// party's devices get it (end-to-end encrypted, through the outbox) and show a system line; messages
// sent from then on are deleted everywhere, the node's undelivered copy included, when it runs out.
import { parseTimer, describeTimer } from '../../protocol/control/timer-text.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { print } from '../output.ts'
import { withActions } from './message-actions.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'
import { collectRendezvous } from '../peer.ts'

interface TimerOptions extends OutputOptions {
  home: string
  rendezvous?: string[]
  peer?: string
  group?: string
}

export function registerTimer (program: Command): void {
  program.command('timer')
    .description('set the disappearing-message timer of a conversation (5s to 4w, or off); its messages are then deleted on every device, and from the node, when it runs out')
    .argument('<duration>', 'e.g. 30s, 5m, 1h, 1d, 1w (a number alone is seconds), or off')
    .option('--peer <peer>', 'the 1:1 conversation: PeerId or @username')
    .option('--group <id>', 'the group conversation')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'print {peer | group, seconds, timer, status}')
    .action(async (duration: string, opts: TimerOptions) => {
      if ((opts.peer == null) === (opts.group == null)) throw new CliError('name the conversation: --peer PEERID or --group ID (one of them)')
      // Checked before going online: a typo costs no connection.
      let seconds: number
      try {
        seconds = parseTimer(duration)
      } catch (err) {
        throw new CliError((err as Error).message, 'INVALID')
      }
      const conversation = opts.group != null ? { group: opts.group } : { peer: opts.peer ?? '' }
      const r = await withActions({ ...opts, message: '' }, async client => await client.setTimer(conversation, seconds))
      const status = r.status === 'queued' ? `queued in the outbox (${r.error ?? 'not reachable now'})` : r.status
      print(opts, { ...conversation, seconds, timer: describeTimer(seconds), status: r.status },
        `disappearing messages ${seconds === 0 ? 'off' : `set to ${describeTimer(seconds)}`} for ${opts.group != null ? `group ${opts.group}` : opts.peer ?? ''}: ${status}`)
    })
}
