// Keeps the devices of one account in step: a message sent on one device (`account/sent`), a
// deletion (`account/delete`, for me or for everyone) and what was read (`account/read`) go to the
// account's other devices as end-to-end
// encrypted control messages through the durable outbox. A receiving device acts only on one from a
// device the node lists in the same account; anyone else's is dropped.
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'
import { MAX_TEXT_BYTES } from '../constants.ts'
import { OwnDeleteBody, OwnReadBody, OwnSentBody, OwnTimerBody } from '../wire/generated/messages.ts'
import { MAX_IDS, chunks } from './control-ids.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { AccountClient } from '../account/account-client.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export const OWN_DELETE = 'account/delete'
export const OWN_SENT = 'account/sent'
export const OWN_READ = 'account/read'
export const OWN_TIMER = 'account/timer'
/** A conversation name (PeerId, @username or group id) is far shorter. */
const MAX_PEER_CHARS = 200
const MAX_PREVIEW_CHARS = 1000
/** The account's device list is asked again after this long (a device linked or unlinked meanwhile). */
export const OWN_DEVICES_TTL_MS = 60_000
/** A sender not in the list makes us ask again at most this often (strangers cannot make us ask on every message). */
const REFRESH_MIN_MS = 5_000
/** Where the last list is kept, for deletions made while the node cannot be asked. */
const DEVICES_KEY = 'account/devices'

export interface OwnDevicesComponents {
  control: ControlRegistry
  store: ChatStore
  accounts?: AccountClient
  log: Logger
  /** This device's PeerId. */
  self: string
  /** Whether the node can be asked now; when not, the list it gave last time is used at once. */
  online?: () => boolean
  onChanged: (message: ChatMessage) => void
  /** A message sent on another device of the account was added here. */
  onMessage?: (message: ChatMessage) => void
  onDeleted: (id: string, peer: string) => void
  /** A disappearing-message timer set on another device of the account (`id`: its control message's). */
  onTimer?: (c: { peer: string } | { group: string }, timer: { seconds: number, at: number }, id: string) => Promise<void>
  now?: () => number
}

/** The account's other devices as the node listed them last (none when it never did). */
export async function knownOwnDevices (store: ChatStore): Promise<string[]> {
  const raw = await store.getValue(DEVICES_KEY)
  if (raw == null) return []
  try {
    const list = JSON.parse(new TextDecoder().decode(raw)) as unknown
    return Array.isArray(list) ? list.filter((d): d is string => typeof d === 'string') : []
  } catch {
    return []
  }
}

export class OwnDevices {
  readonly #c: OwnDevicesComponents
  readonly #now: () => number
  #cached?: { devices: string[], at: number }

