// `babacloud admin block|unblock`: PeerIds and address prefixes a node refuses. Kept in the accounts
// database (every instance on it applies them); a running node picks a change up within
// `blocklistRefreshInterval` and closes the connections it covers.
import { peerIdFromString } from '@libp2p/peer-id'
import { BlockValueError, canonicalPrefix } from '../../rendezvous/limits/blocklist.ts'
import { CliError } from '../cli-error.ts'
import { formatTime, print } from '../output.ts'
import { common, withAccounts } from './admin-common.ts'
import type { AdminOpts } from './admin-common.ts'
import type { BlockKind } from '../../rendezvous/accounts/account-store.ts'
import type { Command } from 'commander'

/** A PeerId, or an IPv4/IPv6 address or CIDR prefix (a bare address blocks just that address). */
export function parseBlockTarget (text: string): { kind: BlockKind, value: string } {
  if (/^[0-9a-f.:]+(\/\d+)?$/i.test(text) && (text.includes('.') || text.includes(':'))) {
    try {
      return { kind: 'prefix', value: canonicalPrefix(text) }
    } catch (err) {
      if (err instanceof BlockValueError) throw new CliError(err.message, err.code)
      throw err
    }
  }
  try {
    return { kind: 'peer', value: peerIdFromString(text).toString() }
  } catch {
    throw new CliError(`${text} is neither a PeerId nor an IP address or CIDR prefix`, 'BAD_BLOCK')
  }
}

export function registerAdminBlock (admin: Command): void {
  common(admin.command('block').description('refuse a PeerId or an address prefix (CIDR), also on a running node; --list shows the blocks'))
    .argument('[target]', 'a PeerId, an IP address, or a prefix like 203.0.113.0/24')
    .option('--reason <text>', 'a note for operators (never shown to the blocked peer)')
    .option('--list', 'list the blocks instead')
    .action(async (target: string | undefined, o: AdminOpts & { reason?: string, list?: boolean }) => {
      if (o.list === true) {
        const blocks = await withAccounts(o, async accounts => await accounts.listBlocks())
        print(o, blocks, blocks.length === 0 ? 'no blocks' : blocks.map(b => `${b.kind} ${b.value} since ${formatTime(b.blockedAt)}${b.reason != null ? ` (${b.reason})` : ''}`).join('\n'))
        return
      }
      if (target == null) throw new CliError('name a PeerId or prefix to block, or use --list')
      const block = parseBlockTarget(target)
      const added = await withAccounts(o, async accounts => await accounts.addBlock({ ...block, ...(o.reason != null ? { reason: o.reason } : {}), blockedAt: Date.now() }))
      print(o, { ...block, added }, added ? `blocked ${block.kind} ${block.value}` : `${block.kind} ${block.value} was already blocked`)
    })

  common(admin.command('unblock').description('lift a block made with admin block'))
    .argument('<target>', 'the PeerId or prefix as blocked')
    .action(async (target: string, o: AdminOpts) => {
      const block = parseBlockTarget(target)
      const removed = await withAccounts(o, async accounts => await accounts.removeBlock(block.kind, block.value))
      if (!removed) throw new CliError(`${block.kind} ${block.value} is not blocked`, 'NOT_FOUND')
      print(o, { ...block, removed }, `unblocked ${block.kind} ${block.value}`)
    })
}
