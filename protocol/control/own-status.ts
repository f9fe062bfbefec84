// A sent message's state on every device of the account: receipts, purge receipts and expiry notices
// go to the device that sent it, so that device tells the others (`account/status`) when its message
// moved on, and the copies `account/sent` put there show stored, delivered, read and "removed from
// the node" too. A receiving device acts only on one from a device the node lists in the same
// account, and never moves a copy backwards.
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'
import { parsePeerId } from '../identity.ts'
import { OwnStatusBody } from '../wire/generated/messages.ts'
import { MAX_IDS, chunks } from './control-ids.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { OwnDevices } from './own-devices.ts'
import type { ChatMessage, MessageStatus, PurgeRecord } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { OwnPurge } from '../wire/generated/messages.ts'
import type { Logger } from '@libp2p/interface'

export const OWN_STATUS = 'account/status'

/** What follows to the other devices: news from the recipient's side, not this device's own steps. */
const FOLLOWING: MessageStatus[] = ['stored', 'delivered', 'read']
/**
 * News that came before its message's copy (`account/status` may overtake `account/sent`): kept in
 * memory until it comes, for this many messages at most, the oldest dropped first.
 */
const MAX_EARLY = 1000

export interface OwnStatusComponents {
  control: ControlRegistry
  store: ChatStore
  own: Pick<OwnDevices, 'others' | 'bodyFromOwn'>
  log: Logger
  onChanged: (message: ChatMessage) => void
}

interface Early { status?: MessageStatus, purged: PurgeRecord[] }

const rank = (s: MessageStatus | undefined): number => s == null ? -1 : FOLLOWING.indexOf(s)

export class OwnStatus {
  readonly #c: OwnStatusComponents
  /** Per status, ids to tell the others about in the next batch; and purge records. */
  readonly #pending = new Map<MessageStatus, Set<string>>()
  #pendingPurges: Array<{ id: string, purge: PurgeRecord }> = []
  /** The last status told per id, so repeated receipts (one per recipient device) send nothing new. */
  readonly #told = new Map<string, MessageStatus>()
  readonly #early = new Map<string, Early>()
  #scheduled = false

  constructor (components: OwnStatusComponents) {
    this.#c = components
    components.control.handle(OWN_STATUS, async m => { await this.#onStatus(m) })
  }

  /** A message of this device changed: if it moved on at the recipient's side, the others hear it (batched). */
  changed (message: ChatMessage): void {
    if (message.direction !== 'out' || !FOLLOWING.includes(message.status)) return
    if (rank(this.#told.get(message.id)) >= rank(message.status)) return
    this.#told.set(message.id, message.status)
    if (this.#told.size > MAX_EARLY) this.#told.delete(this.#told.keys().next().value as string)
    const set = this.#pending.get(message.status) ?? new Set()
    set.add(message.id)
    this.#pending.set(message.status, set)
    this.#schedule()
  }

  /** A verified purge receipt or expiry notice was just recorded on `message` (its last record): the others get it. */
  purged (message: ChatMessage): void {
    const purge = message.purged?.at(-1)
    if (message.direction !== 'out' || purge == null) return
    this.#pendingPurges.push({ id: message.id, purge })
    this.#schedule()
  }

  #schedule (): void {
    if (this.#scheduled) return
    this.#scheduled = true
    // One batch for the receipts of one sync, not one control message per receipt. The event loop's
    // next turn, not the clock: nothing expires here, and a stepped clock must not hold the batch.
    setTimeout(() => { void this.#flush().catch(err => { this.#c.log.error('could not tell the account\'s devices about sent messages - %e', err) }) }, 0)
  }

  async #flush (): Promise<void> {
    this.#scheduled = false
    const pending = [...this.#pending]
    this.#pending.clear()
    const purges = this.#pendingPurges
    this.#pendingPurges = []
    const devices = await this.#c.own.others()
    if (devices.length === 0) return
    const bodies: Uint8Array[] = []
    for (const [status, ids] of pending) {
      for (const part of chunks([...ids], MAX_IDS)) bodies.push(OwnStatusBody.encode({ ids: part.map(id => envelopeIdFromString(id) as Uint8Array<ArrayBuffer>), status, purged: [] }))
    }
    for (const part of chunks(purges, MAX_IDS)) {
      bodies.push(OwnStatusBody.encode({
        ids: [],
        status: '',
        purged: part.map(({ id, purge }) => ({ id: envelopeIdFromString(id) as Uint8Array<ArrayBuffer>, device: purge.device, node: purge.node, at: BigInt(purge.at), expired: purge.reason === 'expired' }))
      }))
    }
    for (const body of bodies) {
      for (const device of devices) await this.#c.control.queueControl(device, OWN_STATUS, body, { background: true })
    }
  }

  /** A copy of a message sent on another device was just added here: news that came first applies now. */
  async arrived (message: ChatMessage): Promise<void> {
    const early = this.#early.get(message.id)
    if (early == null) return
    this.#early.delete(message.id)
    if (early.status != null) await this.#apply(message.id, { status: early.status })
    for (const purge of early.purged) await this.#apply(message.id, { purge })
  }

  /** False when the message is not here (yet). */
  async #apply (id: string, update: { status: MessageStatus } | { purge: PurgeRecord }): Promise<boolean> {
    const message = await this.#c.store.getMessage(id)
    if (message == null) return false
    // Only our own sent messages; the status rule keeps it from moving backwards.
    if (message.direction !== 'out') return true
    const changed = await this.#c.store.updateMessage(id, update)
    if (changed != null) this.#c.onChanged(changed)
    return true
  }

  #hold (id: string, news: { status?: MessageStatus, purge?: PurgeRecord }): void {
    const early = this.#early.get(id) ?? { purged: [] }
    if (news.status != null && rank(news.status) > rank(early.status)) early.status = news.status
    if (news.purge != null && early.purged.length < 64) early.purged.push(news.purge)
    this.#early.set(id, early)
    if (this.#early.size > MAX_EARLY) this.#early.delete(this.#early.keys().next().value as string)
  }

  async #onStatus (m: ControlMessage): Promise<void> {
    const body = await this.#c.own.bodyFromOwn(m, bytes => OwnStatusBody.decode(bytes, { limits: { ids: MAX_IDS, purged: MAX_IDS } }), b =>
      (b.ids.length === 0 || FOLLOWING.includes(b.status as MessageStatus)) && b.ids.every(id => id.length === ENVELOPE_ID_LENGTH) && b.purged.every(p => checkPurge(p) != null))
    if (body == null) return
    const status = body.status as MessageStatus
    const purges = body.purged.map(checkPurge)
    for (const raw of body.ids) {
      const id = envelopeIdToString(raw)
      if (!await this.#apply(id, { status })) this.#hold(id, { status })
    }
    for (const p of purges as Array<{ id: string, purge: PurgeRecord }>) {
      if (!await this.#apply(p.id, { purge: p.purge })) this.#hold(p.id, { purge: p.purge })
    }
  }
}

/** A purge record as the sending device recorded it; undefined when any field is not well formed. */
function checkPurge (p: OwnPurge): { id: string, purge: PurgeRecord } | undefined {
  if (p.id.length !== ENVELOPE_ID_LENGTH || p.at > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  try {
    const device = parsePeerId(p.device).toString()
    const node = parsePeerId(p.node).toString()
    return { id: envelopeIdToString(p.id), purge: { device, node, at: Number(p.at), ...(p.expired ? { reason: 'expired' as const } : {}) } }
  } catch {
    return undefined
  }
}
