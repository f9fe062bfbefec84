// A sent message's state on every device of the account: receipts go to the device that sent it, so
// that device tells the others (`account/status`) when its message moved on, and the copies
// `account/sent` put there show stored, delivered and read too. A receiving device acts only on one
// from a device the node lists in the same account, and never moves a copy backwards.
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'
import { OwnStatusBody } from '../wire/generated/messages.ts'
import { MAX_IDS, chunks } from './control-ids.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { OwnDevices } from './own-devices.ts'
import type { Clock } from '../clock.ts'
import type { ChatMessage, MessageStatus } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

export const OWN_STATUS = 'account/status'

/** What follows to the other devices: news from the recipient's side, not this device's own steps. */
const FOLLOWING: MessageStatus[] = ['stored', 'delivered', 'read']
/**
 * States that came before their message's copy (`account/status` may overtake `account/sent`):
 * kept in memory until it comes, at most this many, the oldest dropped first.
 */
const MAX_EARLY = 1000

export interface OwnStatusComponents {
  control: ControlRegistry
  store: ChatStore
  own: Pick<OwnDevices, 'others' | 'isOwnDevice'>
  log: Logger
  clock: Pick<Clock, 'setTimeout'>
  onChanged: (message: ChatMessage) => void
}

export class OwnStatus {
  readonly #c: OwnStatusComponents
  /** Per status, ids to tell the others about in the next batch. */
  readonly #pending = new Map<MessageStatus, Set<string>>()
  /** The last status told per id, so repeated receipts (one per recipient device) send nothing new. */
  readonly #told = new Map<string, MessageStatus>()
  readonly #early = new Map<string, MessageStatus>()
  #scheduled = false

  constructor (components: OwnStatusComponents) {
    this.#c = components
    components.control.handle(OWN_STATUS, async m => { await this.#onStatus(m) })
  }

  /** A message of this device changed: if it moved on at the recipient's side, the others hear it (batched). */
  changed (message: ChatMessage): void {
    if (message.direction !== 'out' || !FOLLOWING.includes(message.status)) return
    const told = this.#told.get(message.id)
    if (told != null && FOLLOWING.indexOf(told) >= FOLLOWING.indexOf(message.status)) return
    this.#told.set(message.id, message.status)
    if (this.#told.size > MAX_EARLY) this.#told.delete(this.#told.keys().next().value as string)
    const set = this.#pending.get(message.status) ?? new Set()
    set.add(message.id)
    this.#pending.set(message.status, set)
    if (this.#scheduled) return
    this.#scheduled = true
    // One batch for the receipts of one sync, not one control message per receipt.
    this.#c.clock.setTimeout(() => { void this.#flush().catch(err => { this.#c.log.error('could not tell the account\'s devices about sent messages - %e', err) }) }, 0)
  }

  async #flush (): Promise<void> {
    this.#scheduled = false
    const pending = [...this.#pending]
    this.#pending.clear()
    const devices = await this.#c.own.others()
    if (devices.length === 0) return
    for (const [status, ids] of pending) {
      for (const part of chunks([...ids], MAX_IDS)) {
        const body = OwnStatusBody.encode({ ids: part.map(id => envelopeIdFromString(id) as Uint8Array<ArrayBuffer>), status })
        for (const device of devices) await this.#c.control.queueControl(device, OWN_STATUS, body, { background: true })
      }
    }
  }

  /** A copy of a message sent on another device was just added here: a state that came first applies now. */
  async arrived (message: ChatMessage): Promise<void> {
    const status = this.#early.get(message.id)
    if (status == null) return
    this.#early.delete(message.id)
    await this.#apply(message.id, status)
  }

  async #apply (id: string, status: MessageStatus): Promise<boolean> {
    const message = await this.#c.store.getMessage(id)
    if (message == null) return false
    // Only our own sent messages; the status rule keeps it from moving backwards.
    if (message.direction !== 'out') return true
    const changed = await this.#c.store.updateMessage(id, { status })
    if (changed != null) this.#c.onChanged(changed)
    return true
  }

  async #onStatus (m: ControlMessage): Promise<void> {
    if (!await this.#c.own.isOwnDevice(m.from, m.type)) return
    let body: OwnStatusBody
    try {
      body = OwnStatusBody.decode(m.body, { limits: { ids: MAX_IDS } })
    } catch {
      this.#c.log('dropped a malformed %s from %p', OWN_STATUS, m.from)
      return
    }
    const status = body.status as MessageStatus
    if (!FOLLOWING.includes(status) || body.ids.some(id => id.length !== ENVELOPE_ID_LENGTH)) {
      this.#c.log('dropped a malformed %s from %p', OWN_STATUS, m.from)
      return
    }
    for (const raw of body.ids) {
      const id = envelopeIdToString(raw)
      if (await this.#apply(id, status)) continue
      const held = this.#early.get(id)
      if (held != null && FOLLOWING.indexOf(held) >= FOLLOWING.indexOf(status)) continue
      this.#early.set(id, status)
      if (this.#early.size > MAX_EARLY) this.#early.delete(this.#early.keys().next().value as string)
    }
  }
}
