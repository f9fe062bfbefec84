// Starting a network session: waits for the tab lock (one node per browser profile), learns the
// page's rendezvous (its last known addresses when it does not answer, so the outbox still works
// later), starts the browser's node and builds the session around it. A launch that cannot go on
// rejects with LaunchError saying why; the caller retries (or not, `retry`).
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../../protocol/chat-client.ts'
import { errorMessage } from '../../protocol/errors.ts'
import { GroupClient } from '../../protocol/groups/group-client.ts'
import { NetworkSession } from './network-session.ts'
import { fetchRendezvousInfo, pickRendezvousAddress } from './rendezvous-info.ts'
import { createWebNode } from './web-node.ts'
import { WebRTCUpgrader } from './webrtc-upgrade.ts'
import type { DeviceIdentity } from '../../protocol/identity.ts'
import type { LocalData } from './local-data.ts'
import type { RendezvousInfo } from './rendezvous-info.ts'

export class LaunchError extends Error {
  override readonly name = 'LaunchError'
  /** Worth trying again later (the node may come back); false when this browser cannot run it. */
  readonly retry: boolean

  constructor (message: string, retry: boolean) {
    super(message)
    this.retry = retry
  }
}

export interface LaunchInit {
  local: LocalData
  identity: DeviceIdentity
  notice(text: string | undefined): void
}

/** The page's rendezvous, fresh from `/api/rendezvous`, else the last one this browser saw. */
async function rendezvousInfo (local: LocalData): Promise<RendezvousInfo | undefined> {
  try {
    const info = await fetchRendezvousInfo()
    await local.data.setSetting('rendezvous', info)
    void local.policy.load()
    return info
  } catch {
    return await local.data.getSetting<RendezvousInfo>('rendezvous')
  }
}

export async function launchSession (init: LaunchInit): Promise<NetworkSession> {
  const { local, identity } = init
  const info = await rendezvousInfo(local)
  if (info == null) throw new LaunchError('The rendezvous node does not answer.', true)
  const address = pickRendezvousAddress(info, location)
  if (address == null) throw new LaunchError('This rendezvous node offers no WebSocket address this page may use.', true)
  let node
  try {
    node = await createWebNode({ identity, rendezvous: address, iceServers: info.iceServers })
  } catch (err) {
    throw new LaunchError(`The chat node could not start in this browser: ${errorMessage(err)}`, false)
  }
  const client = new ChatClient({
    node,
    identity,
    store: local.store,
    rendezvous: multiaddr(address),
    // WebRTC is this app's job (WebRTCUpgrader); without it, live delivery takes the relayed path.
    circuitFallback: true,
    // Stored messages turn "delivered" once the recipient has taken them (DESIGN.md, step 5).
    deliveryReceipts: true
  })
  return new NetworkSession({
    node,
    client,
    // Registered before the first sync, so invitations, keys and offers waiting in the mailbox find
    // their handlers (as the CLI's inbox does).
    groups: new GroupClient({ chat: client }),
    upgrader: new WebRTCUpgrader(node, address),
    rendezvousPeer: info.peerId,
    ...(info.attachmentMaxBytes != null ? { attachmentMaxBytes: info.attachmentMaxBytes } : {}),
    local,
    notice: init.notice
  })
}