  constructor (components: OwnDevicesComponents) {
    this.#c = components
    this.#now = components.now ?? Date.now
    components.control.handle(OWN_DELETE, async m => { await this.#onDelete(m) })
    components.control.handle(OWN_SENT, async m => { await this.#onSent(m) })
    components.control.handle(OWN_READ, async m => { await this.#onRead(m) })
    components.control.handle(OWN_TIMER, async m => { await this.#onTimer(m) })
  }

  /** The account's other devices (none without an account); `fresh` asks the node even if a list is cached. */
  async others (fresh = false): Promise<string[]> {
    const c = this.#cached
    const age = c == null ? Infinity : this.#now() - c.at
    if (c != null && (fresh ? age < REFRESH_MIN_MS : age < OWN_DEVICES_TTL_MS)) return c.devices
    let devices: string[]
    try {
      if (this.#c.accounts == null) return []
      if (this.#c.online?.() === false) throw new Error('the node is not connected')
      devices = (await this.#c.accounts.get()).devices.map(d => d.peerId).filter(p => p !== this.#c.self)
      await this.#c.store.setValue(DEVICES_KEY, new TextEncoder().encode(JSON.stringify(devices)))
    } catch (err) {
      // No account: nobody to tell. The node unreachable: the list it gave last time.
      if ((err as { code?: string }).code === 'NOT_FOUND') {
        devices = []
        await this.#c.store.deleteValue(DEVICES_KEY)
      } else {
        // Kept as if fresh: a node that fails slowly must not slow every send and delete.
        devices = await knownOwnDevices(this.#c.store)
      }
    }
    this.#cached = { devices, at: this.#now() }
    return devices
  }

  /** Asks the node now (a device was just linked here or there); the list, also kept in the store. */
  async refresh (): Promise<string[]> {
    this.#cached = undefined
    return await this.others()
  }

  /** Tells the account's other devices that these messages were deleted here (queued; leaves when it can); how many. */
  async deleted (ids: string[], forEveryone?: { at: number }): Promise<number> {
    if (ids.length === 0) return 0
    const devices = await this.others()
    for (const part of chunks(ids, MAX_IDS)) {
      const body = OwnDeleteBody.encode({ ids: part.map(id => envelopeIdFromString(id) as Uint8Array<ArrayBuffer>), forEveryone: forEveryone != null, at: BigInt(forEveryone?.at ?? 0) })
      for (const device of devices) await this.#c.control.queueControl(device, OWN_DELETE, body, { background: true })
    }
    return devices.length
  }

  /** Tells the account's other devices that these received messages were read here (queued); how many devices. */
  async read (ids: string[]): Promise<number> {
    if (ids.length === 0) return 0
    const devices = await this.others()
    for (const part of chunks(ids, MAX_IDS)) {
      const body = OwnReadBody.encode({ ids: part.map(id => envelopeIdFromString(id) as Uint8Array<ArrayBuffer>) })
      for (const device of devices) await this.#c.control.queueControl(device, OWN_READ, body, { background: true })
    }
    return devices.length
  }

  /** Tells the account's other devices that a conversation's timer was set here (queued); how many devices. */
  async timerSet (c: { peer?: string, group?: string }, timer: { seconds: number, at: number }): Promise<number> {
    const devices = await this.others()
    if (devices.length === 0) return 0
    const body = OwnTimerBody.encode({ peer: c.group == null ? c.peer ?? '' : '', group: c.group ?? '', seconds: timer.seconds, at: BigInt(timer.at) })
    for (const device of devices) await this.#c.control.queueControl(device, OWN_TIMER, body, { background: true })
    return devices.length
  }

  /** Tells the account's other devices about a message sent here, so they show it as sent by you. */
  async sent (message: ChatMessage): Promise<number> {
    if (message.direction !== 'out') return 0
    const devices = await this.others()
    if (devices.length === 0) return 0
    const body = OwnSentBody.encode({
      id: envelopeIdFromString(message.id) as Uint8Array<ArrayBuffer>,
      peer: message.peer,
      text: message.text,
      sentAt: BigInt(message.sentAt),
      group: message.group ?? '',
      replyTo: (message.replyTo != null ? envelopeIdFromString(message.replyTo) : new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
      replyPreview: message.replyPreview ?? '',
      expiresAt: BigInt(message.expiresAt ?? 0)
    })
    for (const device of devices) await this.#c.control.queueControl(device, OWN_SENT, body, { background: true })
    return devices.length
  }

  /** Whether `from` is another device of this account (asking the node again if not listed); `what` is logged when not. */
  async isOwnDevice (from: PeerId | string, what = 'a message'): Promise<boolean> {
    const peer = from.toString()
    // A device linked a moment ago is not in a cached list yet: ask the node once more.
    if ((await this.others()).includes(peer) || (await this.others(true)).includes(peer)) return true
    this.#c.log('dropped %s from %s: not a device of this account', what, peer)
    return false
  }

  /**
   * The body of `m` when it comes from another device of this account, decodes and passes `valid`;
   * otherwise undefined, and the drop is logged.
   */
  async bodyFromOwn<T> (m: ControlMessage, decode: (bytes: Uint8Array) => T, valid: (body: T) => boolean = () => true): Promise<T | undefined> {
    if (!await this.isOwnDevice(m.from, m.type)) return undefined
    let body: T | undefined
    try {
      body = decode(m.body)
    } catch {
      // Malformed: dropped below like a body that fails `valid`.
    }
    if (body === undefined || !valid(body)) {
      this.#c.log('dropped a malformed %s from %p', m.type, m.from)
      return undefined
    }
    return body
  }

  async #onSent (m: ControlMessage): Promise<void> {
    const b = await this.bodyFromOwn(m, bytes => OwnSentBody.decode(bytes), b => b.id.length === ENVELOPE_ID_LENGTH && b.peer !== '' && b.peer.length <= MAX_PEER_CHARS &&
      new TextEncoder().encode(b.text).length <= MAX_TEXT_BYTES && b.group.length <= MAX_PEER_CHARS &&
      (b.replyTo.length === 0 || b.replyTo.length === ENVELOPE_ID_LENGTH) && b.replyPreview.length <= MAX_PREVIEW_CHARS &&
      b.sentAt <= BigInt(Number.MAX_SAFE_INTEGER) && b.expiresAt <= BigInt(Number.MAX_SAFE_INTEGER))
    if (b == null) return
    const expiresAt = Number(b.expiresAt)
    // Already gone on the device that sent it.
    if (expiresAt > 0 && expiresAt <= this.#now()) return
    const message: ChatMessage = {
      id: envelopeIdToString(b.id),
      peer: b.peer,
      direction: 'out',
      text: b.text,
      sentAt: Number(b.sentAt),
      receivedAt: this.#now(),
      status: 'sent',
      ...(b.group !== '' ? { group: b.group, sender: m.from.toString() } : {}),
      ...(b.replyTo.length > 0 ? { replyTo: envelopeIdToString(b.replyTo) } : {}),
      ...(b.replyPreview !== '' ? { replyPreview: b.replyPreview } : {}),
      ...(expiresAt > 0 ? { expiresAt } : {})
    }
    // Deduplicated by id: a repeat, or one that also came with the history, is not added twice.
    if (await this.#c.store.addMessage(message)) this.#c.onMessage?.(message)
  }

  async #onTimer (m: ControlMessage): Promise<void> {
    // Exactly one of peer and group, each a short name; the time a real one.
    const b = await this.bodyFromOwn(m, bytes => OwnTimerBody.decode(bytes), b =>
      (b.peer === '') !== (b.group === '') && b.peer.length <= MAX_PEER_CHARS && b.group.length <= MAX_PEER_CHARS && b.at <= BigInt(Number.MAX_SAFE_INTEGER))
    if (b == null) return
    await this.#c.onTimer?.(b.group !== '' ? { group: b.group } : { peer: b.peer }, { seconds: b.seconds, at: Number(b.at) }, m.id)
  }

  async #onRead (m: ControlMessage): Promise<void> {
    const body = await this.bodyFromOwn(m, bytes => OwnReadBody.decode(bytes, { limits: { ids: MAX_IDS } }), b => b.ids.every(id => id.length === ENVELOPE_ID_LENGTH))
    if (body == null) return
    for (const raw of body.ids) {
      const id = envelopeIdToString(raw)
      const message = await this.#c.store.getMessage(id)
      // Only received messages are read; the status rule keeps it from moving backwards.
      if (message == null || message.direction !== 'in') continue
      const changed = await this.#c.store.updateMessage(id, { status: 'read' })
      if (changed != null) this.#c.onChanged(changed)
    }
  }

  async #onDelete (m: ControlMessage): Promise<void> {
    const body = await this.bodyFromOwn(m, bytes => OwnDeleteBody.decode(bytes), b => b.ids.length <= MAX_IDS && b.ids.every(id => id.length === ENVELOPE_ID_LENGTH))
    if (body == null) return
    for (const raw of body.ids) {
      const id = envelopeIdToString(raw)
      const message = await this.#c.store.getMessage(id)
      if (body.forEveryone) {
        // Only our own sent messages can have been deleted for everyone by us.
        if (message == null || message.direction !== 'out') continue
        const changed = await this.#c.store.updateMessage(id, { tombstone: { at: Number(body.at) } })
        if (changed == null) continue
        this.#c.onChanged(changed)
        this.#c.onDeleted(id, message.peer)
      } else {
        // Also when absent: the id stays refused, so a copy arriving later does not come back.
        await this.#c.store.deleteMessage(id)
        if (message != null) this.#c.onDeleted(id, message.peer)
      }
    }
  }
}
