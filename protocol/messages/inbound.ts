// What happens to an envelope addressed to us, live or from the mailbox: opened through the secure
// sessions, then stored as a message (deduplicated by id) or handed to the control channel. The
// message is stored, or the control handled, before the session advances and before any ack. A
// mailbox page goes through a batch: its messages are stored together, in one transaction.
import { ENVELOPE_ID_LENGTH, envelopeIdToString } from '../crypto/envelope.ts'
import { isExpiryInBounds } from '../control/disappearing.ts'
import { ErrorCode, ProtocolError, errorMessage } from '../errors.ts'
import { StoreWriteError } from '../store/chat-store.ts'
import { Envelope } from '../wire/generated/messages.ts'
import type { ChatMessage } from './message.ts'
import type { ControlChannel } from '../control/control-channel.ts'
import type { MessageActions } from '../control/message-actions.ts'
import type { EnvelopeHeader } from '../crypto/envelope.ts'
import type { DeliveryPath } from '../delivery/path.ts'
import type { SecureSessions } from '../session/secure-sessions.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Payload } from '../wire/generated/messages.ts'
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

/** The envelopes of one mailbox page, opened one by one in order and stored together. */
export interface InboundBatch {
  /**
   * Opens one envelope. A sealed-box text message waits for `commit`; a ratchet message or a
   * control is handled now, after the messages waiting before it are stored (the ratchet session
   * advances only once its message is stored). Throws StoreWriteError when storing failed, any other
   * error when this envelope cannot be delivered. `opened`: a sealed envelope's payload, opened
   * already (`checkEnvelopes`).
   */
  receive(env: Envelope, header: EnvelopeHeader, opened?: Payload): Promise<void>
  /** Stores what waits in one transaction; returns how many envelopes of the batch were new. */
  commit(): Promise<number>
}

export class Inbound {
  readonly #c: InboundComponents

  constructor (components: InboundComponents) {
    this.#c = components
  }

  /** True when the envelope brought something new (a message stored, a control handled). */
  async receive (env: Envelope, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (await this.#redelivered(header, path) || this.#expired(header)) return false
    return await this.#c.sessions.receive(env, header, path, async payload => await this.accept(payload, header, path)) ?? false
  }

  /** A batch for one mailbox page (see InboundBatch). */
  batch (path: DeliveryPath): InboundBatch {
    const waiting: ChatMessage[] = []
    let fresh = 0
    const flush = async (): Promise<void> => {
      if (waiting.length === 0) return
      const messages = waiting.splice(0)
      let added: boolean[]
      try {
        added = await this.#c.store.addMessages(messages)
      } catch (err) {
        throw new StoreWriteError(`could not store ${messages.length} received message(s): ${errorMessage(err)}`, { cause: err })
      }
      // Events only for what the commit holds.
      for (const [i, m] of messages.entries()) {
        if (!added[i]) continue
        fresh++
        this.#c.onMessage(m)
        await this.#c.actions?.arrived(m)
      }
    }
    return {
      receive: async (env, header, opened) => {
        if (await this.#redelivered(header, path) || this.#expired(header)) return
        const handled = await this.#c.sessions.receive(env, header, path, async payload => {
          if (payload.type !== '') {
            // A receipt or deletion may name a message of this page: store those first.
            await flush()
            return await this.#dispatch(payload, header, path)
          }
          // A reply may quote a message waiting in this page: store those first.
          if (payload.replyTo != null && payload.replyTo.length > 0) await flush()
          waiting.push(await this.#message(payload, header, path))
          // Nothing advances after a sealed box is opened; a ratchet session does, right after this.
          if (env.scheme !== Envelope.Scheme.SEALED) await flush()
          return false
        }, opened)
        if (handled === true) fresh++
      },
      commit: async () => {
        await flush()
        return fresh
      }
    }
  }

  /** A disappearing envelope past its expiry on arrival: dropped (acked, never shown). */
  #expired (header: EnvelopeHeader): boolean {
    return header.expiresAt != null && header.expiresAt <= (this.#c.now ?? Date.now)()
  }

  /** True (and the sender is owed a receipt again) when we hold this incoming message already. */
  async #redelivered (header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (!header.to.equals(this.#c.self)) throw new ProtocolError(ErrorCode.WRONG_RECIPIENT, 'envelope is addressed to another peer')
    const held = await this.#c.store.getMessage(header.id)
    if (held == null || held.direction !== 'in' || held.peer !== header.from.toString()) return false
    this.#c.onRedelivered?.(held, path)
    return true
  }

  /** Stores or dispatches an opened payload (also for messages held until a device was trusted). */
  async accept (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    if (payload.type !== '') return await this.#dispatch(payload, header, path)
    const message = await this.#message(payload, header, path)
    if (!await this.#c.store.addMessage(message)) return false
    this.#c.onMessage(message)
    await this.#c.actions?.arrived(message)
    return true
  }

  async #dispatch (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<boolean> {
    return await this.#c.control.dispatch({ id: header.id, from: header.from, type: payload.type, body: payload.body, sentAt: header.sentAt, path })
  }

  async #message (payload: Payload, header: EnvelopeHeader, path: DeliveryPath): Promise<ChatMessage> {
    const expiresAt = checkExpiry(payload, header)
    const message: ChatMessage = {
      id: header.id,
      peer: header.from.toString(),
      direction: 'in',
      text: payload.text,
      sentAt: header.sentAt,
      receivedAt: (this.#c.now ?? Date.now)(),
      status: 'received',
      path,
      ...(expiresAt != null ? { expiresAt } : {})
    }
    // A reply_to of any other length is no id: shown as a plain message.
    if (payload.replyTo?.length === ENVELOPE_ID_LENGTH) {
      message.replyTo = envelopeIdToString(payload.replyTo)
      const quote = await this.#c.actions?.quote(message.replyTo, message, header.from)
      if (quote != null) message.replyPreview = quote
    }
    return message
  }
}

/**
 * The expiry of an incoming message: the payload's (the sender's timer), which must be the one the
 * envelope shows the nodes, and within the timer bounds. Throws ProtocolError INVALID otherwise.
 */
function checkExpiry (payload: Payload, header: EnvelopeHeader): number | undefined {
  const inside = payload.expiresAt > 0n ? Number(payload.expiresAt) : undefined
  if (inside !== header.expiresAt) throw new ProtocolError(ErrorCode.INVALID, 'the message\'s expiry differs from its envelope\'s')
  if (inside != null && !isExpiryInBounds(header.sentAt, inside)) throw new ProtocolError(ErrorCode.INVALID, 'the message\'s expiry is outside the timer bounds')
  return inside
}
