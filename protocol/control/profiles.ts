// Profiles shared with contacts: a display name and a small avatar, sent as an end-to-end
// encrypted `profile/update` control message to each contact through the durable outbox (so a change
// made offline leaves when the node is back). Nothing of it goes to the node in the clear. Received
// profiles are kept per sending device, the sender's clock ordering them: a replayed or overtaken
// update changes nothing.
import { ErrorCode, ProtocolError } from '../errors.ts'
import { ProfileBody } from '../wire/generated/messages.ts'
import type { ControlMessage, ControlRegistry } from './types.ts'
import type { ChatStore } from '../store/chat-store.ts'
import type { Logger } from '@libp2p/interface'

export const PROFILE = 'profile/update'
/** As the account's display name on a node (rendezvous/accounts/account-service.ts). */
export const MAX_DISPLAY_NAME_CHARS = 64
/**
 * Small, so every contact may keep one per person, and so the whole body stays under a control
 * message's limit (MAX_TEXT_BYTES, 32 KiB). The web app's 96×96 WebP is a few KiB.
 */
export const MAX_AVATAR_BYTES = 24 * 1024
export const AVATAR_TYPES = ['image/webp', 'image/jpeg', 'image/png'] as const

const OWN_KEY = 'profiles/own'
const PEER_PREFIX = 'profiles/peer/'

export interface Profile {
  displayName: string
  avatar?: { bytes: Uint8Array, type: string }
}

export interface PeerProfile extends Profile {
  /** The sender's clock when it was sent. */
  at: number
}

// Control characters and line/paragraph separators: a name is one line of plain text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Why `profile` may not be shared; undefined when it may. */
export function profileProblem (profile: Profile): string | undefined {
  const name = profile.displayName
  if ([...name].length > MAX_DISPLAY_NAME_CHARS) return `a display name has at most ${MAX_DISPLAY_NAME_CHARS} characters`
  if (CONTROL.test(name)) return 'a display name is one line of text'
  const a = profile.avatar
  if (a != null) {
    if (a.bytes.length === 0 || a.bytes.length > MAX_AVATAR_BYTES) return `an avatar is at most ${MAX_AVATAR_BYTES / 1024} KiB`
    if (!(AVATAR_TYPES as readonly string[]).includes(a.type)) return `an avatar is one of ${AVATAR_TYPES.join(', ')}`
    if (!hasImageMagic(a.bytes, a.type)) return `the avatar is not a ${a.type} image`
  }
  return undefined
}

/** The first bytes match the claimed type, so a contact never renders something else as an image. */
function hasImageMagic (b: Uint8Array, type: string): boolean {
  const starts = (...bytes: number[]): boolean => bytes.every((x, i) => b[i] === x)
  if (type === 'image/png') return starts(0x89, 0x50, 0x4e, 0x47)
  if (type === 'image/jpeg') return starts(0xff, 0xd8, 0xff)
  return starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 // RIFF….WEBP
}

function toBody (p: Profile): Uint8Array {
  return ProfileBody.encode({ displayName: p.displayName, avatar: new Uint8Array(p.avatar?.bytes ?? []), avatarType: p.avatar?.type ?? '' })
}

function encodeStored (p: Profile & { at?: number }): Uint8Array {
  const body = toBody(p)
  const out = new Uint8Array(8 + body.length)
  new DataView(out.buffer).setFloat64(0, p.at ?? 0)
  out.set(body, 8)
  return out
}

function decodeStored (raw: Uint8Array): PeerProfile | undefined {
  if (raw.length < 8) return undefined
  const at = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getFloat64(0)
  return { ...fromBody(ProfileBody.decode(raw.subarray(8))), at }
}

function fromBody (body: ProfileBody): Profile {
  return { displayName: body.displayName, ...(body.avatar.length > 0 ? { avatar: { bytes: body.avatar, type: body.avatarType } } : {}) }
}

export interface ProfilesComponents {
  control: ControlRegistry
  store: ChatStore
  log: Logger
  /** A contact's profile changed here (the screens show it). */
  onChange?: (peer: string, profile: PeerProfile) => void
}

export class Profiles {
  readonly #c: ProfilesComponents

  constructor (components: ProfilesComponents) {
    this.#c = components
    components.control.handle(PROFILE, async m => { await this.#onProfile(m) })
  }

  /** This device's profile as last shared (empty name, no avatar when never set). */
  async own (): Promise<Profile> {
    return await ownProfile(this.#c.store)
  }

  /** Keeps `profile` as this device's and queues it, end to end encrypted, to each of `contacts`. */
  async share (profile: Profile, contacts: string[]): Promise<string[]> {
    const problem = profileProblem(profile)
    if (problem != null) throw new ProtocolError(ErrorCode.INVALID, problem)
    await this.#c.store.setValue(OWN_KEY, encodeStored(profile))
    return await this.send(profile, contacts)
  }

  /** Queues `profile` to `contacts` (e.g. a contact added after it was set). */
  async send (profile: Profile, contacts: string[]): Promise<string[]> {
    const body = toBody(profile)
    const ids: string[] = []
    for (const to of new Set(contacts)) ids.push(await this.#c.control.queueControl(to, PROFILE, body))
    return ids
  }

  async #onProfile (m: ControlMessage): Promise<void> {
    let profile: Profile
    try {
      profile = fromBody(ProfileBody.decode(m.body))
    } catch {
      this.#c.log('dropped a malformed profile from %p', m.from)
      return
    }
    const problem = profileProblem(profile)
    if (problem != null) {
      this.#c.log('refused a profile from %p: %s', m.from, problem)
      return
    }
    const from = m.from.toString()
    const held = await peerProfile(this.#c.store, from)
    if (held != null && held.at >= m.sentAt) return
    const kept = { ...profile, at: m.sentAt }
    await this.#c.store.setValue(PEER_PREFIX + from, encodeStored(kept))
    this.#c.onChange?.(from, kept)
  }
}

/** A contact device's profile as `store` holds it (also without a running client). */
export async function peerProfile (store: ChatStore, peer: string): Promise<PeerProfile | undefined> {
  const raw = await store.getValue(PEER_PREFIX + peer)
  if (raw == null) return undefined
  try {
    return decodeStored(raw)
  } catch {
    return undefined
  }
}

export async function ownProfile (store: ChatStore): Promise<Profile> {
  const raw = await store.getValue(OWN_KEY)
  const held = raw != null ? (() => { try { return decodeStored(raw) } catch { return undefined } })() : undefined
  return held != null ? { displayName: held.displayName, ...(held.avatar != null ? { avatar: held.avatar } : {}) } : { displayName: '' }
}
