// `babacloud delete`: a message off this device (no copy left in its store, and a replay of it is
// refused), or with --for-everyone one of ours off every participant's device too, leaving a
// tombstone in each conversation.
import { CliError } from '../cli-error.ts'
import { defaultHome, Home } from '../home.ts'
import { print } from '../output.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { withActions } from './message-actions.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

interface DeleteOptions extends OutputOptions {
  home: string
  rendezvous?: string
  message: string
  forEveryone?: boolean
}

export function registerDelete (program: Command): void {
  program.command('delete')
    .description('delete a message from this device (no copy left); with --for-everyone, one you sent also from the devices of everyone in its conversation')
    .requiredOption('--message <id>', 'id of the message (as `inbox --json` prints it)')
    .option('--for-everyone', 'delete one of your messages for everyone in the conversation (1:1 or group); both ends keep a "deleted" mark')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address, for --for-everyone (remembered after first use)')
    .option('--json', 'print {id, deleted: "here" | "everyone", status}')
    .action(async (opts: DeleteOptions) => {
      if (opts.forEveryone === true) {
        const r = await withActions({ ...opts }, async client => await client.deleteForEveryone(opts.message))
        print(opts, { id: opts.message, deleted: 'everyone', status: r.status },
          `deleted ${opts.message} for everyone: ${r.status === 'queued' ? `the request waits in the outbox (${r.error ?? 'not reachable now'})` : r.status}`)
        return
      }
      // Local: no network, nothing sent.
      const home = new Home(opts.home)
      await home.identity()
      const store = new SqliteChatStore(home.storeFile)
      try {
        if (await store.getMessage(opts.message) == null) throw new CliError(`no message ${opts.message} on this device`, 'NOT_FOUND')
        await store.deleteMessage(opts.message)
      } finally {
        await store.close()
      }
      print(opts, { id: opts.message, deleted: 'here' }, `deleted ${opts.message} from this device`)
    })
}
