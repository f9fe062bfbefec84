// What "Add a contact" accepts: a PeerId, an invite link, or an @username, which the node's account
// protocol resolves to the person's device (as `babacloud send --to @name` does). Bad input gets a
// sentence saying what is accepted, never the browser's bare "Please match the requested format".
import { USERNAME_PATTERN } from '../../protocol/account/identifiers.ts'
import { ErrorCode, ProtocolError, errorMessage } from '../../protocol/errors.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { peerIdFromInvite } from './routes.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'

/** The username rule in words, shown next to the field and in errors. */
export const USERNAME_RULE = '3 to 32 characters: lowercase letters a–z, digits 0–9 and the underscore (_)'

/** Why `username` (without the @) cannot be one, in a sentence that states the rule; undefined when it can. */
export function usernameProblem (username: string): string | undefined {
  if (username === '') return `Choose a username: ${USERNAME_RULE}.`
  if (USERNAME_PATTERN.test(username)) return undefined
  if (USERNAME_PATTERN.test(username.toLowerCase())) return `Use lowercase letters: a username is ${USERNAME_RULE}.`
  return `“${username}” is not a username. A username is ${USERNAME_RULE}.`
}

export class ContactInputError extends Error {
  override readonly name = 'ContactInputError'
}

export interface ResolvedContact {
  peerId: string
  /** The nickname to use when the person typed none (`@name` for a username). */
  suggestedName: string
  /** Found by @username: that account (without the @). */
  username?: string
}

/** Turns what was typed into a device's PeerId; `accounts` is needed only for a username. */
export async function resolveContactInput (input: string, accounts: AccountClient | undefined): Promise<ResolvedContact> {
  const text = input.trim()
  if (text.startsWith('@')) {
    const username = text.slice(1)
    if (!USERNAME_PATTERN.test(username)) throw new ContactInputError(`“${text}” is not a username. A username is ${USERNAME_RULE}.`)
    if (accounts == null) throw new ContactInputError(`Finding ${text} needs a connection to the rendezvous node. Try again once it is online.`)
    let devices: string[]
    try {
      devices = await accounts.resolve(username)
    } catch (err) {
      if (ProtocolError.is(err, ErrorCode.NOT_FOUND)) throw new ContactInputError(`Nobody is called ${text} on this node.`)
      throw new ContactInputError(`${text} could not be looked up: ${errorMessage(err)}`)
    }
    if (devices.length === 0) throw new ContactInputError(`Nobody is called ${text} on this node.`)
    // Conversations here are per device: the account's first device (as listed by the node).
    return { peerId: devices[0], suggestedName: text, username }
  }
  try {
    return { peerId: parsePeerId(peerIdFromInvite(text)).toString(), suggestedName: '' }
  } catch {
    throw new ContactInputError('That is not a PeerId, invite link or @username of a BabaCloud user.')
  }
}
