// `babacloud group …`: create, invite, remove, rename, leave, send, list, history. Changes and sends
// act on the local group state and take nothing from the mailbox (`babacloud inbox` receives group
// messages, invitations and keys), so no pending message is consumed without being shown.
import { GroupClient } from '../../protocol/groups/group-client.ts'
import { GroupStore } from '../../protocol/groups/group-store.ts'
import { toInfo } from '../../protocol/groups/group-state.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome, Home } from '../home.ts'
import { formatTime, print } from '../output.ts'
import { showGroupMessage } from '../message-lines.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { progressLine, readAttachment, startAttachments } from '../attachment-cli.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import type { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import type { GroupChangeResult } from '../../protocol/groups/group-client.ts'
import type { GroupInfo } from '../../protocol/groups/group-state.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

interface Common extends OutputOptions {
  home: string
  rendezvous?: string[]
}

/** Attaches groups to a client before its first sync (openPeer's beforeStart) and prints its messages. */
export function openGroups (client: ChatClient, opts: OutputOptions): GroupClient {
  const groups = new GroupClient({ chat: client })
  groups.addEventListener('message', evt => { showGroupMessage(opts, evt.detail) })
  groups.addEventListener('group', evt => {
    const { group, member, previous } = evt.detail
    const what = !member ? 'you are no longer a member of' : previous == null ? 'you were added to' : 'changes in'
    // Notes only: stdout stays one message a line for scripts.
    if (opts.json !== true) process.stderr.write(`group ${group.id}: ${what} "${group.name}" (${group.encryption}, ${group.members.length} members)\n`)
  })
  return groups
}

/** Runs one group action online: connected, groups attached, background key hand-outs awaited. */
async function withGroups<T> (opts: Common, action: (groups: GroupClient) => Promise<T>, beforeStart?: (client: ChatClient) => Promise<void>): Promise<T> {
  let groups: GroupClient | undefined
  const session = await openPeer({
    home: opts.home,
    rendezvous: opts.rendezvous,
    mode: 'connect',
    beforeStart: async client => {
      groups = openGroups(client, opts)
      await beforeStart?.(client)
    }
  })
  try {
    if (groups == null) throw new Error('group client was not attached')
    await groups.start()
    return await action(groups)
  } finally {
    await groups?.stop()
    await session.close()
  }
}

function describeGroup (g: GroupInfo & { member?: boolean }): string {
  const state = g.member === false ? '  (not a member)' : ''
  return `${g.id}  "${g.name}"  ${g.encryption}  v${g.version}  ${g.members.length} members, admins ${g.admins.join(', ')}${state}`
}

function printChange (opts: OutputOptions, verb: string, result: GroupChangeResult): void {
  print(opts, { ...result.group, failures: result.failures },
    `${verb} ${describeGroup(result.group)}` + result.failures.map(f => `\n  not reached: ${f.peerId}: ${f.error}`).join(''))
}

function common (cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'machine-readable output')
}

/** Local commands read the store without connecting. */
async function withStore<T> (home: string, action: (store: SqliteChatStore) => Promise<T>): Promise<T> {
  const h = new Home(home)
  await h.identity()
  const store = new SqliteChatStore(h.storeFile)
  try {
    return await action(store)
  } finally {
    await store.close()
  }
}

/**
 * A file to a group: the same encrypted attachment path as to a contact, one offer (naming the
 * group) and one copy per other member's device, directly or parked on the rendezvous for it.
 */
async function sendGroupFile (opts: Common & { group: string, file: string }, caption: string): Promise<void> {
  const file = readAttachment(opts.file, caption)
  let attachments: AttachmentService | undefined
  const result = await withGroups(opts, async g => {
    const info = await g.get(opts.group).catch(() => { throw new CliError(`no group ${opts.group} on this device`, 'GROUP_NOT_FOUND') })
    const me = g.chat.peerId.toString()
    if (!info.members.includes(me)) throw new CliError(`this device is not a member of ${opts.group}`, 'NOT_MEMBER')
    const members = info.members.filter(m => m !== me).map(m => parsePeerId(m))
    if (members.length === 0) throw new CliError(`nobody else is in group ${opts.group} yet`)
    if (attachments == null) throw new Error('attachments were not attached')
    const progress = progressLine(`sending ${file.name}`, opts)
    return await attachments.send(members, { ...file, group: opts.group }, { onProgress: progress.update }).finally(progress.end)
  }, async client => { attachments = await startAttachments(client, opts.home) })
  const delivered = result.devices.filter(d => d.status === 'delivered').length
  print(opts, { id: result.id, status: result.failures.length === 0 ? result.status : 'partial', group: opts.group, members: result.devices, failures: result.failures, attachment: { name: file.name, size: file.bytes.length, mime: file.mime } },
    `sent ${file.name} ${result.id} to group ${opts.group}: delivered to ${delivered}, stored on the rendezvous for ${result.devices.length - delivered} member device(s)` +
    result.failures.map(f => `\n  not sent to ${f.peerId}: ${f.error}`).join(''))
}

