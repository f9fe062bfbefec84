// What a control plugin with more to do than answer messages (groups, attachments) may use of the
// client it runs on. ChatClient provides it; plugins never import ChatClient, so nothing points
// back up into it.
import type { Disappearing } from './disappearing.ts'
import type { MessageActions } from './message-actions.ts'
import type { ExpirySweeper } from '../messages/expiry-sweeper.ts'
import type { OwnDevices } from './own-devices.ts'
import type { ControlHandler, ControlRegistry, ControlResult } from './types.ts'
import type { AccountClient } from '../account/account-client.ts'
import type { Clock } from '../clock.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ControlHost {
  readonly node: ChatNode
  readonly identity: DeviceIdentity
  readonly store: ChatStore
  readonly peerId: PeerId
  readonly rendezvous?: Multiaddr
  readonly accounts?: AccountClient
  /** The client's clock: what plugins expire things by. */
  readonly clock?: Clock
  /** Reactions, edits and deletions: groups tell it their members, and hand it each new message. */
  readonly actions?: Pick<MessageActions, 'setGroupMembers' | 'quote' | 'arrived'>
  /** Disappearing messages: the conversation's timer for what is sent, and the sweeper for what is stored. */
  readonly disappearing?: Pick<Disappearing, 'timerMs'>
  readonly expiry?: Pick<ExpirySweeper, 'add'>
  /** The account's other devices: they show a message sent here as sent by you, and follow into its groups. */
  readonly own?: Pick<OwnDevices, 'sent' | 'others' | 'isOwnDevice'>
  /** The durable outbox for control messages that must arrive in the end (retried across restarts). */
  readonly control?: Pick<ControlRegistry, 'queueControl'>
  handleControl(type: string, handler: ControlHandler): void
  sendControl(to: PeerId | string, type: string, body: Uint8Array, options?: AbortOptions): Promise<ControlResult>
  /** `synced`: a mailbox sync finished. */
  addEventListener(type: 'synced', listener: (evt: CustomEvent<{ received: number }>) => void): void
  removeEventListener(type: 'synced', listener: (evt: CustomEvent<{ received: number }>) => void): void
  /** `device:linked`: a newly linked device of the account took this device's history. */
  addEventListener(type: 'device:linked', listener: (evt: CustomEvent<{ peer: string }>) => void): void
  removeEventListener(type: 'device:linked', listener: (evt: CustomEvent<{ peer: string }>) => void): void
}
