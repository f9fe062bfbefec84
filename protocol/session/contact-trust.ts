// Which devices speak for a contact (@username). A PeerId *is* its device's identity key, so a
// device's key cannot change under the same PeerId; what changes, as when someone reinstalls or a
// rendezvous slips in a device of its own, is the set of devices behind a username. That is this
// project's "identity changed": the first set seen is trusted (trust on first use); a later new
// device stays pending — nothing is sent to it and nothing from it is shown — until the user
// compares safety numbers and calls `ChatClient.trustIdentity('@name')`.
import type { ChatStore } from '../store/chat-store.ts'

const CONTACT_PREFIX = 'trust/contact/'
const DEVICE_PREFIX = 'trust/device/'

interface ContactRecord {
  trusted: string[]
  pending: string[]
}

export type DeviceTrust = { contact: string, state: 'trusted' | 'pending' } | undefined

export class ContactTrust {
  readonly #store: ChatStore

  constructor (store: ChatStore) {
    this.#store = store
  }

  async #load (contact: string): Promise<ContactRecord | undefined> {
    const bytes = await this.#store.getValue(CONTACT_PREFIX + contact)
    return bytes == null ? undefined : JSON.parse(new TextDecoder().decode(bytes)) as ContactRecord
  }

  async #save (contact: string, record: ContactRecord): Promise<void> {
    await this.#store.setValue(CONTACT_PREFIX + contact, new TextEncoder().encode(JSON.stringify(record)))
  }

  async #index (device: string, contact: string, state: 'trusted' | 'pending'): Promise<void> {
    await this.#store.setValue(DEVICE_PREFIX + device, new TextEncoder().encode(JSON.stringify({ contact, state })))
  }

  /**
   * Compares the devices a username resolves to with what is trusted; returns the new (pending)
   * ones. Devices that disappeared are dropped: a device removed is no risk to the conversation.
   */
  async check (contact: string, devices: string[]): Promise<string[]> {
    const record = await this.#load(contact)
    if (record == null) {
      await this.#save(contact, { trusted: devices, pending: [] })
      for (const d of devices) await this.#index(d, contact, 'trusted')
      return []
    }
    const trusted = record.trusted.filter(d => devices.includes(d))
    const pending = devices.filter(d => !trusted.includes(d))
    // The common case, every send to @name: nothing changed, nothing to write.
    if (trusted.length === record.trusted.length && sameSet(pending, record.pending)) return pending
    for (const d of record.trusted.filter(d => !devices.includes(d))) await this.#store.deleteValue(DEVICE_PREFIX + d)
    for (const d of pending) await this.#index(d, contact, 'pending')
    await this.#save(contact, { trusted, pending })
    return pending
  }

  /** The user accepted the contact's current devices; returns the devices trusted just now. */
  async trust (contact: string): Promise<string[]> {
    const record = await this.#load(contact)
    if (record == null || record.pending.length === 0) return []
    await this.#save(contact, { trusted: [...record.trusted, ...record.pending], pending: [] })
    for (const d of record.pending) await this.#index(d, contact, 'trusted')
    return record.pending
  }

  /** The contact a device belongs to, as far as this device has seen, and whether it is trusted. */
  async device (peer: string): Promise<DeviceTrust> {
    const bytes = await this.#store.getValue(DEVICE_PREFIX + peer)
    return bytes == null ? undefined : JSON.parse(new TextDecoder().decode(bytes)) as DeviceTrust
  }
}

function sameSet (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(x => b.includes(x))
}
