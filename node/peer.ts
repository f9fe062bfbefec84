// Opens a device's ChatClient for one CLI command: identity and store from --home, connected to its
// rendezvous. Turns network and input failures into one-line CLI errors.
import { multiaddr } from '@multiformats/multiaddr'
import { Profiles } from '../protocol/control/profiles.ts'
import { ChatClient } from '../protocol/chat-client.ts'
import { UnreachableError, errorMessage } from '../protocol/errors.ts'
import { MAX_HOMES } from '../protocol/federation/home.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { CliError } from './cli-error.ts'
import { Home } from './home.ts'
import { nodeTransports } from './platform.ts'
import { platformCryptoPool } from './crypto-pool.ts'
import { SqliteChatStore } from './sqlite-chat-store.ts'
import type { PeerProfile } from '../protocol/control/profiles.ts'
import type { ChatClientEvents, ClientMode } from '../protocol/chat-client.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export function parseRendezvous (text: string | undefined, home: Home): Multiaddr {
  const value = text ?? process.env.BABACLOUD_RENDEZVOUS ?? home.settings().rendezvous
  if (value == null) throw new CliError('no rendezvous given: pass --rendezvous MULTIADDR (the address `babacloud rendezvous` prints)')
  return parseAddress(value)
}

function parseAddress (value: string): Multiaddr {
  let ma: Multiaddr
  try {
    ma = multiaddr(value.trim())
  } catch {
    throw new CliError(`malformed multiaddr: ${value}`)
  }
  if (ma.getComponents().findLast(c => c.name === 'p2p') == null) {
    throw new CliError(`rendezvous address must end with /p2p/<peer id>: ${value}`)
  }
  return ma
}

/** Commander collector: `--rendezvous` may be repeated, one home each (the first is the main one). */
export function collectRendezvous (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * The device's homes: every `--rendezvous` given (the first relays, the others only hold mail),
 * else the environment or the ones remembered in the home's settings.
 */
export function parseHomes (given: string | string[] | undefined, home: Home): { rendezvous: Multiaddr, homes: Multiaddr[] } {
  const list = typeof given === 'string' ? [given] : given ?? []
  if (list.length === 0) {
    return { rendezvous: parseRendezvous(undefined, home), homes: process.env.BABACLOUD_RENDEZVOUS != null ? [] : (home.settings().homes ?? []).map(parseAddress) }
  }
  if (list.length > MAX_HOMES) throw new CliError(`at most ${MAX_HOMES} homes (--rendezvous given ${list.length} times)`)
  const [first, ...rest] = list.map(parseAddress)
  return { rendezvous: first, homes: rest }
}

/** `--redundancy K`: how many of a recipient's homes get a copy (remembered like the rendezvous). */
export function parseRedundancy (text: string | undefined, home: Home): number | undefined {
  if (text == null) return home.settings().redundancy
  const k = Number(text)
  if (!Number.isInteger(k) || k < 1 || k > MAX_HOMES) throw new CliError(`--redundancy: expected an integer from 1 to ${MAX_HOMES}, got ${text}`)
  return k
}

export interface PeerSession {
  client: ChatClient
  /** Profiles shared by contacts (kept as they arrive) and this device's own. */
  profiles: Profiles
  /** False when the rendezvous was unreachable and `offline: 'queue'` kept the session anyway. */
  online: boolean
  close(): Promise<void>
}

export interface OpenPeerOptions {
  home: string
  /** One address, or several (repeated `--rendezvous`): the device is homed on each. */
  rendezvous?: string | string[]
  /** `--redundancy K` as given: copies of each sent message on K of the recipient's homes. */
  redundancy?: string
  /** Attached before the first mailbox sync so nothing received at start-up is missed. */
  onMessage?: (evt: ChatClientEvents['message']) => void
  /**
   * `receive` (default): take what waits and live messages. `send`: connect and flush the outbox,
   * take nothing (a one-shot send leaves waiting messages for `inbox`). `connect`: connect only.
   */
  mode?: ClientMode
  /** With the rendezvous down, open the store anyway (not connected) so a message can be queued. */
  offline?: 'fail' | 'queue'
  /** Runs before the first mailbox sync: register control handlers (attachments) here. */
  beforeStart?: (client: ChatClient) => Promise<void>
  /** A contact device shared a new display name or avatar. */
  onProfile?: (peer: string, profile: PeerProfile) => void
}

export async function openPeer (options: OpenPeerOptions): Promise<PeerSession> {
  const home = new Home(options.home)
  const identity = await home.identity()
  const { rendezvous, homes } = parseHomes(options.rendezvous, home)
  const redundancy = parseRedundancy(options.redundancy, home)
  const store = new SqliteChatStore(home.storeFile)
  const node = await createChatNode({
    privateKey: identity.privateKey,
    transports: nodeTransports(),
    // Reachable through the rendezvous relay; Node peers behind NAT need no open port.
    listen: ['/p2p-circuit'],
    privateNetwork: true
  })
  // With a core to spare, a long mailbox is verified and opened on all of them.
  const cryptoPool = platformCryptoPool()
  const client = new ChatClient({ node, identity, store, rendezvous, homes, redundancy, ...(cryptoPool != null ? { cryptoPool } : {}) })
  if (options.onMessage != null) client.addEventListener('message', options.onMessage)
  // Every command that takes from the mailbox keeps the profiles it finds, never drops them.
  const profiles = new Profiles({ control: client.control, store, log: node.logger.forComponent('babacloud:profiles'), onChange: options.onProfile })
  // Errors go to stderr in every mode: stdout stays one message a line.
  client.addEventListener('refused', ({ detail: r }) => {
    process.stderr.write(`babacloud: refused a sealed message ${r.id} from ${r.from}: you have an encrypted session with it, so this is a replay or a downgrade\n`)
  })
  const close = async (): Promise<void> => {
    await client.stop()
    await node.stop()
    await store.close()
    await cryptoPool?.close()
  }
  try {
    await options.beforeStart?.(client)
    await client.start({ mode: options.mode ?? 'receive' })
  } catch (err) {
    const unreachable = UnreachableError.name === (err as Error).name
    if (unreachable && options.offline === 'queue') {
      // The store stays open for queueing; the network parts go.
      await client.stop()
      return { client, profiles, online: false, close }
    }
    await close()
    if (unreachable) throw new CliError(errorMessage(err), 'UNREACHABLE')
    throw err
  }
  home.saveSettings({ rendezvous: rendezvous.toString(), homes: homes.map(h => h.toString()), ...(redundancy != null ? { redundancy } : {}) })
  return { client, profiles, online: true, close }
}
