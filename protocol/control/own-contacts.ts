// The person's contact list, alike on every device of the account: a contact added, renamed, marked
// verified or removed on one device goes to the others (`account/contact`, end to end encrypted,
// through the durable outbox) and the history transfer carries the list (`contacts/`). A receiving
// device acts only on one from a device the node lists in the same account; the latest change wins.
import { USERNAME_PATTERN } from '../account/identifiers.ts'
import { parsePeerId } from '../identity.ts'
import { OwnContactBody } from '../wire/generated/messages.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { OwnDevices } from './own-devices.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger, PeerId } from '@libp2p/interface'

export const OWN_CONTACT = 'account/contact'
/** Where each contact is kept (one record per PeerId; a removed one stays as a marker). */
export const CONTACT_PREFIX = 'contacts/'
export const MAX_NICKNAME_CHARS = 200

export interface Contact {
  /** The contact's device PeerId. */
  peer: string
  nickname: string
  /** The account it was found by (without @). */
  username?: string
  addedAt: number
  /** The changing device's clock: a change older than the one held is ignored. */
  updatedAt: number
  /** When it was marked verified (safety numbers compared), on whichever device. */
  verifiedAt?: number
  /** Kept as a marker, so an older "added" arriving late cannot bring it back. */
  removed?: boolean
}

export interface ContactChange {
  nickname?: string
  username?: string
}

export interface OwnContactsComponents {
  control: ControlRegistry
  store: ChatStore
  own: Pick<OwnDevices, 'others' | 'bodyFromOwn'>
  log: Logger
  self: string
  now: () => number
  /** A contact changed here, by this device or another of the account (removed ones too). */
  onContact: (contact: Contact, from: 'here' | 'device') => void
}

/** The contact list in a store, by PeerId (removed ones left out); readable without a client. */
export async function listContacts (store: Pick<ChatStore, 'listValues'>): Promise<Contact[]> {
  return (await store.listValues(CONTACT_PREFIX)).map(([, v]) => decode(v)).filter((c): c is Contact => c != null && c.removed !== true)
}

export class OwnContacts {
  readonly #c: OwnContactsComponents

  constructor (components: OwnContactsComponents) {
    this.#c = components
    components.control.handle(OWN_CONTACT, async m => { await this.#onContact(m) })
  }

  /** The contact list, by PeerId (removed ones left out). */
  async list (): Promise<Contact[]> {
    return await listContacts(this.#c.store)
  }

  async get (peer: PeerId | string): Promise<Contact | undefined> {
    const c = await this.#load(peer.toString())
    return c?.removed === true ? undefined : c
  }

  /** Adds a contact, or renames one (a nickname given replaces the old one), on every device of the account. */
  async add (peer: PeerId | string, change: ContactChange = {}): Promise<Contact> {
    const id = parsePeerId(peer.toString()).toString()
    if (id === this.#c.self) throw new RangeError('that is this device')
    const held = await this.#load(id)
    const now = this.#c.now()
    const live = held?.removed === true ? undefined : held
    const contact: Contact = {
      peer: id,
      nickname: (change.nickname ?? live?.nickname ?? '').trim().slice(0, MAX_NICKNAME_CHARS),
      ...(change.username ?? live?.username) != null ? { username: (change.username ?? live?.username ?? '').replace(/^@/, '') } : {},
      addedAt: live?.addedAt ?? now,
      updatedAt: Math.max(now, (held?.updatedAt ?? 0) + 1),
      ...(live?.verifiedAt != null ? { verifiedAt: live.verifiedAt } : {})
    }
    if (contact.username != null && !USERNAME_PATTERN.test(contact.username)) throw new RangeError(`not a username: ${contact.username}`)
    return await this.#changed(contact)
  }

  /** Marks a contact verified (or takes it back) on every device of the account. */
  async setVerified (peer: PeerId | string, verified: boolean): Promise<Contact | undefined> {
    const held = await this.get(peer)
    if (held == null) return undefined
    const now = this.#c.now()
    const { verifiedAt: _v, ...rest } = held
    return await this.#changed({ ...rest, updatedAt: Math.max(now, held.updatedAt + 1), ...(verified ? { verifiedAt: now } : {}) })
  }

  /** Removes a contact on every device of the account (its messages stay). */
  async remove (peer: PeerId | string): Promise<boolean> {
    const held = await this.get(peer)
    if (held == null) return false
    await this.#changed({ peer: held.peer, nickname: '', addedAt: held.addedAt, updatedAt: Math.max(this.#c.now(), held.updatedAt + 1), removed: true })
    return true
  }

  async #changed (contact: Contact): Promise<Contact> {
    await this.#save(contact)
    this.#c.onContact(contact, 'here')
    const devices = await this.#c.own.others()
    const body = OwnContactBody.encode({
      peer: contact.peer,
      nickname: contact.nickname,
      username: contact.username ?? '',
      addedAt: BigInt(contact.addedAt),
      updatedAt: BigInt(contact.updatedAt),
      removed: contact.removed === true,
      verifiedAt: BigInt(contact.verifiedAt ?? 0)
    })
    for (const device of devices) await this.#c.control.queueControl(device, OWN_CONTACT, body, { background: true })
    return contact
  }

  async #load (peer: string): Promise<Contact | undefined> {
    const raw = await this.#c.store.getValue(CONTACT_PREFIX + peer)
    return raw == null ? undefined : decode(raw)
  }

  async #save (contact: Contact): Promise<void> {
    await this.#c.store.setValue(CONTACT_PREFIX + contact.peer, new TextEncoder().encode(JSON.stringify(contact)))
  }

  async #onContact (m: ControlMessage): Promise<void> {
    const max = BigInt(Number.MAX_SAFE_INTEGER)
    const got = await this.#c.own.bodyFromOwn(m, bytes => {
      const b = OwnContactBody.decode(bytes)
      return { b, peer: parsePeerId(b.peer).toString() }
    }, ({ b, peer }) => peer !== this.#c.self && b.nickname.length <= MAX_NICKNAME_CHARS && (b.username === '' || USERNAME_PATTERN.test(b.username)) &&
      b.addedAt <= max && b.updatedAt <= max && b.verifiedAt <= max)
    if (got == null) return
    const { b, peer } = got
    const held = await this.#load(peer)
    // The latest change wins; a repeat or an older one changes nothing.
    if (held != null && held.updatedAt >= Number(b.updatedAt)) return
    const contact: Contact = {
      peer,
      nickname: b.removed ? '' : b.nickname,
      ...(b.username !== '' && !b.removed ? { username: b.username } : {}),
      addedAt: Number(b.addedAt),
      updatedAt: Number(b.updatedAt),
      ...(b.verifiedAt > 0n && !b.removed ? { verifiedAt: Number(b.verifiedAt) } : {}),
      ...(b.removed ? { removed: true } : {})
    }
    await this.#save(contact)
    this.#c.onContact(contact, 'device')
  }
}

function decode (raw: Uint8Array): Contact | undefined {
  try {
    const c = JSON.parse(new TextDecoder().decode(raw)) as Contact
    return typeof c?.peer === 'string' && typeof c.updatedAt === 'number' ? c : undefined
  } catch {
    return undefined
  }
}
