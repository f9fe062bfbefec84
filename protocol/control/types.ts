// The control-message contract: a control message is an end-to-end encrypted payload with a type
// instead of chat text. Each feature (receipts, deletion, groups, attachments, session resets)
// registers a handler per type on the ControlChannel; none of them knows ChatClient.
import type { DeliveryPath } from '../delivery/path.ts'
import type { DeviceResult } from '../messages/outbox.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** A control message: not shown as chat text, handled by the plugin that registered its type. */
export interface ControlMessage {
  id: string
  from: PeerId
  type: string
  body: Uint8Array
  sentAt: number
  path: DeliveryPath
}

/** Runs before the envelope is acked: once it resolves, the sender may consider it delivered. */
export type ControlHandler = (message: ControlMessage) => Promise<void>

/** Where a control message sent at once ended up (`sendControl` never queues). */
export interface ControlResult {
  id: string
  status: 'delivered' | 'stored'
  path: DeliveryPath
  devices: DeviceResult[]
}

/** Sending control messages: now (the caller handles failure), or through the durable outbox. */
export interface ControlSender {
  /** Sends at once, live or to the mailbox, to a PeerId or every device of an @username. */
  sendControl(to: PeerId | string, type: string, body: Uint8Array, options?: AbortOptions): Promise<ControlResult>
  /**
   * Queues in the outbox: retried until acked, across restarts. Resolves with its id once queued;
   * `background: false` leaves the first try to the caller (`Outbox.send(id)`).
   */
  queueControl(to: string, type: string, body: Uint8Array, options?: { background?: boolean }): Promise<string>
}

/** What a plugin registers with; `ControlChannel` implements it. */
export interface ControlRegistry extends ControlSender {
  handle(type: string, handler: ControlHandler): void
  unhandle(type: string): void
}
