// `babacloud react` and `babacloud edit`: a reaction to, or a new text for, a message of a 1:1 chat
// or a group, applied here and sent end-to-end encrypted to the conversation's other parties
// through the outbox (they wait there while a recipient cannot be reached).
import { checkReaction } from '../../protocol/control/message-rules.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { print } from '../output.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { openGroups } from './group.ts'
import { flushOutbox } from './send.ts'
import type { AttemptResult, ChatClient } from '../../protocol/chat-client.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

export interface ActionOptions extends OutputOptions {
  home: string
  rendezvous?: string[]
  to?: string
  group?: string
  message: string
}

function common (cmd: Command): Command {
  return cmd
    .option('--to <peer>', 'the 1:1 conversation: PeerId or @username')
    .option('--group <id>', 'the group conversation')
    .requiredOption('--message <id>', 'id of the message (as `inbox --json` prints it)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'print {id, kind, status}')
}

/** Runs an action online, groups attached (they say who a group message goes to), outbox flushed first. */
export async function withActions<T> (opts: ActionOptions, action: (client: ChatClient) => Promise<T>): Promise<T> {
  let stopGroups = async (): Promise<void> => {}
  const session = await openPeer({
    home: opts.home,
    rendezvous: opts.rendezvous,
    mode: 'send',
    beforeStart: async client => {
      const groups = openGroups(client, opts)
      stopGroups = async () => { await groups.stop() }
    }
  })
  try {
    await flushOutbox(session.client, opts)
    return await action(session.client)
  } finally {
    await stopGroups()
    await session.close()
  }
}

/** The message must be in the conversation the command names (exactly one of --to, --group). */
export async function checkConversation (client: ChatClient, opts: ActionOptions): Promise<void> {
  checkOneConversation(opts)
  const m = await client.store.getMessage(opts.message)
  const inIt = m != null && (opts.group != null ? m.group === opts.group : m.group == null && m.peer === opts.to)
  if (!inIt) throw new CliError(`no message ${opts.message} in ${opts.group != null ? `group ${opts.group}` : `the conversation with ${opts.to ?? ''}`} on this device`, 'NOT_FOUND')
}

function checkOneConversation (opts: ActionOptions): void {
  if ((opts.to == null) === (opts.group == null)) throw new CliError('name the conversation: --to PEERID or --group ID (one of them)')
}

function describe (r: AttemptResult): string {
  return r.status === 'queued' ? `queued in the outbox (${r.error ?? 'not reachable now'})` : r.status
}

export function registerMessageActions (program: Command): void {
  common(program.command('react').description('react to a message with one emoji (one reaction per person: a new one replaces it; an empty one or --remove takes it back)'))
    .option('--remove', 'take your reaction back')
    .argument('[emoji]', 'one emoji', '')
    .action(async (emoji: string, opts: ActionOptions & { remove?: boolean }) => {
      if (opts.remove === true && emoji !== '') throw new CliError('give an emoji or --remove, not both')
      if (opts.remove !== true && emoji === '') throw new CliError('missing the emoji (or --remove to take your reaction back)')
      // Checked before going online: a typo costs no connection.
      checkReaction(emoji)
      checkOneConversation(opts)
      const r = await withActions(opts, async client => {
        await checkConversation(client, opts)
        return await client.react(opts.message, emoji)
      })
      print(opts, { id: opts.message, kind: 'reaction', emoji, status: r.status },
        emoji === '' ? `removed your reaction to ${opts.message}: ${describe(r)}` : `reacted ${emoji} to ${opts.message}: ${describe(r)}`)
    })

  common(program.command('edit').description('replace the text of a message you sent (the earlier text stays visible to the participants as its history)'))
    .argument('<text...>', 'the new text')
    .action(async (words: string[], opts: ActionOptions) => {
      const text = words.join(' ')
      if (text.trim() === '') throw new CliError('the new text is empty (use `babacloud delete --for-everyone` to take a message back)')
      const r = await withActions(opts, async client => {
        await checkConversation(client, opts)
        return await client.edit(opts.message, text)
      })
      print(opts, { id: opts.message, kind: 'edit', text, status: r.status }, `edited ${opts.message}: ${describe(r)}`)
    })
}
