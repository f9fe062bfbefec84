// `babacloud contact`: the contact list, one for the whole account: a contact added, renamed, marked
// verified or removed here goes, end to end encrypted through the outbox, to the account's other
// devices (they take it while `inbox` or `chat` runs), and what they changed shows here.
import { listContacts } from '../../protocol/control/own-contacts.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome, Home } from '../home.ts'
import { print } from '../output.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import type { Contact } from '../../protocol/control/own-contacts.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

interface ContactOptions extends OutputOptions {
  home: string
  rendezvous?: string[]
  name?: string
  username?: string
  off?: boolean
}

function checkPeer (peer: string): string {
  try {
    return parsePeerId(peer).toString()
  } catch {
    throw new CliError(`not a PeerId: ${peer}`, 'INVALID')
  }
}

function line (c: Contact): string {
  return `${c.peer}${c.nickname !== '' ? ` "${c.nickname}"` : ''}${c.username != null ? ` @${c.username}` : ''}${c.verifiedAt != null ? ' (verified)' : ''}`
}

/** Changes the list here, queues the change for the account's other devices and sends it if the node is reachable. */
async function change<T> (opts: ContactOptions, fn: (client: ChatClient) => Promise<T>): Promise<{ result: T, devices: number, online: boolean }> {
  const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, mode: 'send', offline: 'queue' })
  try {
    const result = await fn(session.client)
    const devices = (await session.client.own.others()).length
    if (session.online && devices > 0) await session.client.flushOutbox()
    return { result, devices, online: session.online }
  } finally {
    await session.close()
  }
}

/** A contact changed on another device of the account (inbox): one `contact` line. */
export function showContactChange (opts: OutputOptions, c: Contact): void {
  const { peer, nickname, username, verifiedAt, removed, updatedAt } = c
  print(opts, { kind: 'contact', peer, ...(removed === true ? { removed: true } : { nickname, ...(username != null ? { username } : {}), ...(verifiedAt != null ? { verifiedAt } : {}) }), updatedAt },
    removed === true ? `contact ${peer} removed on another device` : `contact ${line(c)} changed on another device`)
}

function told (devices: number, online: boolean): string {
  if (devices === 0) return ''
  return ` (${online ? 'sent' : 'queued'} to the account's ${devices} other device${devices === 1 ? '' : 's'})`
}

function common (cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'print JSON')
}

export function registerContact (program: Command): void {
  const contact = program.command('contact').description('your contact list, the same on every device of your account')

  contact.command('list')
    .description('the contacts on this device (no network)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--json', 'one JSON object a line: peer, nickname, username, addedAt, updatedAt, verifiedAt')
    .action(async (opts: ContactOptions) => {
      const home = new Home(opts.home)
      await home.identity()
      const store = new SqliteChatStore(home.storeFile)
      try {
        const all = await listContacts(store)
        if (opts.json === true) for (const c of all) console.log(JSON.stringify(c))
        else console.log(all.length === 0 ? 'no contacts' : all.map(line).join('\n'))
      } finally {
        await store.close()
      }
    })

  common(contact.command('add').description('add a contact, or rename one'))
    .argument('<peer>', 'the contact\'s device PeerId')
    .option('--name <nickname>', 'what you call them')
    .option('--username <name>', 'the account they were found by (without @)')
    .action(async (peer: string, opts: ContactOptions) => {
      const id = checkPeer(peer)
      const { result, devices, online } = await change(opts, async client => await client.contacts.add(id, {
        ...(opts.name != null ? { nickname: opts.name } : {}),
        ...(opts.username != null ? { username: opts.username } : {})
      }).catch(err => { throw new CliError((err as Error).message, 'INVALID') }))
      print(opts, { ...result, otherDevices: devices }, `contact ${line(result)}${told(devices, online)}`)
    })

  common(contact.command('verify').description('mark a contact verified after comparing safety numbers (babacloud safety-number), or take it back'))
    .argument('<peer>', 'the contact\'s device PeerId')
    .option('--off', 'take the mark back')
    .action(async (peer: string, opts: ContactOptions) => {
      const id = checkPeer(peer)
      const { result, devices, online } = await change(opts, async client => await client.contacts.setVerified(id, opts.off !== true))
      if (result == null) throw new CliError(`no contact ${id} on this device`, 'NOT_FOUND')
      print(opts, { ...result, otherDevices: devices }, `contact ${line(result)}${told(devices, online)}`)
    })

  common(contact.command('remove').description('remove a contact (its messages stay)'))
    .argument('<peer>', 'the contact\'s device PeerId')
    .action(async (peer: string, opts: ContactOptions) => {
      const id = checkPeer(peer)
      const { result, devices, online } = await change(opts, async client => await client.contacts.remove(id))
      if (!result) throw new CliError(`no contact ${id} on this device`, 'NOT_FOUND')
      print(opts, { peer: id, removed: true, otherDevices: devices }, `removed contact ${id}${told(devices, online)}`)
    })
}
