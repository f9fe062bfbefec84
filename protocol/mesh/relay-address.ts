// Waits until this node has a relayed (`/p2p-circuit`) address: others can then reach it through
// the rendezvous relay.
import { UnreachableError } from '../errors.ts'
import type { ChatNode } from './create-node.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export async function waitForRelayAddress (node: Pick<ChatNode, 'getMultiaddrs' | 'addEventListener' | 'removeEventListener'>, signal: AbortSignal): Promise<Multiaddr> {
  const relayed = (): Multiaddr | undefined => node.getMultiaddrs().find(ma => ma.getComponents().some(c => c.name === 'p2p-circuit'))
  const found = relayed()
  if (found != null) return found
  return await new Promise<Multiaddr>((resolve, reject) => {
    const onUpdate = (): void => {
      const ma = relayed()
      if (ma == null) return
      cleanup()
      resolve(ma)
    }
    const onAbort = (): void => {
      cleanup()
      reject(new UnreachableError('no relay reservation at the rendezvous in time'))
    }
    const cleanup = (): void => {
      node.removeEventListener('self:peer:update', onUpdate)
      signal.removeEventListener('abort', onAbort)
    }
    node.addEventListener('self:peer:update', onUpdate)
    signal.addEventListener('abort', onAbort)
  })
}
