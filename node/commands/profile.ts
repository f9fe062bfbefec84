// `babacloud profile`: the display name and small avatar this device shares with its contacts (end
// to end encrypted, through the outbox, to every 1:1 conversation's peer), and what a contact shared.
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { AVATAR_TYPES, MAX_AVATAR_BYTES, peerProfile, profileProblem } from '../../protocol/control/profiles.ts'
import { CliError } from '../cli-error.ts'
import { Home, defaultHome } from '../home.ts'
import { print } from '../output.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { flushOutbox } from './send.ts'
import type { PeerProfile, Profile } from '../../protocol/control/profiles.ts'
import type { OutputOptions } from '../output.ts'
import type { Command } from 'commander'

interface ProfileOptions extends OutputOptions {
  home: string
  rendezvous?: string[]
  name?: string
  avatar?: string
  clearAvatar?: boolean
  of?: string
}

const TYPES: Record<string, typeof AVATAR_TYPES[number]> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' }

function readAvatar (file: string): NonNullable<Profile['avatar']> {
  const type = TYPES[extname(file).toLowerCase()]
  if (type == null) throw new CliError(`--avatar: a .png, .jpg or .webp file, got ${file}`, 'INVALID')
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(readFileSync(file))
  } catch (err) {
    throw new CliError(`--avatar: cannot read ${file}: ${(err as Error).message}`)
  }
  if (bytes.length > MAX_AVATAR_BYTES) throw new CliError(`--avatar: ${bytes.length} bytes; an avatar is at most ${MAX_AVATAR_BYTES / 1024} KiB (a small square picture, e.g. 96×96)`, 'INVALID')
  return { bytes, type }
}

/** What `--json` prints of a profile: the avatar's type and size, not its bytes. */
export function profileJson (p: Profile & { at?: number }): Record<string, unknown> {
  return { displayName: p.displayName, avatar: p.avatar == null ? null : { type: p.avatar.type, bytes: p.avatar.bytes.length }, ...(p.at != null ? { at: p.at } : {}) }
}

/** An `inbox` line (`kind: 'profile'`): a contact device shared a new name or avatar. */
export function showProfile (opts: OutputOptions, peer: string, p: PeerProfile): void {
  print(opts, { kind: 'profile', from: peer, ...profileJson(p) },
    `${peer} is now called ${p.displayName === '' ? '(no name)' : `"${p.displayName}"`}${p.avatar != null ? ' and has a new picture' : ''}`)
}

export function registerProfile (program: Command): void {
  program.command('profile')
    .description('show or change the display name and picture your contacts see (sent to them end to end encrypted); --of shows a contact\'s')
    .option('--name <name>', 'your display name (one line, at most 64 characters; "" for none)')
    .option('--avatar <file>', `your picture: .png, .jpg or .webp, at most ${MAX_AVATAR_BYTES / 1024} KiB`)
    .option('--clear-avatar', 'share no picture')
    .option('--of <peer>', 'show what this contact (PeerId) shared with you, from the local store')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'one JSON object')
    .action(async (opts: ProfileOptions) => {
      if (opts.of != null) {
        const home = new Home(opts.home)
        await home.identity()
        const store = new SqliteChatStore(home.storeFile)
        try {
          const p = await peerProfile(store, opts.of)
          if (p == null) throw new CliError(`${opts.of} has shared no profile with this device (yet)`, 'NOT_FOUND')
          print(opts, { peer: opts.of, ...profileJson(p) }, `${opts.of}: ${p.displayName === '' ? '(no name)' : p.displayName}${p.avatar != null ? ` (picture: ${p.avatar.type}, ${p.avatar.bytes.length} bytes)` : ''}`)
        } finally {
          await store.close()
        }
        return
      }
      const changing = opts.name != null || opts.avatar != null || opts.clearAvatar === true
      // Checked before going online: a bad picture costs no connection.
      const avatar = opts.avatar != null ? readAvatar(opts.avatar) : undefined
      const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, mode: 'send', offline: 'queue' })
      try {
        const own = await session.profiles.own()
        if (!changing) {
          print(opts, profileJson(own), `${own.displayName === '' ? '(no name)' : own.displayName}${own.avatar != null ? ` (picture: ${own.avatar.type}, ${own.avatar.bytes.length} bytes)` : ''}`)
          return
        }
        const next: Profile = {
          displayName: opts.name ?? own.displayName,
          ...(opts.clearAvatar === true ? {} : avatar != null ? { avatar } : own.avatar != null ? { avatar: own.avatar } : {})
        }
        const problem = profileProblem(next)
        if (problem != null) throw new CliError(problem, 'INVALID')
        // Contacts are the peers of this device's 1:1 conversations.
        const contacts = [...new Set((await session.client.store.listMessages()).filter(m => m.group == null && m.timer == null).map(m => m.peer))]
        await session.profiles.share(next, contacts)
        if (session.online) await flushOutbox(session.client, opts)
        print(opts, { ...profileJson(next), sharedWith: contacts.length },
          `profile ${next.displayName === '' ? '(no name)' : `"${next.displayName}"`} shared with ${contacts.length} contact${contacts.length === 1 ? '' : 's'}${session.online ? '' : ' (queued: the node is not reachable now)'}`)
      } finally {
        await session.close()
      }
    })
}
