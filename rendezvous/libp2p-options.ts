// The rendezvous node's libp2p host as its config describes it: relay server, DHT server, and the
// limits on connections, streams, identify, gossipsub and DHT records.
import { ipConnectionGater } from './limits/connection-gater.ts'
import type { BlockedCheck } from './limits/connection-gater.ts'
import type { BlockKind } from './accounts/account-store.ts'
import type { RendezvousConfig } from './config.ts'
import type { CreateChatNodeOptions } from '../protocol/mesh/create-node.ts'

export interface Libp2pParts {
  privateKey: CreateChatNodeOptions['privateKey']
  transports: CreateChatNodeOptions['transports']
  /** Overrides the config's connection limits (simulations bring many peers from one host). */
  connectionManager?: CreateChatNodeOptions['connectionManager']
  now?: () => number
  /** Every refused connection or resource, for /metrics. */
  onLimit: (limit: string) => void
  /** The operator's blocklist, in force from the first connection. */
  blocked?: BlockedCheck
  onBlocked?: (kind: BlockKind) => void
}

export function libp2pOptions (config: RendezvousConfig, parts: Libp2pParts): CreateChatNodeOptions {
  const { relay, limits } = config
  return {
    privateKey: parts.privateKey,
    transports: parts.transports,
    connectionManager: parts.connectionManager ?? {
      maxConnections: limits.maxConnections,
      inboundConnectionThreshold: limits.connectionRatePerIp
    },
    connectionGater: ipConnectionGater({
      maxConnectionsPerIp: limits.maxConnectionsPerIp,
      exemptLoopback: !limits.limitLoopback,
      onLimit: parts.onLimit,
      blocked: parts.blocked,
      onBlocked: parts.onBlocked
    }),
    limits: {
      identifyMaxMessageBytes: limits.identifyMaxMessageBytes,
      // Gossipsub charges a topic its length plus 1 KiB: room for that many group topics (80 characters).
      gossipTopicBytesPerPeer: limits.gossipTopicsPerPeer * (1024 + 80),
      gossipMaxMessageBytes: limits.gossipMaxMessageBytes,
      maxStreamsPerConnection: limits.maxStreamsPerConnection,
      dhtMaxRecords: limits.dhtMaxRecords,
      dhtMaxProviderRecords: limits.dhtMaxProviderRecords
    },
    now: parts.now,
    onLimit: parts.onLimit,
    listen: config.listen,
    dhtServer: true,
    privateNetwork: config.privateNetwork,
    relayServer: {
      reservations: {
        maxReservations: relay.maxReservations,
        defaultDataLimit: BigInt(relay.dataLimitBytes),
        defaultDurationLimit: relay.durationLimitMs
      }
    }
  }
}
