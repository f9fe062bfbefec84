// `babacloud status`: where a sent message is now. Takes what waits in the mailbox first (delivery
// and read receipts, purge receipts; incoming messages taken meanwhile are stored and shown by
// `inbox --all`) unless --offline, then prints the message's state from the local store.
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { Home, defaultHome } from '../home.ts'
import { openPeer } from '../peer.ts'
import { formatTime, print } from '../output.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { CliError } from '../cli-error.ts'
import type { ChatMessage } from '../../protocol/store/chat-store.ts'
import type { Command } from 'commander'

/** A message the recipient's node has held this long without news of delivery is flagged. */
export const DEFAULT_STUCK_HOURS = 24

export interface MessageState {
  id: string
  to: string
  group?: string
  sentAt: number
  status: ChatMessage['status']
  /** The recipient's node took it (or a device had it directly). */
  stored: boolean
  delivered: boolean
  read: boolean
  /** Verified purge receipts: the node deleted this device's copy at `at` (`reason` expired: unread). */
  purged: Array<{ device: string, node: string, at: number, reason: 'acked' | 'expired', verified: true }>
  /** A verified expiry notice: the node deleted a copy that was never delivered. */
  expired: boolean
  /** Delivery and read are kept per message here, not per device; purge receipts are per device. */
  perDevice: { delivered: false, read: false, purged: true }
  /** Held at the node longer than the threshold without delivery or a purge receipt. */
  flagged: boolean
  storedForMs?: number
}

export function messageState (m: ChatMessage, now: number, stuckMs: number): MessageState {
  const delivered = m.status === 'delivered' || m.status === 'read'
  const purged = (m.purged ?? []).map(p => ({ ...p, reason: p.reason ?? 'acked' as const, verified: true as const }))
  const waiting = m.status === 'stored' && purged.length === 0
  const storedForMs = waiting ? Math.max(0, now - m.sentAt) : undefined
  return {
    id: m.id,
    to: m.peer,
    ...(m.group != null ? { group: m.group } : {}),
    sentAt: m.sentAt,
    status: m.status,
    stored: m.status === 'stored' || delivered,
    delivered,
    read: m.status === 'read',
    purged,
    expired: purged.some(p => p.reason === 'expired'),
    perDevice: { delivered: false, read: false, purged: true },
    flagged: storedForMs != null && storedForMs > stuckMs,
    ...(storedForMs != null ? { storedForMs } : {})
  }
}

function describe (s: MessageState, stuckHours: number): string {
  const yes = (b: boolean): string => b ? 'yes' : 'no'
  const lines = [
    `message ${s.id} to ${s.group != null ? `group ${s.group}` : s.to}, sent ${formatTime(s.sentAt)}`,
    `  status     ${s.status}`,
    `  stored     ${yes(s.stored)}`,
    `  delivered  ${yes(s.delivered)}`,
    `  read       ${yes(s.read)}`,
    '  (delivered and read are per message in this store, not per device)'
  ]
  if (s.purged.length === 0) lines.push('  removed from the node: no purge receipt yet')
  for (const p of s.purged) {
    lines.push(p.reason === 'expired'
      ? `  ! expired at the node undelivered at ${formatTime(p.at)}: device ${p.device} never got it (verified notice, node ${p.node})`
      : `  removed from the node at ${formatTime(p.at)} (verified, node ${p.node}, device ${p.device})`)
  }
  if (s.flagged) lines.push(`  ! held at the node for ${Math.floor((s.storedForMs ?? 0) / 3600_000)} h, longer than ${stuckHours} h, without delivery`)
  return lines.join('\n')
}

export function registerStatus (program: Command): void {
  program.command('status')
    .description('print a sent message\'s state: stored at the node, delivered, read, purge receipt verified')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use)')
    .requiredOption('--message <id>', 'the message id `send` printed')
    .option('--offline', 'only the local store: take nothing from the mailbox first')
    .option('--stuck-hours <hours>', 'flag a message held at the node longer than this', String(DEFAULT_STUCK_HOURS))
    .option('--json', 'one JSON object')
    .action(async (opts: { home: string, rendezvous?: string, message: string, offline?: boolean, stuckHours: string, json?: boolean }) => {
      const stuckHours = Number(opts.stuckHours)
      if (!Number.isFinite(stuckHours) || stuckHours < 0) throw new CliError(`--stuck-hours expects a number of hours, got ${opts.stuckHours}`)
      const id = opts.message.trim().toLowerCase()
      try {
        envelopeIdFromString(id)
      } catch {
        throw new CliError(`--message expects a message id (32 hex characters), got ${opts.message}`)
      }
      let message: ChatMessage | undefined
      if (opts.offline === true) {
        const home = new Home(opts.home)
        await home.identity()
        const store = new SqliteChatStore(home.storeFile)
        try {
          message = await store.getMessage(id)
        } finally {
          await store.close()
        }
      } else {
        const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous })
        try {
          await session.client.sync()
          message = await session.client.store.getMessage(id)
        } finally {
          await session.close()
        }
      }
      if (message == null) throw new CliError(`no message ${id} in this device's history`, 'NOT_FOUND')
      if (message.direction !== 'out') throw new CliError(`message ${id} was received, not sent: status is for messages you sent`)
      const state = messageState(message, Date.now(), stuckHours * 3600_000)
      print(opts, state, describe(state, stuckHours))
    })
}
