// What happens to an envelope addressed to us, live or from the mailbox: opened through the secure
// sessions, then stored as a message (deduplicated by id) or handed to the control channel. The
// message is stored, or the control handled, before the session advances and before any ack.
import { ENVELOPE_ID_LENGTH, envelopeIdToString } from '../crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import type { ChatMessage } from './message.ts'
import type { ControlChannel } from '../control/control-channel.ts'
import type { MessageActions } from '../control/message-actions.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { DeliveryPath } from '../delivery/path.ts'
import type { SecureSessions } from '../session/secure-sessions.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Envelope, Payload } from '../wire/generated/messages.ts'
import type { PeerId } from '@libp2p/interface'

export interface InboundComponents {
  self: PeerId
  store: ChatStore
  sessions: SecureSessions
  control: ControlChannel
  /** A new message was stored. */
  onMessage(message: ChatMessage): void
  /**
   * A message we already hold came again: its sender never learned that it arrived (a lost ack,
   * a retry through the mailbox), so it is owed a receipt again.
   */
  onRedelivered?(message: ChatMessage, path: DeliveryPath): void
  /** Quotes for replies; reactions and edits that waited for a message get applied once it is here. */
  actions?: Pick<MessageActions, 'quote' | 'arrived'>
  now?: () => number
}

export class Inbound {
  readonly #c: InboundComponents

  constructor (components: InboundComponents) {
    this.#c = components
  }

  /** True when the envelope brought something new (a message stored, a control handled). */
  async receive (env: Envelope, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (!header.to.equals(this.#c.self)) throw new ProtocolError(ErrorCode.WRONG_RECIPIENT, 'envelope is addressed to another peer')
    const held = await this.#c.store.getMessage(header.id)
    if (held != null && held.direction === 'in' && held.peer === header.from.toString()) {
      this.#c.onRedelivered?.(held, path)
      return false
    }
    return await this.#c.sessions.receive(env, header, path, async payload => await this.accept(payload, header, path)) ?? false
  }

  /** Stores or dispatches an opened payload (also for messages held until a device was trusted). */
  async accept (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (payload.type !== '') {
      return await this.#c.control.dispatch({ id: header.id, from: header.from, type: payload.type, body: payload.body, sentAt: header.sentAt, path })
    }
    const message: ChatMessage = {
      id: header.id,
      peer: header.from.toString(),
      direction: 'in',
      text: payload.text,
      sentAt: header.sentAt,
      receivedAt: (this.#c.now ?? Date.now)(),
      status: 'received',
      path
    }
    // A reply_to of any other length is no id: shown as a plain message.
    if (payload.replyTo?.length === ENVELOPE_ID_LENGTH) {
      message.replyTo = envelopeIdToString(payload.replyTo)
      const quote = await this.#c.actions?.quote(message.replyTo, message, header.from)
      if (quote != null) message.replyPreview = quote
    }
    if (!await this.#c.store.addMessage(message)) return false
    this.#c.onMessage(message)
    await this.#c.actions?.arrived(message)
    return true
  }
}
