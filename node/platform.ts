// Node-side platform parts handed to protocol/: transports and globals libp2p expects.
import '../protocol/polyfills.ts'
// protocol/ crypto on node:crypto (OpenSSL) instead of the pure-JavaScript fallback.
import '../rendezvous/crypto/install.ts'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import WebSocket from 'ws'

// Node 20 has no global WebSocket; libp2p's websockets transport dials with it.
if (globalThis.WebSocket == null) {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket
}

export function nodeTransports (): [ReturnType<typeof tcp>, ReturnType<typeof webSockets>] {
  return [tcp(), webSockets()]
}
