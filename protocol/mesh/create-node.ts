// Builds the libp2p node every BabaCloud peer runs. Transports differ by platform (TCP in Node,
// WebSockets and WebRTC in browsers), so they are passed in; the rest is wired the same everywhere.
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { DHT_PROTOCOL } from '../constants.ts'
import { HOME_NAMESPACE, MAX_HOME_RECORD_BYTES, homeRecordSelector, homeRecordValidator } from '../federation/home.ts'
import { boundedDhtDatastore, withDatastore } from './dht-store-limits.ts'
import { releaseStreamsAfterHandling } from './release-streams.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface'
import type { KadDHT, KadDHTComponents } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Libp2pOptions, ServiceFactoryMap } from 'libp2p'

export interface ChatServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  dht: KadDHT
}

export type ChatNode = Libp2p<ChatServices & Record<string, unknown>>

export interface CreateChatNodeOptions {
  privateKey: PrivateKey
  /** Platform transports, e.g. `[tcp(), webSockets()]`; the circuit relay transport is always added. */
  transports: NonNullable<Libp2pOptions['transports']>
  listen?: string[]
  /** Rendezvous nodes answer DHT queries; chat peers only ask. */
  dhtServer?: boolean
  /**
   * Keep private and loopback addresses in DHT records. Right for tests, simulations and LANs;
   * public nodes keep the default, which drops them.
   */
  privateNetwork?: boolean
  /** Makes this node a circuit relay v2 server (rendezvous nodes). */
  relayServer?: boolean | Parameters<typeof circuitRelayServer>[0]
  connectionGater?: ConnectionGater
  /** Services added beside the standard ones (e.g. the relay server's). */
  services?: ServiceFactoryMap
  /** Bounds on what remote peers can make this node hold (each has a safe default). */
  limits?: NodeLimits
  /** Pass-through libp2p options for the connection manager. */
  connectionManager?: Libp2pOptions['connectionManager']
  /** Clock for DHT record expiry (tests). */
  now?: () => number
  /** Told when a bound on what remote peers can make this node hold refuses something. */
  onLimit?: (limit: string) => void
  start?: boolean
}

export interface NodeLimits {
  /** Identify messages, which carry signed peer records (CVE-2023-40583 was about their size). */
  identifyMaxMessageBytes?: number
  /** Topic bookkeeping per remote gossipsub peer (GHSA-4f8r-922h-2vgv): about 1 KiB a topic. */
  gossipTopicBytesPerPeer?: number
  /** Largest gossipsub message data decoded. */
  gossipMaxMessageBytes?: number
  /** Streams a remote peer may open at once on one connection. */
  maxStreamsPerConnection?: number
  /** DHT value records (signed home records) this node keeps for others. */
  dhtMaxRecords?: number
  /** DHT provider records this node keeps for others; nothing in BabaCloud uses them. */
  dhtMaxProviderRecords?: number
}

export const DEFAULT_NODE_LIMITS: Required<NodeLimits> = {
  identifyMaxMessageBytes: 4096,
  gossipTopicBytesPerPeer: 256 * 1024,
  gossipMaxMessageBytes: 128 * 1024,
  maxStreamsPerConnection: 256,
  // Home records are a few hundred bytes each (at most MAX_HOME_RECORD_BYTES): ~15 MiB typical.
  dhtMaxRecords: 50_000,
  dhtMaxProviderRecords: 1_000
}

/** A stored value record is the value plus kad-dht's framing (key, time received). */
const DHT_RECORD_OVERHEAD_BYTES = 512

/** The DHT service with its datastore bounded (see dht-store-limits.ts). */
function boundedDht (factory: (components: KadDHTComponents) => KadDHT, limits: Required<NodeLimits>, onLimit?: (limit: string) => void): ServiceFactoryMap[string] {
  const bounded = (components: KadDHTComponents): KadDHT => factory(withDatastore(components, boundedDhtDatastore(components.datastore, {
    maxRecords: limits.dhtMaxRecords,
    maxProviderRecords: limits.dhtMaxProviderRecords,
    maxRecordBytes: MAX_HOME_RECORD_BYTES + DHT_RECORD_OVERHEAD_BYTES,
    onLimit
  })))
  // the DHT reads the ping service from its components, which the map type cannot express
  return bounded as unknown as ServiceFactoryMap[string]
}

/** Ping streams per connection and direction: the connection monitor's and the DHT's, with room to spare. */
const PING_OUTBOUND_STREAMS = 4
const PING_INBOUND_STREAMS = 4

export async function createChatNode (options: CreateChatNodeOptions): Promise<ChatNode> {
  const limits = { ...DEFAULT_NODE_LIMITS, ...options.limits }
  const services: ServiceFactoryMap = {
    identify: identify({ maxMessageSize: limits.identifyMaxMessageBytes }),
    // libp2p's connection monitor pings on this protocol too (and aborts the connection when a ping
    // fails): with the default one outbound stream, its ping and the DHT's, or two heartbeats after a
    // stalled event loop, collide and the second one's refusal kills a healthy connection.
    // Its handler's leftover timeout listener would keep a stopped node alive (release-streams.ts).
    ping: releaseStreamsAfterHandling(ping({ maxOutboundStreams: PING_OUTBOUND_STREAMS, maxInboundStreams: PING_INBOUND_STREAMS })),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      maxTopicBytesPerPeer: limits.gossipTopicBytesPerPeer,
      maxInboundDataLength: limits.gossipMaxMessageBytes
    }),
    dht: boundedDht(releaseStreamsAfterHandling(kadDHT({
      protocol: DHT_PROTOCOL,
      clientMode: options.dhtServer !== true,
      peerInfoMapper: options.privateNetwork === true ? passthroughMapper : removePrivateAddressesMapper,
      // Only signed home records may be stored under our namespace; the newest one wins.
      validators: { [HOME_NAMESPACE]: homeRecordValidator(options.now) },
      selectors: { [HOME_NAMESPACE]: homeRecordSelector }
    })), limits, options.onLimit),
    ...options.services
  }
  if (options.relayServer != null && options.relayServer !== false) {
    services.relay = circuitRelayServer(options.relayServer === true ? {} : options.relayServer)
  }
  const node = await createLibp2p({
    privateKey: options.privateKey,
    start: options.start ?? true,
    addresses: { listen: options.listen ?? [] },
    transports: [...options.transports, circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxInboundStreams: limits.maxStreamsPerConnection })],
    connectionGater: options.connectionGater,
    connectionManager: options.connectionManager,
    services
  })
  return node as unknown as ChatNode
}
