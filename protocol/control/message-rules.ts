// The rules every reply, reaction, edit and delete-for-everyone obeys, on both ends: what a reaction
// and an edit may contain, who may change which message, and the quote a reply shows.
import { MAX_TEXT_BYTES } from '../constants.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { shownReactions } from '../messages/message.ts'
import { speaksFor } from './receipts.ts'
import type { ChatMessage } from '../messages/message.ts'
import type { ContactTrust } from '../session/contact-trust.ts'
import type { PeerId } from '@libp2p/interface'

export { shownReactions }

/** A reaction is one emoji grapheme; the longest real ones (family, flags with tags) stay under this. */
export const MAX_REACTION_BYTES = 32
/** An edit's text: the limit of a message's. */
export const MAX_EDIT_BYTES = MAX_TEXT_BYTES
/** Characters of the quoted message a reply keeps. */
export const MAX_QUOTE_CHARS = 120

/** What a control message may do to a stored message. */
export type ActionKind = 'react' | 'edit' | 'delete'

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Whether `emoji` is one emoji grapheme within the byte bound ('' removes: checked by the caller). */
export function isReaction (emoji: string): boolean {
  if (emoji === '' || new TextEncoder().encode(emoji).length > MAX_REACTION_BYTES) return false
  const graphemes = [...segmenter.segment(emoji)]
  return graphemes.length === 1 && EMOJI.test(emoji)
}

export function checkReaction (emoji: string): void {
  if (emoji !== '' && !isReaction(emoji)) throw new ProtocolError(ErrorCode.INVALID, `a reaction is one emoji (at most ${MAX_REACTION_BYTES} bytes), got ${JSON.stringify(emoji.slice(0, 40))}`)
}

export function checkEditText (text: string): void {
  if (text.trim() === '') throw new ProtocolError(ErrorCode.INVALID, 'an edit needs text (delete the message instead)')
  if (new TextEncoder().encode(text).length > MAX_EDIT_BYTES) throw new ProtocolError(ErrorCode.TOO_LARGE, `an edit is over ${MAX_EDIT_BYTES} bytes`)
}

/** Who takes part in a conversation, for the rules below and for fan-out. */
export interface Participants {
  trust: ContactTrust
  /** The members (device PeerIds) of a group this device knows; undefined: unknown group. */
  members(group: string): Promise<string[] | undefined>
}

/**
 * Whether `from` may do `kind` to `message`. Edits and deletions: only its author (the 1:1 peer who
 * sent it, or the group member who wrote it). Reactions: a party of its conversation (the 1:1 peer,
 * or a member of the group).
 */
export async function mayChange (p: Participants, message: ChatMessage, from: PeerId, kind: ActionKind): Promise<boolean> {
  const sender = from.toString()
  if (message.group != null) {
    if (kind !== 'react') return message.direction === 'in' && message.sender === sender
    return (await p.members(message.group))?.includes(sender) === true
  }
  if (kind !== 'react' && message.direction !== 'in') return false
  return await speaksFor(p.trust, message.peer, from)
}

/**
 * The quote a reply shows: from this device's copy of the message it answers, only when that
 * message is in the reply's own conversation (a reply cannot pull text from another chat).
 */
export function quoteOf (quoted: ChatMessage | undefined, reply: Pick<ChatMessage, 'group' | 'peer'>, sameParty: boolean): string | undefined {
  if (quoted == null || quoted.deletedAt != null) return undefined
  if (reply.group != null ? quoted.group !== reply.group : quoted.group != null || !sameParty) return undefined
  const text = quoted.text !== '' ? quoted.text : quoted.attachment != null ? `[file] ${quoted.attachment.name}` : ''
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length > MAX_QUOTE_CHARS ? chars.slice(0, MAX_QUOTE_CHARS - 1).join('') + '…' : chars.join('')
}
