// Device-local app data beside the message store: identity seed, contacts, settings, and the JSON
// export of all of it.
import { Payload } from '../../protocol/wire/generated/messages.ts'
import type { AppDb, Contact, IdentityRecord } from './app-db.ts'

export interface LocalExport {
  format: 'babacloud-chat-export'
  version: 1
  exportedAt: string
  peerId: string | null
  contacts: Contact[]
  messages: Array<Record<string, unknown>>
  outbox: Array<Record<string, unknown>>
  note: string
}

export class AppData {
  readonly db: AppDb

  constructor (db: AppDb) {
    this.db = db
  }

  async loadIdentity (): Promise<IdentityRecord | undefined> {
    return await this.db.get('identity', 'device')
  }

  async saveIdentity (record: IdentityRecord): Promise<void> {
    await this.db.put('identity', record, 'device')
  }

  async listContacts (): Promise<Contact[]> {
    const all = await this.db.getAll('contacts')
    return all.sort((a, b) => a.addedAt - b.addedAt)
  }

  async getContact (peerId: string): Promise<Contact | undefined> {
    return await this.db.get('contacts', peerId)
  }

  async putContact (contact: Contact): Promise<void> {
    await this.db.put('contacts', contact)
  }

  async deleteContact (peerId: string): Promise<void> {
    await this.db.delete('contacts', peerId)
  }

  async getSetting<T> (key: string): Promise<T | undefined> {
    return await this.db.get('settings', key) as T | undefined
  }

  async setSetting (key: string, value: unknown): Promise<void> {
    await this.db.put('settings', value, key)
  }

  /**
   * A machine-readable copy of what this device holds. Secret key material (the identity seed and
   * protocol session state) stays out: a file on disk should not be able to impersonate the device.
   */
  async exportAll (): Promise<LocalExport> {
    const identity = await this.loadIdentity()
    const messages = await this.db.getAll('messages')
    return {
      format: 'babacloud-chat-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      peerId: identity?.peerId ?? null,
      contacts: await this.listContacts(),
      messages: messages.map(({ seq: _seq, direct: _direct, ...m }) => ({ ...m, path: m.path ?? null })),
      // Sealed envelopes stay out (ciphertext only); what waits is its recipient and text.
      outbox: (await this.db.getAll('outbox')).filter(o => !o.control).map(o => ({ id: o.id, to: o.to, text: Payload.decode(o.payload).text, queuedAt: o.sentAt })),
      note: 'The identity secret key and encryption session state are not exported.'
    }
  }
}