export function registerGroup (program: Command): void {
  const group = program.command('group').description('group chats: end-to-end encrypted (or open) groups over gossipsub')

  common(group.command('create').description('create a group; you are its admin'))
    .requiredOption('--name <name>', 'group name, shown to every member')
    .option('--open', 'signed but not encrypted messages (every member sees this setting)')
    .option('--member <peer...>', 'device PeerIds or @usernames to add at once')
    .action(async (opts: Common & { name: string, open?: boolean, member?: string[] }) => {
      const result = await withGroups(opts, async g => await g.create({ name: opts.name, encryption: opts.open === true ? 'open' : 'e2ee', members: opts.member }))
      printChange(opts, 'created', result)
    })

  common(group.command('invite').description('add members (admins only)'))
    .requiredOption('--group <id>', 'group id')
    .requiredOption('--member <peer...>', 'device PeerIds or @usernames (all their devices) to add')
    .action(async (opts: Common & { group: string, member: string[] }) => {
      printChange(opts, 'invited to', await withGroups(opts, async g => await g.invite(opts.group, opts.member)))
    })

  common(group.command('remove').description('remove a member (admins only); every member rotates its key'))
    .requiredOption('--group <id>', 'group id')
    .requiredOption('--member <peer>', 'device PeerId to remove')
    .action(async (opts: Common & { group: string, member: string }) => {
      printChange(opts, 'removed from', await withGroups(opts, async g => await g.remove(opts.group, opts.member)))
    })

  common(group.command('rename').description('rename a group (admins only)'))
    .requiredOption('--group <id>', 'group id')
    .requiredOption('--name <name>', 'new name')
    .action(async (opts: Common & { group: string, name: string }) => {
      printChange(opts, 'renamed', await withGroups(opts, async g => await g.rename(opts.group, opts.name)))
    })

  common(group.command('leave').description('leave a group'))
    .requiredOption('--group <id>', 'group id')
    .action(async (opts: Common & { group: string }) => {
      printChange(opts, 'left', await withGroups(opts, async g => await g.leave(opts.group)))
    })

  common(group.command('send').description('send a message to a group (published live, and stored for offline members)'))
    .requiredOption('--group <id>', 'group id')
    .option('--reply-to <id>', 'id of a message of this group the new one answers (quoted)')
    .option('--file <path>', 'send a file to every other member, end-to-end encrypted (the text, if any, is its caption)')
    .argument('[text...]', 'message text')
    .action(async (words: string[], opts: Common & { group: string, replyTo?: string, file?: string }) => {
      const text = words.join(' ')
      if (opts.file != null) {
        if (opts.replyTo != null) throw new CliError('--reply-to takes a text message, not --file')
        await sendGroupFile(opts as Common & { group: string, file: string }, text)
        return
      }
      if (words.length === 0) throw new CliError("missing required argument 'text' (or send a file with --file PATH)")
      if (text.trim() === '') throw new CliError('message text is empty')
      const r = await withGroups(opts, async g => await g.send(opts.group, text, opts.replyTo != null ? { replyTo: opts.replyTo } : {}))
      const status = r.failures.length === 0 ? 'stored' : r.successes.length > 0 || r.published > 0 ? 'partial' : 'failed'
      print(opts, { id: r.id, status, published: r.published, stored: r.successes.length, failures: r.failures },
        `sent ${r.id}: live to ${r.published} peer(s), stored for ${r.successes.length} member(s)` + r.failures.map(f => `\n  not stored for ${f.peerId}: ${f.error}`).join(''))
    })

  common(group.command('list').description('the groups on this device (local, no network)'))
    .action(async (opts: Common) => {
      await withStore(opts.home, async store => {
        const me = (await new Home(opts.home).identity()).peerId.toString()
        for (const state of await new GroupStore(store).listStates()) {
          const info = { ...toInfo(state), member: state.members.includes(me) }
          print(opts, info, describeGroup(info))
        }
      })
    })

  common(group.command('history').description('a group\'s messages on this device (local, no network)'))
    .requiredOption('--group <id>', 'group id')
    .action(async (opts: Common & { group: string }) => {
      await withStore(opts.home, async store => {
        const groups = new GroupStore(store)
        const state = await groups.getState(opts.group)
        if (state == null) throw new CliError(`no group ${opts.group} on this device`, 'GROUP_NOT_FOUND')
        for (const m of await store.listMessages({ group: opts.group })) {
          const from = m.direction === 'out' ? 'me' : m.sender ?? await groups.getSender(m.id) ?? '?'
          print(opts, { id: m.id, from, text: m.text, sentAt: m.sentAt, status: m.status }, `${formatTime(m.sentAt)}  ${from}  ${m.text}`)
        }
      })
    })
}
