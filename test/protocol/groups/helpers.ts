// Group members on real libp2p nodes: a chat peer with a GroupClient attached before its first sync.
import { GroupClient } from '../../../protocol/groups/group-client.ts'
import { stateTopic } from '../../../protocol/groups/group-state.ts'
import { createPeer } from '../../helpers/network.ts'
import { waitFor } from '../../helpers/wait.ts'
import type { GroupRejection, GroupTextMessage } from '../../../protocol/groups/group-client.ts'
import type { DeviceIdentity } from '../../../protocol/identity.ts'
import type { ChatStore } from '../../../protocol/store/chat-store.ts'
import type { TestPeer, TestRendezvous } from '../../helpers/network.ts'
import type { Cleanup } from '../../helpers/wait.ts'

export interface GroupPeer extends TestPeer {
  groups: GroupClient
  id: string
  messages: GroupTextMessage[]
  rejected: GroupRejection[]
}

/** A member online at the rendezvous (reachable through its relay), or built offline with `start: false`. */
export async function groupPeer (cleanup: Cleanup, rv: TestRendezvous, options: { identity?: DeviceIdentity, store?: ChatStore, start?: boolean, now?: () => number } = {}): Promise<GroupPeer> {
  const peer = await createPeer(cleanup, rv.addr, options)
  const groups = new GroupClient({ chat: peer.client })
  cleanup.add(async () => { await groups.stop() })
  const member: GroupPeer = { ...peer, groups, id: peer.node.peerId.toString(), messages: [], rejected: [] }
  groups.addEventListener('message', evt => { member.messages.push(evt.detail) })
  groups.addEventListener('rejected', evt => { member.rejected.push(evt.detail) })
  if (options.start !== false) await startMember(member)
  return member
}

export async function startMember (member: GroupPeer): Promise<void> {
  await member.client.start()
  await member.groups.start()
  await member.client.waitUntilReachable()
}

/** Shuts a member down as a crash or a closed laptop would; its store stays. */
export async function stopMember (member: GroupPeer): Promise<void> {
  await member.groups.stop()
  await member.client.stop()
  await member.node.stop()
}

/** Every member holds every other member's current sender key. */
export async function waitForKeys (members: GroupPeer[], groupId: string): Promise<void> {
  await waitFor(async () => {
    for (const m of members) {
      const keys = await m.groups.groups.listKeys(groupId)
      for (const other of members) {
        if (other === m) continue
        const own = await other.groups.groups.getOwnKey(groupId)
        if (own == null || !keys.some(k => k.owner === other.id && k.keyId === own.keyId)) return false
      }
    }
    return true
  }, { what: `sender keys of ${groupId}` })
}

/** The rendezvous relays the topic and every member sees it there, so gossip reaches them all. */
export async function waitForMesh (rv: TestRendezvous, members: GroupPeer[], groupId: string): Promise<void> {
  const state = await members[0].groups.groups.getState(groupId)
  if (state == null) throw new Error(`${groupId} is unknown to the first member`)
  const topic = stateTopic(state)
  // The hub forwards to its mesh peers only; `getMeshPeers` is on the class, not the interface.
  const hub = rv.node.node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }
  await waitFor(() => {
    const mesh = hub.getMeshPeers(topic)
    return members.every(m => mesh.includes(m.id) && m.node.services.pubsub.getSubscribers(topic).some(p => p.equals(rv.node.node.peerId)))
  }, { what: `the mesh of ${groupId}` })
}
