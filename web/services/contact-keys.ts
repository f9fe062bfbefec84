// Noticing that a contact's identity changed. A PeerId is its device's identity key, so the key under
// one PeerId never changes; what changes is the set of devices behind an @username (a reinstall, a
// new phone, or a node slipping in a device of its own). For contacts added by @username this checks
// that set against the one first seen (the client's contact trust, trust on first use) when the
// session starts, when the contact is added and when its conversation opens. A change drops the
// contact's "verified" mark and puts a warning in the conversation until the person verifies again.
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import type { LocalData } from './local-data.ts'
import type { NetworkSession } from './network-session.ts'

export class ContactKeys {
  readonly #session: NetworkSession
  readonly #local: LocalData
  readonly #checking = new Set<string>()

  constructor (session: NetworkSession, local: LocalData) {
    this.#session = session
    this.#local = local
    // Also raised when a message comes from a device still pending (secure-sessions.ts).
    session.client.addEventListener('identity-changed', ({ detail }) => {
      void local.identityChanged(detail.contact.replace(/^@/, ''), detail.peers)
    })
  }

  /** Checks every contact added by @username (the session just started). */
  async checkAll (): Promise<void> {
    for (const c of this.#local.contacts) if (c.username != null) await this.check(c.peerId)
  }

  /** Compares the devices behind the contact's @username with the ones trusted; quiet when unchanged. */
  async check (peer: string): Promise<void> {
    const username = this.#local.contacts.find(c => c.peerId === peer)?.username
    const accounts = this.#session.client.accounts
    if (username == null || accounts == null || this.#session.rendezvous !== 'online' || this.#checking.has(username)) return
    this.#checking.add(username)
    try {
      const devices = await accounts.resolve(username)
      if (devices.length === 0) return
      // Throws UNTRUSTED_IDENTITY after raising `identity-changed` (handled above).
      await this.#session.client.parts.sessions.checkContact(`@${username}`, devices)
    } catch (err) {
      // A change was reported through `identity-changed`; anything else (node unreachable, account
      // gone) is checked again next time.
      if (!ProtocolError.is(err, ErrorCode.UNTRUSTED_IDENTITY)) this.#session.client.parts.log('contact check for @%s failed: %s', username, err)
    } finally {
      this.#checking.delete(username)
    }
  }

  /** Verified again after a change: the new devices are trusted and what they sent meanwhile shows. */
  async trust (peer: string): Promise<void> {
    const username = this.#local.contacts.find(c => c.peerId === peer)?.username
    if (username != null) await this.#session.client.trustIdentity(`@${username}`)
  }
}
