// `babacloud status`: where a sent message is now. Takes what waits in the mailbox first (delivery
// and read receipts, purge receipts; incoming messages taken meanwhile are stored and shown by
// `inbox --all`) unless --offline, then prints the message's state from the local store.
import { readDeviceReceipts } from '../../protocol/control/receipts.ts'
import { readGroupReceipts } from '../../protocol/control/group-receipts.ts'
import { envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { Home, defaultHome } from '../home.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { formatTime, print } from '../output.ts'
import { SqliteChatStore } from '../sqlite-chat-store.ts'
import { CliError } from '../cli-error.ts'
import type { DeviceReceiptState } from '../../protocol/control/receipts.ts'
import type { ChatMessage, ChatStore } from '../../protocol/store/chat-store.ts'
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
  /** Delivery, read and purge receipts are each kept per recipient device (a group member is one). */
  perDevice: { delivered: true, read: true, purged: true }
  /** Every recipient device something was heard from: its receipts, or the node's word on its copy. */
  devices: DeviceState[]
  /** Held at the node longer than the threshold without delivery or a purge receipt. */
  flagged: boolean
  storedForMs?: number
}

export interface DeviceState {
  device: string
  delivered: boolean
  read: boolean
  /** The node deleted this device's copy (verified): when it took it, or when it expired unread. */
  purgedAt?: number
  expired?: true
}

/** Per-device state from the receipts (`DeviceReceiptState`) and the purge records, first heard first. */
export function deviceStates (m: ChatMessage, receipts: DeviceReceiptState): DeviceState[] {
  const order = [...new Set([...receipts.delivered, ...receipts.read, ...(m.purged ?? []).map(p => p.device)])]
  return order.map(device => {
    const purge = m.purged?.find(p => p.device === device)
    return {
      device,
      delivered: receipts.delivered.includes(device) || receipts.read.includes(device),
      read: receipts.read.includes(device),
      ...(purge != null ? { purgedAt: purge.at } : {}),
      ...(purge?.reason === 'expired' ? { expired: true as const } : {})
    }
  })
}

/** The receipts kept for a sent message: per member for a group message, per device for 1:1. */
export async function receiptsOf (store: Pick<ChatStore, 'getValue'>, m: ChatMessage): Promise<DeviceReceiptState> {
  return m.group != null ? await readGroupReceipts(store as ChatStore, m.id) : await readDeviceReceipts(store, m.id)
}

export function messageState (m: ChatMessage, now: number, stuckMs: number, receipts: DeviceReceiptState = { delivered: [], read: [] }): MessageState {
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
    perDevice: { delivered: true, read: true, purged: true },
    devices: deviceStates(m, receipts),
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
    `  read       ${yes(s.read)}`
  ]
  for (const d of s.devices) {
    const state = d.expired === true ? 'expired unread at the node' : d.read ? 'read' : d.delivered ? 'delivered' : d.purgedAt != null ? 'taken from the node' : 'waiting'
    lines.push(`  device ${d.device}: ${state}`)
  }
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
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .requiredOption('--message <id>', 'the message id `send` printed')
    .option('--offline', 'only the local store: take nothing from the mailbox first')
    .option('--stuck-hours <hours>', 'flag a message held at the node longer than this', String(DEFAULT_STUCK_HOURS))
    .option('--json', 'one JSON object')
    .action(async (opts: { home: string, rendezvous?: string[], message: string, offline?: boolean, stuckHours: string, json?: boolean }) => {
      const stuckHours = Number(opts.stuckHours)
      if (!Number.isFinite(stuckHours) || stuckHours < 0) throw new CliError(`--stuck-hours expects a number of hours, got ${opts.stuckHours}`)
      const id = opts.message.trim().toLowerCase()
      try {
        envelopeIdFromString(id)
      } catch {
        throw new CliError(`--message expects a message id (32 hex characters), got ${opts.message}`)
      }
      let message: ChatMessage | undefined
      let receipts: DeviceReceiptState | undefined
      const read = async (store: ChatStore): Promise<void> => {
        message = await store.getMessage(id)
        if (message != null) receipts = await receiptsOf(store, message)
      }
      if (opts.offline === true) {
        const home = new Home(opts.home)
        await home.identity()
        const store = new SqliteChatStore(home.storeFile)
        try {
          await read(store)
        } finally {
          await store.close()
        }
      } else {
        const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous })
        try {
          await session.client.sync()
          await read(session.client.store)
        } finally {
          await session.close()
        }
      }
      if (message == null) throw new CliError(`no message ${id} in this device's history`, 'NOT_FOUND')
      if (message.direction !== 'out') throw new CliError(`message ${id} was received, not sent: status is for messages you sent`)
      const state = messageState(message, Date.now(), stuckHours * 3600_000, receipts)
      print(opts, state, describe(state, stuckHours))
    })
}
