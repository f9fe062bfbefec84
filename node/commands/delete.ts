// `babacloud delete`: a message off this device (no copy left in its store, and a replay of it is
// refused), or with --for-everyone one of ours off every participant's device too, leaving a
// tombstone in each conversation.
import { CliError } from '../cli-error.ts'
import { defaultHome, Home } from '../home.ts'
import { print } from '../output.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { knownOwnDevices } from '../../protocol/control/own-devices.ts'
import { openPeer } from '../peer.ts'
import { withActions } from './message-actions.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'
import { collectRendezvous } from '../peer.ts'

interface DeleteOptions extends OutputOptions {
  home: string
  rendezvous?: string[]
  message: string
  forEveryone?: boolean
}

/** Queues `account/delete` for the account's other devices and sends it now when the node is reachable. */
async function tellOwnDevices (opts: DeleteOptions): Promise<number> {
  const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, mode: 'send', offline: 'queue' })
  try {
    const told = await session.client.parts.own.deleted([opts.message])
    if (session.online) await session.client.flushOutbox()
    return told
  } finally {
    await session.close()
  }
}

export function registerDelete (program: Command): void {
  program.command('delete')
    .description('delete a message from this device (no copy left); with --for-everyone, one you sent also from the devices of everyone in its conversation')
    .requiredOption('--message <id>', 'id of the message (as `inbox --json` prints it)')
    .option('--for-everyone', 'delete one of your messages for everyone in the conversation (1:1 or group); both ends keep a "deleted" mark')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address, for --for-everyone (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
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
      let others: string[]
      try {
        if (await store.getMessage(opts.message) == null) throw new CliError(`no message ${opts.message} on this device`, 'NOT_FOUND')
        await store.deleteMessage(opts.message)
        others = await knownOwnDevices(store)
      } finally {
        await store.close()
      }
      // The account's other devices delete it too; a device with none stays off the network.
      const told = others.length === 0 ? 0 : await tellOwnDevices(opts)
      print(opts, { id: opts.message, deleted: 'here', ...(told > 0 ? { otherDevices: told } : {}) },
        `deleted ${opts.message} from this device${told > 0 ? ` (and asked the account's ${told} other device${told === 1 ? '' : 's'} to delete it)` : ''}`)
    })
}
