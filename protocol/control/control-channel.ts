// Routes incoming control messages to the handler registered for their type, once per message id
// (live and mailbox paths may both bring one), and sends control messages through the parts it is
// given. Plugins only see the ControlRegistry.
import type { ControlHandler, ControlMessage, ControlRegistry, ControlResult, ControlSender } from './types.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'

/** Recently seen control ids: handlers stay idempotent, this only saves them the work. */
const SEEN_CONTROL_IDS = 10_000

export interface ControlChannelComponents {
  sender: ControlSender
  log: Logger
}

export class ControlChannel implements ControlRegistry {
  readonly #c: ControlChannelComponents
  readonly #handlers = new Map<string, ControlHandler>()
  readonly #seen = new Set<string>()

  constructor (components: ControlChannelComponents) {
    this.#c = components
  }

  /** Registers the handler for one control type (one handler a type). */
  handle (type: string, handler: ControlHandler): void {
    if (type === '') throw new Error('control type must not be empty')
    this.#handlers.set(type, handler)
  }

  unhandle (type: string): void {
    this.#handlers.delete(type)
  }

  /** Hands a control message to its handler; false when it was seen already or has no handler. */
  async dispatch (message: ControlMessage): Promise<boolean> {
    const key = `${message.from.toString()}/${message.id}`
    if (this.#seen.has(key)) return false
    const handler = this.#handlers.get(message.type)
    if (handler == null) {
      this.#c.log('no handler for control type %s from %p; dropped', message.type, message.from)
      return false
    }
    await handler(message)
    this.#seen.add(key)
    if (this.#seen.size > SEEN_CONTROL_IDS) this.#seen.delete(this.#seen.values().next().value as string)
    return true
  }

  async sendControl (to: PeerId | string, type: string, body: Uint8Array, options?: AbortOptions): Promise<ControlResult> {
    return await this.#c.sender.sendControl(to, type, body, options)
  }

  async queueControl (to: string, type: string, body: Uint8Array, options?: { background?: boolean }): Promise<string> {
    return await this.#c.sender.queueControl(to, type, body, options)
  }
}
