// The browser's libp2p node: WebSockets to the rendezvous, a relay reservation there, and WebRTC
// between browsers through it.
import { isPrivate } from '@libp2p/utils'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { WebSockets } from '@multiformats/multiaddr-matcher'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import type { DeviceIdentity } from '../../protocol/identity.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { ConnectionGater } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Like libp2p's browser default (no insecure WebSockets, no private addresses) except for the page's
 * own rendezvous and anything relayed through it: a node on localhost or a LAN must stay dialable.
 */
export function rendezvousGater (rendezvous: Multiaddr): ConnectionGater {
  const transport = rendezvous.toString().replace(/\/p2p\/[^/]+$/, '')
  return {
    denyDialMultiaddr: async (ma: Multiaddr) => {
      const s = ma.toString()
      if (s === transport || s.startsWith(`${transport}/`)) return false
      if (WebSockets.matches(ma)) return true
      return isPrivate(ma)
    }
  }
}

export interface WebNodeOptions {
  identity: DeviceIdentity
  rendezvous: string
  /**
   * No ICE servers unless the rendezvous names some: peers on one network (and tests) connect on
   * host candidates; across NATs the chat stays on the relayed connection.
   */
  iceServers?: RTCIceServer[]
}

export async function createWebNode (options: WebNodeOptions): Promise<ChatNode> {
  return await createChatNode({
    privateKey: options.identity.privateKey,
    transports: [webSockets(), webRTC({ rtcConfiguration: { iceServers: options.iceServers ?? [] } })],
    listen: ['/p2p-circuit', '/webrtc'],
    connectionGater: rendezvousGater(multiaddr(options.rendezvous))
  })
}
